// Which pod of a story replaced which: the earlier incarnation of its name, else the pod of the same
// workload that went away nearest to when it was born, so that a deleted pod's logs stay in the
// story beside the pod that took its place.

import type { CatalogueObject } from '../correlate/catalogue.ts';
import { keyOf, type ObjectGraph, push, refOf } from '../correlate/graph.ts';
import type { Member } from './correlate.ts';

/** How long after a new pod is created the pod it replaces may still go (a rollout's surge). */
const SURGE_MS = 10 * 60_000;

/**
 * A pod replaces the pod of the same role that went before it: the earlier incarnation of its name
 * (a StatefulSet's pod, a pod created again by hand), else the pod of the same workload (across its
 * ReplicaSets), not replaced yet, that went away nearest to when it was created.
 */
export function linkReplacements(
  graph: ObjectGraph,
  owned: readonly CatalogueObject[],
  members: Map<string, Member>,
): void {
  const roles = new Map<string, CatalogueObject[]>();
  for (const pod of owned.filter((o) => o.kind === 'Pod')) {
    const owner = graph.ownerOf(pod)[0];
    // The pods of a Deployment's successive ReplicaSets play one role.
    const role = owner?.kind === 'ReplicaSet' ? (graph.ownerOf(owner)[0] ?? owner) : owner;
    push(roles, role ? role.id : `name:${keyOf(pod.namespace, 'Pod', pod.name)}`, pod);
  }
  for (const pods of roles.values()) {
    pods.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const replaced = new Set<string>();
    for (const [i, pod] of pods.entries()) {
      const born = pod.created_at ?? pod.first;
      const earlier = pods.slice(0, i);
      const sameName = earlier.filter((p) => p.name === pod.name && !replaced.has(p.id)).at(-1);
      // In a rolling update the old pod goes after its replacement is up: the nearest departure
      // around the new pod's birth, up to a few minutes after it.
      const bornMs = Date.parse(born);
      const gone = earlier
        .filter(
          (p) => p.gone_at !== null && !replaced.has(p.id) && Date.parse(p.gone_at) <= bornMs + SURGE_MS,
        )
        .sort(
          (a, b) => Math.abs(Date.parse(a.gone_at!) - bornMs) - Math.abs(Date.parse(b.gone_at!) - bornMs),
        )[0];
      const previous = sameName ?? gone;
      if (!previous) continue;
      replaced.add(previous.id);
      const member = members.get(pod.id);
      if (member) member.replaces = refOf(previous);
    }
  }
}
