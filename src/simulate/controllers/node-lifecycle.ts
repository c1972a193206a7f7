// The node lifecycle controller and the taint-eviction controller: node-condition taints
// (memory/disk/pid pressure, unschedulable), Ready=Unknown after the grace period without
// heartbeats, the not-ready/unreachable NoExecute taints, pods marked not ready, and after their
// tolerationSeconds the pods deleted (TaintManagerEviction), with the DisruptionTarget condition
// from 1.26. Releases before taint-based evictions (1.12 and older) delete a lost node's pods
// themselves after the pod eviction timeout (NodeControllerEviction), and before 1.12 the scheduler
// filters such nodes on their condition rather than on a taint.

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { kubeMinor } from '../engine/version.ts';
import { involvedOf } from '../events/recorder.ts';
import { CONDITION_TAINTS_SINCE } from '../scheduler/messages.ts';
import { setCondition } from './util.ts';

const GRACE_MS = 50_000;
/** The release from which NoExecute taints drive evictions (TaintBasedEvictions, beta in 1.13). */
const TAINT_EVICTIONS_SINCE = 13;
/** The release from which an evicting controller first marks the pod DisruptionTarget (1.26). */
const DISRUPTION_CONDITIONS_SINCE = 26;
/** --pod-eviction-timeout of the releases that evicted without taints. */
const POD_EVICTION_TIMEOUT_MS = 300_000;
/** The taints of a node that is not ready (Ready False) or unreachable (Ready Unknown). */
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
const CONDITION_TAINTS: [string, string][] = [
  ['MemoryPressure', 'node.kubernetes.io/memory-pressure'],
  ['DiskPressure', 'node.kubernetes.io/disk-pressure'],
  ['PIDPressure', 'node.kubernetes.io/pid-pressure'],
];

export class NodeLifecycleController {
  readonly name = 'node-controller';
  private readonly actor: Actor;
  private readonly evictionActor: Actor;
  /** Last heartbeat (Lease renewal) per node. */
  readonly heartbeats = new Map<string, number>();
  private readonly notReadySince = new Map<string, number>();
  /** Nodes whose pods the controller of old releases already deleted in this outage. */
  private readonly evicted = new Set<string>();
  private readonly minor: number;

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('node-controller', sim.version);
    this.minor = kubeMinor(sim.version);
    this.evictionActor = controllerActor('node-controller', sim.version);
  }

  heartbeat(node: string): void {
    this.heartbeats.set(node, this.sim.clock.now);
  }

  reconcile(): void {
    const { api, clock, recorder } = this.sim;
    for (const node of api.list('Node')) {
      const name = node.metadata.name;
      const status = node.status as Json;
      let conditions = (status.conditions as Json[] | undefined) ?? [];
      const last = this.heartbeats.get(name) ?? clock.now;
      const ready = conditions.find((c) => c.type === 'Ready');
      let current = node;
      if (clock.now - last > GRACE_MS && ready && ready.status !== 'Unknown') {
        const now = clock.iso();
        conditions = conditions.map((c) => ({
          ...c,
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
          lastTransitionTime: now,
          lastHeartbeatTime: c.lastHeartbeatTime,
        }));
        const r = api.update({ ...node, status: { ...status, conditions } }, this.actor, {
          subresource: 'status',
        });
        if (r.ok) current = r.object;
        recorder.record(
          { component: 'node-controller' },
          involvedOf(node),
          'Normal',
          'NodeNotReady',
          `Node ${name} status is now: NodeNotReady`,
        );
        this.notReadySince.set(name, clock.now);
        // MarkPodsNotReady.
        for (const pod of api.list('Pod').filter((p) => (p.spec as Json).nodeName === name)) {
          recorder.record(
            { component: 'node-controller' },
            involvedOf(pod),
            'Warning',
            'NodeNotReady',
            'Node is not ready',
          );
          const pconds = setCondition(
            setCondition((pod.status as Json)?.conditions, { type: 'Ready', status: 'False' }, now, {
              probeTime: true,
            }),
            { type: 'ContainersReady', status: 'False' },
            now,
            { probeTime: true },
          );
          api.update({ ...pod, status: { ...(pod.status as Json), conditions: pconds } }, this.actor, {
            subresource: 'status',
            verb: 'patch',
          });
        }
      } else if (clock.now - last <= GRACE_MS && ready?.status === 'True' && this.notReadySince.has(name)) {
        this.notReadySince.delete(name);
        this.evicted.delete(name);
      }
      this.syncTaints(current);
      if (this.minor >= TAINT_EVICTIONS_SINCE) this.evictTaintedPods(current);
      else this.evictAfterTimeout(current);
    }
  }

  private syncTaints(node: KubeObject): void {
    const { api, clock } = this.sim;
    const spec = node.spec as Json;
    const conditions = ((node.status as Json).conditions as Json[] | undefined) ?? [];
    const taints = [...((spec.taints as Json[] | undefined) ?? [])];
    const want = new Map<string, Json>();
    for (const [type, key] of CONDITION_TAINTS) {
      if (conditions.find((c) => c.type === type)?.status === 'True')
        want.set(key, { key, effect: 'NoSchedule' });
    }
    const ready = conditions.find((c) => c.type === 'Ready')?.status;
    const readiness = ready === 'Unknown' ? UNREACHABLE_TAINT : ready === 'False' ? NOT_READY_TAINT : null;
    if (readiness && this.minor >= CONDITION_TAINTS_SINCE)
      want.set(readiness, { key: readiness, effect: 'NoSchedule' });
    if (readiness && this.minor >= TAINT_EVICTIONS_SINCE)
      want.set(`${readiness}:NoExecute`, { key: readiness, effect: 'NoExecute', timeAdded: clock.iso() });
    if (spec.unschedulable)
      want.set('node.kubernetes.io/unschedulable', {
        key: 'node.kubernetes.io/unschedulable',
        effect: 'NoSchedule',
        timeAdded: clock.iso(),
      });
    const managed = (t: Json) => t.key.startsWith('node.kubernetes.io/');
    const keyOf = (t: Json) => (t.effect === 'NoExecute' ? `${t.key}:NoExecute` : t.key);
    const kept = taints.filter((t) => !managed(t) || want.has(keyOf(t)));
    const present = new Set(kept.map(keyOf));
    const added = [...want.entries()].filter(([k]) => !present.has(k)).map(([, t]) => t);
    if (added.length === 0 && kept.length === taints.length) return;
    const next = [...kept, ...added];
    api.update(
      { ...node, spec: { ...spec, ...(next.length > 0 ? { taints: next } : { taints: undefined }) } },
      this.actor,
      { verb: 'patch', requestObject: { spec: { taints: next } } },
    );
  }

  /**
   * Taint-based eviction: pods on a node with a not-ready or unreachable NoExecute taint go after
   * their tolerationSeconds. The controller announces it on the pod (TaintManagerEviction), marks it
   * DisruptionTarget (1.26+), then deletes it; on an unreachable node the pod stays Terminating, as
   * no kubelet confirms its end, while its controller replaces it.
   */
  private evictTaintedPods(node: KubeObject): void {
    const { api, clock, recorder } = this.sim;
    const taint = (((node.spec as Json).taints as Json[] | undefined) ?? []).find(
      (t) => t.effect === 'NoExecute' && (t.key === UNREACHABLE_TAINT || t.key === NOT_READY_TAINT),
    );
    if (!taint) return;
    const since = Date.parse(taint.timeAdded ?? clock.iso());
    for (const pod of this.podsOn(node)) {
      const toleration = (((pod.spec as Json).tolerations as Json[] | undefined) ?? []).find(
        (t) =>
          (t.key === taint.key || (t.operator === 'Exists' && !t.key)) &&
          (!t.effect || t.effect === 'NoExecute'),
      );
      if (toleration && toleration.tolerationSeconds === undefined) continue;
      const seconds = toleration?.tolerationSeconds ?? 0;
      if (clock.now - since < seconds * 1000) continue;
      recorder.record(
        { component: 'taint-eviction-controller' },
        involvedOf(pod),
        'Normal',
        'TaintManagerEviction',
        `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`,
      );
      if (this.minor >= DISRUPTION_CONDITIONS_SINCE) {
        const conditions = setCondition(
          (pod.status as Json)?.conditions,
          {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'DeletionByTaintManager',
            message: 'Taint manager: deleting due to NoExecute taint',
          },
          clock.iso(),
          { probeTime: true },
        );
        api.update({ ...pod, status: { ...(pod.status as Json), conditions } }, this.evictionActor, {
          subresource: 'status',
          verb: 'patch',
        });
      }
      api.delete('Pod', pod.metadata.namespace, pod.metadata.name, this.evictionActor);
    }
  }

  /**
   * Eviction before taints (1.12 and older): once a node has been not ready for the pod eviction
   * timeout, the node controller deletes all its pods (DaemonSet pods excepted), announcing each on
   * the pod (NodeControllerEviction) and the whole on the node (DeletingAllPods).
   */
  private evictAfterTimeout(node: KubeObject): void {
    const { api, clock, recorder } = this.sim;
    const name = node.metadata.name;
    const since = this.notReadySince.get(name);
    if (since === undefined || this.evicted.has(name) || clock.now - since < POD_EVICTION_TIMEOUT_MS) return;
    this.evicted.add(name);
    recorder.record(
      { component: 'node-controller' },
      involvedOf(node),
      'Normal',
      'DeletingAllPods',
      `Deleting all Pods from Node ${name}.`,
    );
    for (const pod of this.podsOn(node)) {
      if (pod.metadata.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet')) continue;
      recorder.record(
        { component: 'node-controller' },
        involvedOf(pod),
        'Normal',
        'NodeControllerEviction',
        `Marking for deletion Pod ${pod.metadata.name} from Node ${name}`,
      );
      api.delete('Pod', pod.metadata.namespace, pod.metadata.name, this.evictionActor);
    }
  }

  /** The pods bound to the node that are not already being deleted. */
  private podsOn(node: KubeObject): KubeObject[] {
    return this.sim.api
      .list('Pod')
      .filter((p) => (p.spec as Json).nodeName === node.metadata.name && !p.metadata.deletionTimestamp);
  }
}
