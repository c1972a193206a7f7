// What happens to a node from outside: kubectl cordon and drain (evictions through the Eviction API,
// held back by PodDisruptionBudgets), resource pressure, and a lost node coming back.

import type { Actor } from '../api/actors.ts';
import { pdbBudget } from '../controllers/disruption.ts';
import { controllerOf } from '../controllers/util.ts';
import { NODEFS_CAPACITY_BYTES } from '../kubelet/eviction-manager.ts';
import type { Action } from '../scenario/schema.ts';
import type { Json } from './json.ts';
import { parseBytes, parseDuration } from './quantity.ts';
import type { Simulation } from './simulation.ts';

/** kubectl cordon (or uncordon), and the event the node's kubelet records. */
export function setUnschedulable(sim: Simulation, actor: Actor, node: string, unschedulable: boolean): void {
  const { ctx } = sim;
  const { api } = ctx;
  const obj = api.get('Node', undefined, node);
  if (!obj) throw new Error(`timeline: no node ${node}`);
  api.update({ ...obj, spec: { ...(obj.spec as Json), unschedulable: unschedulable || undefined } }, actor, {
    verb: 'patch',
    requestObject: { spec: { unschedulable: unschedulable ? true : null } },
    query: '?fieldManager=kubectl-cordon',
  });
  ctx.recorder.record(
    { component: 'kubelet', host: node },
    { apiVersion: 'v1', kind: 'Node', name: node, uid: node },
    'Normal',
    unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable',
    `Node ${node} status is now: ${unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable'}`,
  );
}

/** Memory pressure on a node, or something outside the pods filling its disk or process table. */
export function nodePressure(sim: Simulation, action: Extract<Action, { action: 'node-pressure' }>): void {
  const { ctx } = sim;
  const { world, clock } = ctx;
  const h = world.node(action.node);
  const kubelet = sim.kubelets.get(action.node);
  if (!kubelet) throw new Error(`timeline: no node ${action.node}`);
  if (action.resource !== 'memory') {
    // Something outside the pods fills the disk or forks: the kubelet's signals take it from there.
    const disk = action.resource === 'disk';
    const left = disk ? kubelet.diskAvailable() : kubelet.pidsAvailable();
    const threshold = disk ? NODEFS_CAPACITY_BYTES * 0.1 : kubelet.spec.pidMax * 0.1;
    const extra = Math.max(0, Math.round(left - threshold * 0.6));
    if (disk) h.diskExtra += extra;
    else h.pidExtra += extra;
    if (action.for)
      ctx.after(parseDuration(action.for), () => {
        if (disk) h.diskExtra = Math.max(0, h.diskExtra - extra);
        else h.pidExtra = Math.max(0, h.pidExtra - extra);
        ctx.markDirty();
      });
    return;
  }
  h.pressure.add(action.resource);
  h.pressureSince.set(action.resource, clock.now);
  h.memoryDeficit = parseBytes(kubelet.spec.memory) * 0.12;
  kubelet.nodeEvent('NodeHasInsufficientMemory');
  kubelet.reportNodeStatus(true);
}

/** kubectl drain: evict every pod but DaemonSet ones through the Eviction API, retrying 429s every 5 s. */
export function drain(sim: Simulation, actor: Actor, node: string, attempt: number): void {
  const { api } = sim.ctx;
  const pods = api
    .list('Pod')
    .filter(
      (p) =>
        (p.spec as Json).nodeName === node &&
        !p.metadata.deletionTimestamp &&
        controllerOf(p)?.kind !== 'DaemonSet',
    );
  let blocked = false;
  for (const pod of pods) {
    const eviction = {
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
      deleteOptions: {},
    };
    const pdb = api.list('PodDisruptionBudget', pod.metadata.namespace).find((b) => {
      const sel = (b.spec as Json).selector?.matchLabels as Record<string, string> | undefined;
      return sel && Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v);
    });
    if (pdb && pdbBudget(sim.ctx, pdb).allowed <= 0) {
      blocked = true;
      api.auditSubresource(actor, 'create', pod, 'eviction', 429, eviction, {
        code: 429,
        reason: 'TooManyRequests',
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        details: {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${pdb.metadata.name} needs ${pdbBudget(sim.ctx, pdb).desired} healthy pods and has ${pdbBudget(sim.ctx, pdb).healthy} currently`,
            },
          ],
        },
      });
      continue;
    }
    api.auditSubresource(actor, 'create', pod, 'eviction', 201, eviction);
    api.delete('Pod', pod.metadata.namespace, pod.metadata.name, actor);
  }
  if (blocked && attempt < 120) sim.ctx.after(5000, () => drain(sim, actor, node, attempt + 1));
}

export function recoverNode(sim: Simulation, node: string): void {
  const kubelet = sim.kubelets.get(node);
  if (!kubelet) return;
  sim.ctx.world.node(node).lost = false;
  kubelet.reboot();
  sim.ctx.markDirty();
}
