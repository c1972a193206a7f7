// The bundle's objects indexed for correlation: what each owns and what owns it, the pods a
// selector picks, the Nodes pods ran on, what an object names in its spec and what names it, the
// resources an Argo CD Application manages. The joins of the correlation rules (joins.ts) are these
// lookups; `kstory story`, `kstory related` and analysis all read relations through them.

import type { CatalogueObject } from './catalogue.ts';

/** Kinds whose label selector picks pods without owning them. */
export const SELECTOR_KINDS = new Set(['Service', 'PodDisruptionBudget']);
/** Kinds without a namespace that a spec names by name alone. */
const CLUSTER_SCOPED = new Set(['Node', 'PersistentVolume', 'StorageClass']);

/** An object reference: kind, namespace, name and, when recorded, UID. */
export interface GraphRef {
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
}

export const keyOf = (namespace: string | null, kind: string, name: string) =>
  `${namespace ?? ''}/${kind}/${name}`;

export class ObjectGraph {
  private readonly byId = new Map<string, CatalogueObject>();
  private readonly byKey = new Map<string, CatalogueObject[]>();
  /** owner UID, or `namespace/Kind/name` for owner references without one → what it owns */
  private readonly children = new Map<string, CatalogueObject[]>();
  /** `namespace` → its Services and PodDisruptionBudgets with a selector */
  protected readonly selectors = new Map<string, CatalogueObject[]>();
  /** `namespace/Kind/name` a `refs` entry names → the objects naming it */
  protected readonly referrers = new Map<string, CatalogueObject[]>();
  /** `namespace/Kind/name` → the Argo CD Applications listing it */
  protected readonly managers = new Map<string, CatalogueObject[]>();
  /** `namespace` → its pods */
  protected readonly pods = new Map<string, CatalogueObject[]>();

  constructor(readonly objects: readonly CatalogueObject[]) {
    for (const o of objects) {
      this.byId.set(o.id, o);
      push(this.byKey, keyOf(o.namespace, o.kind, o.name), o);
      if (o.owner) {
        const ownerKey = o.owner.uid ?? keyOf(o.namespace, o.owner.kind, o.owner.name);
        push(this.children, ownerKey, o);
      }
      if (SELECTOR_KINDS.has(o.kind) && Object.keys(o.selector).length > 0)
        push(this.selectors, o.namespace ?? '', o);
      if (o.kind !== 'Pod')
        for (const r of o.refs) push(this.referrers, keyOf(o.namespace, r.kind, r.name), o);
      for (const m of o.manages) push(this.managers, keyOf(m.namespace, m.kind, m.name), o);
      if (o.kind === 'Pod') push(this.pods, o.namespace ?? '', o);
    }
  }

  find(id: string): CatalogueObject | undefined {
    return this.byId.get(id);
  }

  incarnations(namespace: string | null, kind: string, name: string): CatalogueObject[] {
    return this.byKey.get(keyOf(namespace, kind, name)) ?? [];
  }

  /** What the object owns directly. */
  ownedBy(o: CatalogueObject): CatalogueObject[] {
    const byUid = o.uid ? (this.children.get(o.uid) ?? []) : [];
    // Owner references without a UID (imported text) name the owner by kind and name only.
    const byName = (this.children.get(keyOf(o.namespace, o.kind, o.name)) ?? []).filter(
      (c) => c.owner?.uid == null,
    );
    return byUid.length === 0 ? byName : byName.length === 0 ? byUid : [...byUid, ...byName];
  }

  /** The controller that owns it, as a list (empty when none was recorded). */
  ownerOf(o: CatalogueObject): CatalogueObject[] {
    const owner = this.controllerOf(o);
    return owner ? [owner] : [];
  }

  /** The pods a Service's or a budget's selector picks. */
  selectedPods(o: CatalogueObject): CatalogueObject[] {
    if (!SELECTOR_KINDS.has(o.kind) || Object.keys(o.selector).length === 0) return [];
    return (this.pods.get(o.namespace ?? '') ?? []).filter((p) => matches(o.selector, p.labels));
  }

  /** The Services and budgets whose selector picks the pod. */
  selectorsOf(pod: CatalogueObject): CatalogueObject[] {
    return (this.selectors.get(pod.namespace ?? '') ?? []).filter((s) => matches(s.selector, pod.labels));
  }

  podsOn(node: string): CatalogueObject[] {
    return this.objects.filter((o) => o.kind === 'Pod' && o.nodes.includes(node));
  }

  /** What the object names in its `refs` (a claim's volume, an autoscaler's target…). */
  refsOf(o: CatalogueObject): CatalogueObject[] {
    return o.refs.flatMap((r) =>
      this.resolve(o.namespace, r.kind, r.name).flatMap((x) => (x.object ? [x.object] : [])),
    );
  }

  /** The objects naming it in their `refs`, pods included. */
  referrersOf(o: CatalogueObject): CatalogueObject[] {
    const key = keyOf(o.namespace, o.kind, o.name);
    const pods =
      o.kind === 'Node'
        ? []
        : (this.pods.get(o.namespace ?? '') ?? []).filter((p) =>
            p.refs.some((r) => keyOf(p.namespace, r.kind, r.name) === key),
          );
    return [...(this.referrers.get(key) ?? []), ...pods];
  }

  managedBy(o: CatalogueObject): CatalogueObject[] {
    return o.manages.flatMap((m) => this.incarnations(m.namespace, m.kind, m.name));
  }

  managersOf(o: CatalogueObject): CatalogueObject[] {
    return this.managers.get(keyOf(o.namespace, o.kind, o.name)) ?? [];
  }

  /** The objects an alert's series name through their labels: none but in a graph with alerts. */
  subjectsOfAlert(_o: CatalogueObject): CatalogueObject[] {
    return [];
  }

  /** An object of the namespace, or a cluster-scoped one, by kind and name: every incarnation
   * recorded, or a bare reference when none was (its Events may still name it). */
  protected resolve(
    namespace: string | null,
    kind: string,
    name: string,
  ): { object: CatalogueObject | null; ref: GraphRef }[] {
    const found = [...this.incarnations(namespace, kind, name), ...this.incarnations(null, kind, name)];
    if (found.length > 0) return found.map((o) => ({ object: o, ref: refOf(o) }));
    return [
      {
        object: null,
        ref: { kind, namespace: CLUSTER_SCOPED.has(kind) ? null : namespace, name, uid: null },
      },
    ];
  }

  protected controllerOf(o: CatalogueObject): CatalogueObject | null {
    if (!o.owner) return null;
    if (o.owner.uid) return this.byId.get(o.owner.uid) ?? null;
    return this.incarnations(o.namespace, o.owner.kind, o.owner.name).at(-1) ?? null;
  }
}

export function refOf(o: GraphRef): GraphRef {
  return { kind: o.kind, namespace: o.namespace, name: o.name, uid: o.uid };
}

export function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
