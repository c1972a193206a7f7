// The default scheduler: filters in the upstream plugin order (NodeUnschedulable, TaintToleration,
// NodeAffinity, NodeResourcesFit, VolumeBinding), least-allocated scoring, binding through the
// pods/binding subresource, and FailedScheduling in the words of the release it runs (messages.ts).
// Unschedulable pods are retried on cluster changes and at the
// latest every 5 minutes (podMaxInUnschedulablePodsDuration).

import type { Actor } from '../api/actors.ts';
import { schedulerActor } from '../api/actors.ts';
import { isTerminalPod } from '../api/admission.ts';
import { setCondition } from '../controllers/util.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { parseBytes, parseCpuMillis } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import { kubeMinor } from '../engine/version.ts';
import { involvedOf } from '../events/recorder.ts';
import {
  CONDITION_TAINTS_SINCE,
  fitErrorMessage,
  type NodeFitFailure,
  preFilterMessage,
} from './messages.ts';

const RETRY_MS = 300_000;

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export function tolerates(
  tolerations: Toleration[] | undefined,
  taint: { key: string; value?: string; effect: string },
): boolean {
  return (tolerations ?? []).some(
    (t) =>
      (!t.effect || t.effect === taint.effect) &&
      (t.operator === 'Exists'
        ? !t.key || t.key === taint.key
        : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );
}

export function podRequests(pod: KubeObject): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of (pod.spec as Json).containers as Json[]) {
    const r = c.resources?.requests ?? {};
    if (r.cpu) cpu += parseCpuMillis(r.cpu);
    if (r.memory) memory += parseBytes(r.memory);
  }
  return { cpu, memory };
}

export class Scheduler {
  readonly name = 'default-scheduler';
  private readonly actor: Actor;
  /** Last attempt per unschedulable pod uid, and the cluster state signature at that time. */
  private readonly attempts = new Map<string, { at: number; signature: string }>();
  /** The release whose wording FailedScheduling messages take. */
  private readonly minor: number;

  constructor(
    private readonly sim: SimContext,
    private readonly instance: string,
  ) {
    this.actor = schedulerActor(sim.version);
    this.minor = kubeMinor(sim.version);
  }

  reconcile(): void {
    const { api, clock } = this.sim;
    const pending = api
      .list('Pod')
      .filter((p) => !(p.spec as Json).nodeName && !p.metadata.deletionTimestamp && !isTerminalPod(p));
    if (pending.length === 0) return;
    const signature = this.clusterSignature();
    // Higher priority first, then older first: the active queue's order.
    pending.sort(
      (a, b) =>
        ((b.spec as Json).priority ?? 0) - ((a.spec as Json).priority ?? 0) ||
        (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? -1 : 1),
    );
    for (const pod of pending) {
      const last = this.attempts.get(pod.metadata.uid!);
      if (last && last.signature === signature && clock.now - last.at < RETRY_MS) continue;
      this.schedule(pod, signature);
    }
  }

  /** Changes that move pods out of the unschedulable queue: nodes, pod removals, PVC binding. */
  private clusterSignature(): string {
    const { api } = this.sim;
    const nodes = api.list('Node').map((n) => `${n.metadata.name}:${n.metadata.resourceVersion}`);
    const running = api.list('Pod').filter((p) => (p.spec as Json).nodeName && !isTerminalPod(p)).length;
    const pvcs = api
      .list('PersistentVolumeClaim')
      .map((p) => (p.status as Json)?.phase)
      .join(',');
    return `${nodes.join(',')}|${running}|${pvcs}`;
  }

  private schedule(pod: KubeObject, signature: string): void {
    const { api, clock, recorder } = this.sim;
    const spec = pod.spec as Json;
    const nodes = api.list('Node');
    const feasible: { node: KubeObject; score: number }[] = [];

    // VolumeBinding PreFilter: an unbound immediate PVC fails the whole pod.
    for (const v of (spec.volumes as Json[] | undefined) ?? []) {
      if (!v.persistentVolumeClaim) continue;
      const pvc = api.get('PersistentVolumeClaim', pod.metadata.namespace, v.persistentVolumeClaim.claimName);
      if (!pvc) {
        const reason = `persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" not found`;
        this.fail(pod, signature, preFilterMessage(reason, nodes.length, this.minor));
        return;
      }
      const sc = (pvc.spec as Json).storageClassName as string | undefined;
      const storageClass = sc ? api.get('StorageClass', undefined, sc) : undefined;
      const waitForConsumer =
        (storageClass?.volumeBindingMode as string | undefined) === 'WaitForFirstConsumer';
      if ((pvc.status as Json)?.phase !== 'Bound' && !waitForConsumer) {
        const reason = 'pod has unbound immediate PersistentVolumeClaims';
        this.fail(pod, signature, preFilterMessage(reason, nodes.length, this.minor));
        return;
      }
    }

    const req = podRequests(pod);
    const nodeUsage = this.nodeUsage();
    const failures: NodeFitFailure[][] = [];
    for (const node of nodes) {
      const failed = this.filter(pod, node, req, nodeUsage.get(node.metadata.name));
      if (failed.length > 0) {
        failures.push(failed);
        continue;
      }
      const nstatus = node.status as Json;
      const alloc = {
        cpu: parseCpuMillis(nstatus.allocatable.cpu),
        memory: parseBytes(nstatus.allocatable.memory),
      };
      const used = nodeUsage.get(node.metadata.name) ?? { cpu: 0, memory: 0, pods: 0 };
      const score =
        (1 - (used.cpu + req.cpu) / alloc.cpu + 1 - (used.memory + req.memory) / alloc.memory) / 2;
      feasible.push({ node, score });
    }

    if (feasible.length === 0) {
      this.fail(pod, signature, fitErrorMessage(failures, this.minor));
      return;
    }

    feasible.sort((a, b) => b.score - a.score || (a.node.metadata.name < b.node.metadata.name ? -1 : 1));
    const chosen = feasible[0]!.node;
    const binding = {
      kind: 'Binding',
      apiVersion: 'v1',
      metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
      target: { kind: 'Node', name: chosen.metadata.name },
    };
    api.auditSubresource(this.actor, 'create', pod, 'binding', 201, binding);
    const fresh = api.get('Pod', pod.metadata.namespace, pod.metadata.name);
    if (!fresh) return;
    const bound: KubeObject = { ...fresh, spec: { ...(fresh.spec as Json), nodeName: chosen.metadata.name } };
    const conditions = setCondition(
      (fresh.status as Json)?.conditions,
      { type: 'PodScheduled', status: 'True' },
      clock.iso(),
      { probeTime: true },
    );
    bound.status = {
      ...(fresh.status as Json),
      conditions: conditions.map((c) =>
        c.type === 'PodScheduled' ? { ...c, observedGeneration: fresh.metadata.generation } : c,
      ),
    };
    this.sim.api.bind(bound);
    this.attempts.delete(pod.metadata.uid!);
    recorder.recordNew(
      this.name,
      this.instance,
      involvedOf(pod),
      'Normal',
      'Scheduled',
      'Binding',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${chosen.metadata.name}`,
    );
  }

  /**
   * The filter plugins, in the upstream order, on one node: why it cannot take the pod (empty when it
   * can). Releases before conditions became taints filtered NotReady nodes on the condition itself.
   */
  private filter(
    pod: KubeObject,
    node: KubeObject,
    req: { cpu: number; memory: number },
    used: { cpu: number; memory: number; pods: number } = { cpu: 0, memory: 0, pods: 0 },
  ): NodeFitFailure[] {
    const spec = pod.spec as Json;
    const nspec = node.spec as Json;
    const nstatus = node.status as Json;
    if (this.minor < CONDITION_TAINTS_SINCE) {
      const ready = ((nstatus.conditions as Json[] | undefined) ?? []).find((c) => c.type === 'Ready');
      if (ready && ready.status !== 'True') return [{ kind: 'not-ready' }];
    }
    if (
      nspec.unschedulable &&
      !tolerates(spec.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })
    )
      return [{ kind: 'unschedulable' }];
    const taint = ((nspec.taints as Json[] | undefined) ?? []).find(
      (t) =>
        (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
        !tolerates(spec.tolerations, t as { key: string; effect: string }),
    );
    if (taint) return [{ kind: 'taint', key: taint.key, value: taint.value }];
    const selector = spec.nodeSelector as Record<string, string> | undefined;
    const affinityNode =
      spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]
        ?.matchFields?.[0]?.values?.[0];
    if (
      (selector && !Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v)) ||
      (affinityNode && affinityNode !== node.metadata.name)
    )
      return [{ kind: 'node-selector' }];
    const alloc = {
      cpu: parseCpuMillis(nstatus.allocatable.cpu),
      memory: parseBytes(nstatus.allocatable.memory),
      pods: Number(nstatus.allocatable.pods),
    };
    const insufficient: NodeFitFailure[] = [];
    if (used.pods + 1 > alloc.pods) insufficient.push({ kind: 'too-many-pods' });
    if (used.cpu + req.cpu > alloc.cpu) insufficient.push({ kind: 'insufficient', resource: 'cpu' });
    if (used.memory + req.memory > alloc.memory)
      insufficient.push({ kind: 'insufficient', resource: 'memory' });
    return insufficient;
  }

  private fail(pod: KubeObject, signature: string, message: string): void {
    const { api, clock, recorder } = this.sim;
    this.attempts.set(pod.metadata.uid!, { at: clock.now, signature });
    this.sim.after(RETRY_MS, () => this.sim.markDirty());
    recorder.recordNew(
      this.name,
      this.instance,
      involvedOf(pod),
      'Warning',
      'FailedScheduling',
      'Scheduling',
      message,
    );
    const fresh = api.get('Pod', pod.metadata.namespace, pod.metadata.name);
    if (!fresh) return;
    const conditions = setCondition(
      (fresh.status as Json)?.conditions,
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message },
      clock.iso(),
      { probeTime: true },
    );
    api.update({ ...fresh, status: { ...(fresh.status as Json), conditions } }, this.actor, {
      subresource: 'status',
    });
  }

  private nodeUsage(): Map<string, { cpu: number; memory: number; pods: number }> {
    const usage = new Map<string, { cpu: number; memory: number; pods: number }>();
    for (const pod of this.sim.api.list('Pod')) {
      const node = (pod.spec as Json).nodeName as string | undefined;
      if (!node || isTerminalPod(pod)) continue;
      const u = usage.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
      const r = podRequests(pod);
      u.cpu += r.cpu;
      u.memory += r.memory;
      u.pods += 1;
      usage.set(node, u);
    }
    return usage;
  }
}
