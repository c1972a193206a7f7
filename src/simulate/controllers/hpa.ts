// The HorizontalPodAutoscaler controller (autoscaling/v2, CPU utilisation): every 15 s, desired =
// ceil(current × usage / target) outside a 10 % tolerance, clamped to min/max, scale-down held by a
// 5-minute stabilisation window; SuccessfulRescale events and the AbleToScale, ScalingActive and
// ScalingLimited conditions.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { parseCpuMillis } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { isPodReady, matchesSelector, setCondition } from './util.ts';

const SYNC_MS = 15_000;
const STABILIZATION_MS = 300_000;

export class HpaController {
  readonly name = 'horizontal-pod-autoscaler';
  private readonly actor: Actor;
  private lastSync = 0;
  private readonly recommendations = new Map<string, { at: number; replicas: number }[]>();

  constructor(
    private readonly sim: SimContext,
    /** Current CPU use of a pod in millicores, from the kubelets (what metrics-server reports). */
    private readonly podCpu: (pod: KubeObject) => number | undefined,
  ) {
    this.actor = controllerActor(this.name, sim.version);
  }

  reconcile(): void {
    const { clock } = this.sim;
    if (clock.now - this.lastSync < SYNC_MS) return;
    this.lastSync = clock.now;
    for (const hpa of this.sim.api.list('HorizontalPodAutoscaler')) this.sync(hpa);
  }

  private sync(hpa: KubeObject): void {
    const { api, clock, recorder } = this.sim;
    const spec = hpa.spec as Json;
    const target = api.get(spec.scaleTargetRef.kind, hpa.metadata.namespace, spec.scaleTargetRef.name);
    if (!target) return;
    const tspec = target.spec as Json;
    const current = tspec.replicas as number;
    const pods = api
      .list('Pod', hpa.metadata.namespace)
      .filter(
        (p) =>
          matchesSelector(p.metadata.labels, tspec.selector.matchLabels) &&
          isPodReady(p) &&
          !p.metadata.deletionTimestamp,
      );
    const targetUtil = spec.metrics[0].resource.target.averageUtilization as number;
    let utilSum = 0;
    let counted = 0;
    for (const p of pods) {
      const cpu = this.podCpu(p);
      const req = ((p.spec as Json).containers as Json[]).reduce(
        (s, c) => s + (c.resources?.requests?.cpu ? parseCpuMillis(c.resources.requests.cpu) : 0),
        0,
      );
      if (cpu === undefined || req === 0) continue;
      utilSum += (cpu / req) * 100;
      counted++;
    }
    const now = clock.iso();
    let conditions = ((hpa.status as Json | undefined)?.conditions as Json[] | undefined) ?? [];
    const status: Json = { ...(hpa.status as Json), currentReplicas: current };
    if (counted === 0) {
      conditions = setCondition(
        conditions,
        {
          type: 'AbleToScale',
          status: 'True',
          reason: 'SucceededGetScale',
          message: "the HPA controller was able to get the target's current scale",
        },
        now,
      );
      conditions = setCondition(
        conditions,
        {
          type: 'ScalingActive',
          status: 'False',
          reason: 'FailedGetResourceMetric',
          message:
            'the HPA was unable to compute the replica count: failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)',
        },
        now,
      );
      api.update({ ...hpa, status: { ...status, desiredReplicas: current, conditions } }, this.actor, {
        subresource: 'status',
      });
      return;
    }
    const util = Math.round(utilSum / counted);
    const ratio = util / targetUtil;
    let desired = Math.abs(ratio - 1) <= 0.1 ? current : Math.ceil(counted * ratio);
    const key = `${hpa.metadata.namespace}/${hpa.metadata.name}`;
    const recs = (this.recommendations.get(key) ?? []).filter((r) => clock.now - r.at <= STABILIZATION_MS);
    recs.push({ at: clock.now, replicas: desired });
    this.recommendations.set(key, recs);
    if (desired < current) desired = Math.max(...recs.map((r) => r.replicas));
    let limited: Json = {
      type: 'ScalingLimited',
      status: 'False',
      reason: 'DesiredWithinRange',
      message: 'the desired count is within the acceptable range',
    };
    if (desired > spec.maxReplicas) {
      desired = spec.maxReplicas;
      limited = {
        type: 'ScalingLimited',
        status: 'True',
        reason: 'TooManyReplicas',
        message: 'the desired replica count is more than the maximum replica count',
      };
    } else if (desired < spec.minReplicas) {
      desired = spec.minReplicas;
      limited = {
        type: 'ScalingLimited',
        status: 'True',
        reason: 'TooFewReplicas',
        message: 'the desired replica count is less than the minimum replica count',
      };
    }
    conditions = setCondition(
      conditions,
      {
        type: 'AbleToScale',
        status: 'True',
        reason: desired !== current ? 'SucceededRescale' : 'ReadyForNewScale',
        message:
          desired !== current
            ? 'the HPA controller was able to update the target scale to ' + desired
            : 'recommended size matches current size',
      },
      now,
    );
    conditions = setCondition(
      conditions,
      {
        type: 'ScalingActive',
        status: 'True',
        reason: 'ValidMetricFound',
        message:
          'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
      },
      now,
    );
    conditions = setCondition(conditions, limited as { type: string; status: string }, now);
    if (desired !== current) {
      const scale = {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: target.metadata.name, namespace: target.metadata.namespace },
        spec: { replicas: desired },
      };
      const r = api.update({ ...target, spec: { ...tspec, replicas: desired } }, this.actor, {
        subresource: 'scale',
        requestObject: scale,
      });
      if (r.ok) {
        const reason =
          desired > current
            ? 'cpu resource utilization (percentage of request) above target'
            : 'All metrics below target';
        recorder.record(
          { component: 'horizontal-pod-autoscaler' },
          involvedOf(hpa),
          'Normal',
          'SuccessfulRescale',
          `New size: ${desired}; reason: ${reason}`,
        );
        status.lastScaleTime = now;
      }
    }
    status.desiredReplicas = desired;
    status.currentMetrics = [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          current: { averageUtilization: util, averageValue: `${Math.round(utilSum / counted)}m` },
        },
      },
    ];
    status.conditions = conditions;
    api.update({ ...hpa, status }, this.actor, { subresource: 'status' });
  }
}
