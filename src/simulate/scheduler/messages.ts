// What the scheduler says when no node fits a pod, in the words of the release it runs: each node's
// reasons counted into one FailedScheduling message. The wording changed over the years, and
// recordings of every era are read back, so the simulator speaks each of them:
//   ≤ 1.7   No nodes are available that match all of the following predicates:: Insufficient cpu (2), MatchNodeSelector (1).
//   1.8     0/3 nodes are available: 2 Insufficient cpu, 1 MatchNodeSelector.          (predicate names)
//   1.11    0/3 nodes are available: 1 node(s) didn't match node selector, 2 node(s) had taints that the pod didn't tolerate.
//   1.18    ... node(s) had taint {key: value}, that the pod didn't tolerate ...       (Too many pods, no longer Insufficient pods)
//   1.21    ... node(s) didn't match Pod's node affinity/selector ...
//   1.24    ... . preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
//   1.25    ... node(s) had untolerated taint {key: value} ...

/** Why one node cannot take the pod (a filter plugin's, or an old predicate's, failure). */
export type NodeFitFailure =
  /** NodeResourcesFit: cpu, memory, ephemeral-storage or an extended resource (nvidia.com/gpu). */
  | { kind: 'insufficient'; resource: string }
  /** NodeResourcesFit: the node runs its maximum number of pods. */
  | { kind: 'too-many-pods' }
  /** TaintToleration: a NoSchedule or NoExecute taint the pod does not tolerate. */
  | { kind: 'taint'; key: string; value?: string }
  /** NodeAffinity: the pod's nodeSelector or required node affinity. */
  | { kind: 'node-selector' }
  /** NodeUnschedulable: the node is cordoned. */
  | { kind: 'unschedulable' }
  /** The node condition check of releases before taints stood for conditions (1.11 and older). */
  | { kind: 'not-ready' }
  /** NodePorts: a hostPort the pod asks for is taken. */
  | { kind: 'host-ports' };

/** The release from which node conditions are taints the scheduler filters on (TaintNodesByCondition). */
export const CONDITION_TAINTS_SINCE = 12;

/** One node's reason as the release words it. */
export function failureReason(failure: NodeFitFailure, minor: number): string {
  const predicates = minor < 11;
  switch (failure.kind) {
    case 'insufficient':
      return `Insufficient ${failure.resource}`;
    case 'too-many-pods':
      return minor < 18 ? 'Insufficient pods' : 'Too many pods';
    case 'taint':
      if (predicates) return 'PodToleratesNodeTaints';
      if (minor < 18) return "node(s) had taints that the pod didn't tolerate";
      if (minor < 25)
        return `node(s) had taint {${failure.key}: ${failure.value ?? ''}}, that the pod didn't tolerate`;
      return `node(s) had untolerated taint {${failure.key}: ${failure.value ?? ''}}`;
    case 'node-selector':
      if (predicates) return 'MatchNodeSelector';
      return minor < 21
        ? "node(s) didn't match node selector"
        : "node(s) didn't match Pod's node affinity/selector";
    case 'unschedulable':
      return predicates ? 'NodeUnschedulable' : 'node(s) were unschedulable';
    case 'not-ready':
      return predicates ? 'NodeNotReady' : 'node(s) were not ready';
    case 'host-ports':
      return predicates ? 'PodFitsHostPorts' : "node(s) didn't have free ports for the requested pod ports";
  }
}

/** Whether evicting lower-priority pods could make room on the node (only resources can be freed). */
function preemptionCouldHelp(failures: readonly NodeFitFailure[]): boolean {
  return failures.every((f) => f.kind === 'insufficient' || f.kind === 'too-many-pods');
}

/**
 * The FailedScheduling message for a pod no node fits: `failures` holds each node's reasons. The
 * reasons are counted across nodes and the "count reason" strings sorted as strings (FitError sorts
 * them with sort.Strings, counts included); from 1.24 the preemption post-filter's summary follows.
 */
export function fitErrorMessage(failures: readonly (readonly NodeFitFailure[])[], minor: number): string {
  const counts = new Map<string, number>();
  for (const node of failures) {
    for (const reason of new Set(node.map((f) => failureReason(f, minor))))
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  if (minor < 8) {
    const parts = [...counts].map(([reason, n]) => `${reason} (${n})`).sort();
    return `No nodes are available that match all of the following predicates:: ${parts.join(', ')}.`;
  }
  const total = failures.length;
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  const message = `0/${total} nodes are available: ${parts.join(', ')}.`;
  if (minor < 24) return message;
  // With no lower-priority pod to evict, the post-filter finds no victims where resources are short;
  // other failures cannot be helped by preemption at all.
  const helpable = failures.filter(preemptionCouldHelp).length;
  const pre: string[] = [];
  if (helpable > 0) pre.push(`${helpable} No preemption victims found for incoming pod`);
  if (total - helpable > 0) pre.push(`${total - helpable} Preemption is not helpful for scheduling`);
  return `${message} preemption: 0/${total} nodes are available: ${pre.sort().join(', ')}.`;
}

/** A message for a pod that fails before any node is looked at (its volumes), in the release's form. */
export function preFilterMessage(reason: string, total: number, minor: number): string {
  if (minor < 8) return `${reason}`;
  const message = `0/${total} nodes are available: ${reason}.`;
  if (minor < 24) return message;
  return `${message} preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}
