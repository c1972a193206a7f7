// The kubelet's own admission of a pod bound to its node: the resource fit it checks again against
// the pods it already runs (a pod placed by spec.nodeName, or by a scheduler that saw another state,
// bypasses the scheduler's check). A pod that does not fit is rejected: a Warning Event OutOf<resource>
// ("Node didn't have enough resource: cpu, requested: 250, used: 1850, capacity: 2000") and the pod
// Failed with that reason, never started; its controller creates another.

import { isTerminalPod } from '../api/admission.ts';
import type { Json } from '../engine/json.ts';
import { parseBytes, parseCpuMillis } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { podRequests } from '../scheduler/scheduler.ts';
import type { Kubelet } from './kubelet.ts';

/** Why the kubelet refuses a pod: the first resource it lacks, in the kubelet's order. */
export interface Rejection {
  reason: string;
  message: string;
}

export class AdmissionManager {
  constructor(private readonly k: Kubelet) {}

  /** The rejection of a pod that does not fit beside the pods already admitted, or null. */
  check(pod: KubeObject): Rejection | null {
    const node = this.k.sim.api.get('Node', undefined, this.k.nodeName);
    const allocatable = (node?.status as Json | undefined)?.allocatable as Json | undefined;
    if (!allocatable) return null;
    const capacity = {
      pods: Number(allocatable.pods),
      cpu: parseCpuMillis(allocatable.cpu),
      memory: parseBytes(allocatable.memory),
    };
    const used = { pods: 0, cpu: 0, memory: 0 };
    for (const rt of this.k.pods.values()) {
      if (rt.uid === pod.metadata.uid || rt.removed || isTerminalPod(rt.pod)) continue;
      const r = podRequests(rt.pod);
      used.pods++;
      used.cpu += r.cpu;
      used.memory += r.memory;
    }
    const requested = { pods: 1, ...podRequests(pod) };
    // fitsRequest's order: the pod count, then cpu, memory; the first shortfall names the rejection.
    for (const resource of ['pods', 'cpu', 'memory'] as const) {
      if (resource !== 'pods' && requested[resource] === 0) continue;
      if (used[resource] + requested[resource] <= capacity[resource]) continue;
      return {
        reason: `OutOf${resource}`,
        message: `Node didn't have enough resource: ${resource}, requested: ${requested[resource]}, used: ${used[resource]}, capacity: ${capacity[resource]}`,
      };
    }
    return null;
  }

  /** rejectPod: the Event, then the pod Failed with the reason and "Pod was rejected: <message>". */
  reject(pod: KubeObject, rejection: Rejection): void {
    const { api, recorder } = this.k.sim;
    recorder.record(this.k.source(), involvedOf(pod), 'Warning', rejection.reason, rejection.message);
    const fresh = api.get('Pod', pod.metadata.namespace, pod.metadata.name);
    if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
    api.update(
      {
        ...fresh,
        status: {
          ...(fresh.status as Json),
          phase: 'Failed',
          reason: rejection.reason,
          message: `Pod was rejected: ${rejection.message}`,
        },
      },
      this.k.actor,
      { subresource: 'status', verb: 'patch' },
    );
  }
}
