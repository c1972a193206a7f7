// The node lifecycle controller and the taint-eviction controller: node-condition taints
// (memory/disk/pid pressure, unschedulable), Ready=Unknown after the grace period without
// heartbeats, the not-ready/unreachable NoExecute taints, pods marked not ready, and after their
// tolerationSeconds the pods deleted (TaintManagerEviction).

import type { Actor } from '../api/actors.ts';
import { controllerActor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { involvedOf } from '../events/recorder.ts';
import { setCondition } from './util.ts';

const GRACE_MS = 50_000;
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

  constructor(private readonly sim: SimContext) {
    this.actor = controllerActor('node-controller', sim.version);
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
      }
      this.syncTaints(current);
      this.evictUnreachablePods(current);
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
    if (ready === 'Unknown') {
      want.set('node.kubernetes.io/unreachable', {
        key: 'node.kubernetes.io/unreachable',
        effect: 'NoSchedule',
      });
      want.set('node.kubernetes.io/unreachable:NoExecute', {
        key: 'node.kubernetes.io/unreachable',
        effect: 'NoExecute',
        timeAdded: clock.iso(),
      });
    } else if (ready === 'False') {
      want.set('node.kubernetes.io/not-ready', { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
    }
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

  /** Taint-based eviction: pods on a NoExecute-tainted node go after their tolerationSeconds. */
  private evictUnreachablePods(node: KubeObject): void {
    const { api, clock, recorder } = this.sim;
    const taint = (((node.spec as Json).taints as Json[] | undefined) ?? []).find(
      (t) => t.effect === 'NoExecute' && t.key === 'node.kubernetes.io/unreachable',
    );
    if (!taint) return;
    const since = Date.parse(taint.timeAdded ?? clock.iso());
    for (const pod of api
      .list('Pod')
      .filter((p) => (p.spec as Json).nodeName === node.metadata.name && !p.metadata.deletionTimestamp)) {
      const toleration = (((pod.spec as Json).tolerations as Json[] | undefined) ?? []).find(
        (t) => t.key === taint.key && t.effect === 'NoExecute',
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
      api.delete('Pod', pod.metadata.namespace, pod.metadata.name, this.evictionActor);
    }
  }
}
