// The ReplicaSet controller: keeps `spec.replicas` active pods, creating them from the template
// (owner reference, generateName) and deleting the least valuable first; reports FailedCreate
// with the admission message and retries with the workqueue's exponential back-off.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import {
  isActivePod,
  isOwnedBy,
  isPodAvailable,
  isPodReady,
  matchesSelector,
  ownerRef,
  podCondition,
  setCondition,
} from './util.ts';

export class ReplicaSetController {
  readonly name = 'replicaset-controller';
  private readonly actor: Actor;
  /** Failed syncs in a row and the earliest next attempt, per ReplicaSet. */
  private readonly backoff = new Map<string, { failures: number; next: number }>();

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor(this.name, sim.version);
  }

  reconcile(): void {
    for (const rs of this.sim.api.list('ReplicaSet')) this.sync(rs);
  }

  private sync(rs: KubeObject): void {
    const { api, clock } = this.sim;
    const spec = rs.spec as Json;
    const pods = api.list('Pod', rs.metadata.namespace).filter((p) => isOwnedBy(p, rs));
    const active = pods.filter(isActivePod);
    const desired = rs.metadata.deletionTimestamp ? 0 : (spec.replicas as number);
    const diff = active.length - desired;
    const key = `${rs.metadata.namespace}/${rs.metadata.name}`;
    let failure: string | null = null;
    if (diff < 0) {
      const b = this.backoff.get(key);
      if (!b || clock.now >= b.next) {
        for (let i = 0; i < -diff; i++) {
          const result = api.create(this.newPod(rs), this.actor);
          if (!result.ok) {
            failure = result.failure.message;
            this.sim.recorder.record(
              { component: this.name },
              involvedOf(rs),
              'Warning',
              'FailedCreate',
              `Error creating: ${failure}`,
            );
            const failures = (b?.failures ?? 0) + 1;
            // workqueue.DefaultControllerRateLimiter: 5ms · 2^n, at most 1000s.
            this.backoff.set(key, { failures, next: clock.now + Math.min(5 * 2 ** failures, 1_000_000) });
            this.sim.after(Math.min(5 * 2 ** failures, 1_000_000), () => this.sim.markDirty());
            break;
          }
          this.backoff.delete(key);
          this.sim.recorder.record(
            { component: this.name },
            involvedOf(rs),
            'Normal',
            'SuccessfulCreate',
            `Created pod: ${result.object.metadata.name}`,
          );
        }
      } else {
        failure =
          ((rs.status as Json)?.conditions as Json[] | undefined)?.find((c) => c.type === 'ReplicaFailure')
            ?.message ?? null;
      }
    } else if (diff > 0) {
      for (const pod of rankForDeletion(active, clock.now).slice(0, diff)) {
        const result = api.delete('Pod', pod.metadata.namespace, pod.metadata.name, this.actor);
        if (result.ok)
          this.sim.recorder.record(
            { component: this.name },
            involvedOf(rs),
            'Normal',
            'SuccessfulDelete',
            `Deleted pod: ${pod.metadata.name}`,
          );
      }
    }
    this.updateStatus(rs, failure);
  }

  private newPod(rs: KubeObject): KubeObject {
    const template = structuredClone((rs.spec as Json).template as Json);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: template.metadata?.labels ?? {},
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ...(template.metadata?.finalizers ? { finalizers: template.metadata.finalizers } : {}),
        ownerReferences: [ownerRef(rs)],
      },
      spec: template.spec,
    };
  }

  private updateStatus(rs: KubeObject, failure: string | null): void {
    const { api, clock } = this.sim;
    const fresh = api.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
    if (!fresh) return;
    const spec = fresh.spec as Json;
    const pods = api
      .list('Pod', fresh.metadata.namespace)
      .filter((p) => isOwnedBy(p, fresh) && isActivePod(p));
    const minReady = (spec.minReadySeconds as number | undefined) ?? 0;
    const status: Json = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => matchesSelector(p.metadata.labels, fresh.metadata.labels))
        .length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, clock.now)).length,
      terminatingReplicas: api
        .list('Pod', fresh.metadata.namespace)
        .filter((p) => isOwnedBy(p, fresh) && p.metadata.deletionTimestamp).length,
      observedGeneration: fresh.metadata.generation,
    };
    status.fullyLabeledReplicas = pods.length;
    const prevConditions = (fresh.status as Json | undefined)?.conditions as Json[] | undefined;
    if (failure) {
      status.conditions = setCondition(
        prevConditions,
        { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure },
        clock.iso(),
      );
    } else if (prevConditions && pods.length >= (spec.replicas as number)) {
      const rest = prevConditions.filter((c) => c.type !== 'ReplicaFailure');
      if (rest.length > 0) status.conditions = rest;
    } else if (prevConditions) {
      status.conditions = prevConditions;
    }
    for (const k of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas', 'terminatingReplicas'])
      if (status[k] === 0) delete status[k];
    api.update({ ...fresh, status }, this.actor, { subresource: 'status' });
  }
}

/** controller.ActivePods ordering: unassigned, pending, not ready, most restarts, newest go first. */
export function rankForDeletion(pods: KubeObject[], _now: number): KubeObject[] {
  const score = (p: KubeObject) => {
    const status = p.status as Json;
    const restarts = ((status?.containerStatuses as Json[] | undefined) ?? []).reduce(
      (s, c) => s + (c.restartCount ?? 0),
      0,
    );
    return [
      (p.spec as Json).nodeName ? 1 : 0,
      status?.phase === 'Pending' ? 0 : status?.phase === 'Unknown' ? 1 : 2,
      isPodReady(p) ? 1 : 0,
      -restarts,
      -Date.parse(podCondition(p, 'Ready')?.lastTransitionTime ?? p.metadata.creationTimestamp ?? '0'),
    ];
  };
  return [...pods].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i]! - sb[i]!;
    return a.metadata.name < b.metadata.name ? -1 : 1;
  });
}
