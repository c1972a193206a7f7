// The DaemonSet controller: one pod per eligible node (node selector and NoSchedule taints checked
// here; the pod is pinned with a matchFields node affinity and tolerates the node-condition taints
// the controller adds), with its status counts including misscheduled pods.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import { templateRevisionHash } from '../engine/hash.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { tolerates } from '../scheduler/scheduler.ts';
import { isOwnedBy, isPodReady, ownerRef } from './util.ts';

const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export class DaemonSetController {
  readonly name = 'daemonset-controller';
  private readonly actor: Actor;

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('daemon-set-controller', sim.version);
  }

  reconcile(): void {
    for (const ds of this.sim.api.list('DaemonSet')) this.sync(ds);
  }

  private sync(ds: KubeObject): void {
    const { api, recorder } = this.sim;
    const spec = ds.spec as Json;
    const ns = ds.metadata.namespace!;
    const hash = templateRevisionHash(spec.template);
    const podSpec = spec.template.spec as Json;
    const tolerations = [...((podSpec.tolerations as Json[] | undefined) ?? []), ...DAEMON_TOLERATIONS];
    const eligible = (node: KubeObject) => {
      const selector = podSpec.nodeSelector as Record<string, string> | undefined;
      if (selector && !Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v))
        return false;
      return !(((node.spec as Json).taints as Json[] | undefined) ?? []).some(
        (t) =>
          t.effect !== 'PreferNoSchedule' && !tolerates(tolerations, t as { key: string; effect: string }),
      );
    };
    const pods = api
      .list('Pod', ns)
      // A terminating pod still holds its node: the replacement waits for it (maxSurge 0).
      .filter((p) => isOwnedBy(p, ds) && (p.status as Json)?.phase !== 'Failed');
    const podOn = (node: string) =>
      pods.find(
        (p) =>
          (p.spec as Json).nodeName === node ||
          (p.spec as Json).affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
            ?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] === node,
      );
    const nodes = api.list('Node');
    let desired = 0;
    let misscheduled = 0;
    for (const node of nodes) {
      const name = node.metadata.name;
      const ok = eligible(node);
      const existing = podOn(name);
      if (ok) desired++;
      if (ok && !existing) {
        const template = structuredClone(spec.template as Json);
        const pod: KubeObject = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: '',
            generateName: `${ds.metadata.name}-`,
            namespace: ns,
            labels: {
              ...template.metadata?.labels,
              'controller-revision-hash': hash,
              'pod-template-generation': String(ds.metadata.generation ?? 1),
            },
            ...(template.metadata?.finalizers ? { finalizers: template.metadata.finalizers } : {}),
            ownerReferences: [ownerRef(ds)],
          },
          spec: {
            ...template.spec,
            tolerations,
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    { matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }] },
                  ],
                },
              },
            },
          },
        };
        const r = api.create(pod, this.actor);
        recorder.record(
          { component: 'daemonset-controller' },
          involvedOf(ds),
          r.ok ? 'Normal' : 'Warning',
          r.ok ? 'SuccessfulCreate' : 'FailedCreate',
          r.ok ? `Created pod: ${r.object.metadata.name}` : `Error creating: ${r.failure.message}`,
        );
      } else if (!ok && existing) {
        misscheduled++;
      }
    }
    // RollingUpdate (maxUnavailable 1, maxSurge 0): replace one out-of-date pod at a time, and only
    // while every other daemon pod is ready.
    const all = api.list('Pod', ns).filter((p) => isOwnedBy(p, ds));
    const terminating = all.some((p) => p.metadata.deletionTimestamp);
    const unavailable = all.filter((p) => !p.metadata.deletionTimestamp && !isPodReady(p));
    const stale = all.find(
      (p) => !p.metadata.deletionTimestamp && p.metadata.labels?.['controller-revision-hash'] !== hash,
    );
    if (stale && !terminating && unavailable.every((p) => p === stale)) {
      if (api.delete('Pod', ns, stale.metadata.name, this.actor).ok) {
        recorder.record(
          { component: 'daemonset-controller' },
          involvedOf(ds),
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${stale.metadata.name}`,
        );
      }
    }
    const fresh = api
      .list('Pod', ns)
      .filter(
        (p) => isOwnedBy(p, ds) && !p.metadata.deletionTimestamp && (p.status as Json)?.phase !== 'Failed',
      );
    const scheduled = fresh.filter((p) => (p.spec as Json).nodeName);
    const ready = scheduled.filter(isPodReady).length;
    const status: Json = {
      currentNumberScheduled: scheduled.length - misscheduled,
      desiredNumberScheduled: desired,
      numberAvailable: ready,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      numberUnavailable: Math.max(0, desired - ready),
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: scheduled.filter(
        (p) => p.metadata.labels?.['controller-revision-hash'] === hash,
      ).length,
    };
    for (const k of ['numberAvailable', 'numberUnavailable']) if (status[k] === 0) delete status[k];
    api.update({ ...ds, status }, this.actor, { subresource: 'status' });
  }
}
