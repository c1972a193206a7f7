// The kubelet's status manager: each pod's phase, conditions and container statuses, patched to
// the API server when its state changed.

import { qosClass } from '../api/admission.ts';
import { setCondition } from '../controllers/util.ts';
import type { Json } from '../engine/json.ts';
import { containerStatusJson } from './container.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';

export class StatusManager {
  constructor(private readonly k: Kubelet) {}

  /** Write the status of every pod whose state changed (the status manager's patch). */
  flush(): void {
    if (this.k.lost) return;
    for (const rt of this.k.pods.values()) if (rt.statusDirty) this.flushPod(rt);
  }

  /** Patch one pod's status from its runtime state. */
  flushPod(rt: PodRuntime): void {
    rt.statusDirty = false;
    const { api, clock } = this.k.sim;
    const pod = api.get('Pod', rt.namespace, rt.name);
    if (!pod || pod.metadata.uid !== rt.uid) return;
    const now = clock.iso();
    const prev = (pod.status as Json) ?? {};
    const gen = pod.metadata.generation;
    const statuses = rt.containers.map(containerStatusJson);
    const unready = rt.containers.filter((c) => !c.ready).map((c) => c.name);
    const allTerminated = rt.containers.every((c) => c.state === 'terminated');
    const allSucceeded = allTerminated && rt.containers.every((c) => c.terminated?.exitCode === 0);
    // An init container that failed under restartPolicy Never fails the pod.
    const initFailed =
      rt.restartPolicy === 'Never' &&
      rt.initContainers.some((c) => c.state === 'terminated' && (c.terminated?.exitCode ?? 0) !== 0);
    let phase: string;
    if (rt.evicted || initFailed) phase = 'Failed';
    else if (allTerminated && rt.restartPolicy !== 'Always' && !rt.terminating)
      phase = allSucceeded ? 'Succeeded' : rt.restartPolicy === 'Never' ? 'Failed' : 'Running';
    else if (rt.containers.some((c) => c.state === 'running' || c.restartCount > 0 || c.last))
      phase = 'Running';
    else if (allTerminated && rt.terminating)
      phase = prev.phase === 'Pending' ? 'Pending' : (prev.phase ?? 'Running');
    else phase = 'Pending';
    const completed = phase === 'Succeeded' || (phase === 'Failed' && !rt.evicted);
    let conditions = (prev.conditions as Json[] | undefined) ?? [];
    const set = (type: string, ok: boolean, reason?: string, message?: string) => {
      conditions = setCondition(
        conditions,
        {
          type,
          status: ok ? 'True' : 'False',
          reason: ok ? undefined : reason,
          message: ok ? undefined : message,
        },
        now,
        { probeTime: true },
      );
    };
    if (rt.evicted) {
      conditions = setCondition(
        conditions,
        {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'TerminationByKubelet',
          message: rt.evicted.message,
        },
        now,
        { probeTime: true },
      );
    }
    set(
      'PodReadyToStartContainers',
      rt.sandboxReady && !(allTerminated && (rt.terminating || rt.restartPolicy !== 'Always')),
    );
    if (completed) {
      conditions = setCondition(
        conditions,
        { type: 'Initialized', status: 'True', reason: 'PodCompleted' },
        now,
        { probeTime: true },
      );
      conditions = setCondition(conditions, { type: 'Ready', status: 'False', reason: 'PodCompleted' }, now, {
        probeTime: true,
      });
      conditions = setCondition(
        conditions,
        { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' },
        now,
        { probeTime: true },
      );
    } else {
      const incomplete = rt.initContainers.filter(
        (c) => c.state !== 'terminated' || c.terminated?.exitCode !== 0,
      );
      set(
        'Initialized',
        rt.initialized,
        'ContainersNotInitialized',
        `containers with incomplete status: [${incomplete.map((c) => c.name).join(' ')}]`,
      );
      const msg = `containers with unready status: [${unready.join(' ')}]`;
      set('Ready', unready.length === 0, 'ContainersNotReady', msg);
      set('ContainersReady', unready.length === 0, 'ContainersNotReady', msg);
    }
    const order = [
      'DisruptionTarget',
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ];
    conditions = conditions
      .map((c): Json => ({ ...c, observedGeneration: gen }))
      .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    const status: Json = {
      conditions,
      containerStatuses: statuses,
      hostIP: this.k.ip,
      hostIPs: [{ ip: this.k.ip }],
      ...(rt.initContainers.length > 0
        ? { initContainerStatuses: rt.initContainers.map(containerStatusJson) }
        : {}),
      observedGeneration: gen,
      phase,
      ...(rt.podIP && !rt.evicted ? { podIP: rt.podIP, podIPs: [{ ip: rt.podIP }] } : {}),
      qosClass: prev.qosClass ?? qosClass(pod.spec as Json),
      startTime: prev.startTime ?? clock.iso(rt.admittedAt),
      ...(rt.evicted ? { message: rt.evicted.message, reason: 'Evicted' } : {}),
    };
    api.update({ ...pod, status }, this.k.actor, {
      subresource: 'status',
      verb: 'patch',
      requestObject: { status },
    });
  }
}
