// Which resources belong to a root's story, and how: its UID followed down ownerReferences, then
// what its pods touch (the Services and budgets selecting them, the ConfigMaps, Secrets, claims and
// ServiceAccount they use, the Nodes they ran on), what refers to its workloads (autoscalers,
// Ingresses), and which pod replaced which.

import type { CatalogueObject } from '../correlate/catalogue.ts';
import { keyOf, ObjectGraph, push } from '../correlate/graph.ts';
import { CONTEXT_RELATIONS, type Relation, type ResourceRef, type StoryResource } from './schema.ts';

/** Kinds that run pods: the roots `story --all` writes a story for, when nothing owns them. */
const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Pod',
]);
/** How long after a new pod is created the pod it replaces may still go (a rollout's surge). */
const SURGE_MS = 10 * 60_000;

export interface Member extends StoryResource {
  /** Records of this resource count only within the story's window. */
  bounded: boolean;
  object: CatalogueObject | null;
}

export function refOf(o: {
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
}): ResourceRef {
  return { kind: o.kind, namespace: o.namespace, name: o.name, uid: o.uid };
}

/** The story's correlation over the object graph: a root and everything that belongs to it. */
export class Correlator extends ObjectGraph {
  /** `namespace` → its ResourceQuotas and LimitRanges */
  private readonly constraints = new Map<string, CatalogueObject[]>();

  constructor(objects: readonly CatalogueObject[]) {
    super(objects);
    for (const o of objects)
      if (o.kind === 'ResourceQuota' || o.kind === 'LimitRange') push(this.constraints, o.namespace ?? '', o);
  }

  /** Objects nothing owns that run pods or own something: the roots of `story --all`. */
  roots(): CatalogueObject[] {
    return this.objects.filter(
      (o) =>
        o.owner === null &&
        (WORKLOAD_KINDS.has(o.kind) || this.ownedBy(o).length > 0) &&
        // A pod of a static manifest or a must-gather is its own root; a Node owns mirror pods
        // but its story is a different one.
        o.kind !== 'Node',
    );
  }

  /** The root and every resource correlated to it, the root first. */
  correlate(root: CatalogueObject): Member[] {
    const members = new Map<string, Member>();
    const add = (
      o: CatalogueObject | null,
      ref: ResourceRef & { api_version?: string | null },
      relation: Relation,
      via: CatalogueObject | null,
      detail: string | null = null,
    ): boolean => {
      const id = o?.id ?? keyOf(ref.namespace, ref.kind, ref.name);
      if (members.has(id)) return false;
      members.set(id, {
        ...refOf(ref as CatalogueObject),
        api_version: o?.api_version ?? ref.api_version ?? null,
        relation,
        detail,
        via: via ? refOf(via) : null,
        replaces: null,
        bounded: CONTEXT_RELATIONS.has(relation),
        object: o,
      });
      return true;
    };

    add(root, root, 'root', null);
    const owned: CatalogueObject[] = [root];
    for (let i = 0; i < owned.length; i++) {
      for (const child of this.ownedBy(owned[i]!)) {
        if (add(child, child, 'owned', owned[i]!, child.owner?.kind ?? null)) owned.push(child);
      }
    }
    this.linkReplacements(owned, members);
    // A Service's or a budget's story is that of the pods it selects.
    for (const pod of this.selectedPods(root)) {
      if (add(pod, pod, 'selected', root, `selector ${formatSelector(root.selector)}`)) owned.push(pod);
    }

    const pods = owned.filter((o) => o.kind === 'Pod');
    for (const pod of pods) {
      for (const r of pod.refs) {
        for (const used of this.resolve(pod.namespace, r.kind, r.name)) {
          add(used.object, used.ref, 'uses', pod, r.via);
          // A claim's volume and class come with it.
          if (r.kind === 'PersistentVolumeClaim' && used.object)
            for (const rr of used.object.refs)
              for (const u of this.resolve(pod.namespace, rr.kind, rr.name))
                add(u.object, u.ref, 'uses', used.object, rr.via);
        }
      }
      for (const node of pod.nodes)
        for (const n of this.resolve(null, 'Node', node)) add(n.object, n.ref, 'node', pod);
      for (const selector of this.selectorsOf(pod)) {
        if (selector !== root)
          add(selector, selector, 'selects', pod, `selector ${formatSelector(selector.selector)}`);
      }
    }
    for (const o of owned) {
      for (const app of this.managers.get(keyOf(o.namespace, o.kind, o.name)) ?? [])
        add(app, app, 'manages', o);
      for (const c of this.constraints.get(o.namespace ?? '') ?? []) add(c, c, 'constrains', o);
    }
    for (const target of [...members.values()]) {
      if (target.relation !== 'root' && target.relation !== 'owned' && target.kind !== 'Service') continue;
      for (const referrer of this.referrers.get(keyOf(target.namespace, target.kind, target.name)) ?? []) {
        const via = referrer.refs.find((r) => r.kind === target.kind && r.name === target.name)?.via ?? null;
        add(referrer, referrer, 'refers', target.object ?? null, via);
      }
    }
    return [...members.values()];
  }

  /**
   * A pod replaces the pod of the same role that went before it: the earlier incarnation of its name
   * (a StatefulSet's pod, a pod created again by hand), else the pod of the same workload (across its
   * ReplicaSets), not replaced yet, that went away nearest to when it was created.
   */
  private linkReplacements(owned: CatalogueObject[], members: Map<string, Member>): void {
    const roles = new Map<string, CatalogueObject[]>();
    for (const pod of owned.filter((o) => o.kind === 'Pod')) {
      const owner = pod.owner ? this.controllerOf(pod) : null;
      const role = owner?.owner && owner.kind === 'ReplicaSet' ? this.controllerOf(owner) : owner;
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
}

function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
