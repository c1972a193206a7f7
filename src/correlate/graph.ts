// The bundle's objects indexed for correlation: what each owns and what owns it, the pods a
// selector picks, the Nodes pods ran on, what an object names in its spec and what names it, the
// resources an Argo CD Application manages. The joins of the correlation rules (joins.ts) are these
// lookups; `kstory story`, `kstory related` and analysis all read relations through them.

import { objectKey } from '../vocab/object-ref.ts';
import type { CatalogueObject } from './catalogue.ts';

/** Kinds whose label selector picks pods without owning them. */
export const SELECTOR_KINDS = new Set(['Service', 'PodDisruptionBudget']);
/** Kinds without a namespace that a spec names by name alone. */
const CLUSTER_SCOPED = new Set(['Node', 'PersistentVolume', 'StorageClass', 'Namespace']);

/** An object reference: kind, namespace, name and, when recorded, UID. */
export interface GraphRef {
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
}

/** Which versions a label selector join compares: the newest selector with each pod's newest
 * labels, or any version of the selector with any version of the labels (rules' `selector_versions`). */
export type SelectorVersions = 'latest' | 'any';

export const keyOf = (namespace: string | null, kind: string, name: string) =>
  objectKey({ namespace, kind, name });

export class ObjectGraph {
  private readonly byId = new Map<string, CatalogueObject>();
  private readonly byKey = new Map<string, CatalogueObject[]>();
  /** owner UID, or `namespace/Kind/name` for owner references without one → what it owns */
  private readonly children = new Map<string, CatalogueObject[]>();
  /** `Kind/name` an owner reference names, with or without a UID → the objects naming it */
  private readonly childrenByName = new Map<string, CatalogueObject[]>();
  /** `namespace`, label name and value → the selectors of which a version starts with that pair: a
   * pod's labels then find the few selectors that may pick it, of the many in a large namespace */
  private readonly selectorsByPair = new Map<string, CatalogueObject[]>();
  /** `namespace/Kind/name` a `refs` entry names → the objects naming it */
  private readonly referrers = new Map<string, CatalogueObject[]>();
  /** `namespace/Kind/name` → the Argo CD Applications listing it */
  private readonly managers = new Map<string, CatalogueObject[]>();
  /** `namespace` → its pods */
  private readonly pods = new Map<string, CatalogueObject[]>();
  /** `namespace` → the objects in it, and `namespace` and kind → those of that kind */
  private readonly inNamespaces = new Map<string, CatalogueObject[]>();
  private readonly inNamespacesByKind = new Map<string, CatalogueObject[]>();
  /** `namespace/Kind/name` → the stand-in of an object named but never recorded */
  private readonly bare = new Map<string, CatalogueObject>();

  constructor(readonly objects: readonly CatalogueObject[]) {
    for (const o of objects) {
      this.byId.set(o.id, o);
      push(this.byKey, keyOf(o.namespace, o.kind, o.name), o);
      if (o.owner) {
        const ownerKey = o.owner.uid ?? keyOf(o.namespace, o.owner.kind, o.owner.name);
        push(this.children, ownerKey, o);
        push(this.childrenByName, `${o.owner.kind}/${o.owner.name}`, o);
      }
      if (SELECTOR_KINDS.has(o.kind) && o.selectors.length > 0) {
        const firsts = new Set(o.selectors.map((s) => pairKey(o.namespace, ...Object.entries(s)[0]!)));
        for (const first of firsts) push(this.selectorsByPair, first, o);
      }
      if (o.kind !== 'Pod')
        for (const r of o.refs) push(this.referrers, keyOf(o.namespace, r.kind, r.name), o);
      for (const m of o.manages) push(this.managers, keyOf(m.namespace, m.kind, m.name), o);
      if (o.kind === 'Pod') push(this.pods, o.namespace ?? '', o);
      if (o.namespace !== null) {
        push(this.inNamespaces, o.namespace, o);
        push(this.inNamespacesByKind, `${o.namespace}\0${o.kind}`, o);
      }
    }
  }

  /** Whether the bundle holds a version of it (a stand-in for an object only named does not). */
  isRecorded(o: CatalogueObject): boolean {
    return this.byId.get(o.id) === o;
  }

  /** The Namespace of that name: as recorded, else a stand-in when the bundle holds objects in it
   * (a recording of pods alone, or a metric's or alert's namespace label). */
  namespaceNamed(name: string): CatalogueObject | undefined {
    return (
      this.incarnations(null, 'Namespace', name).at(-1) ??
      (this.inNamespaces.has(name) ? this.standIn(null, 'Namespace', name) : undefined)
    );
  }

  /** The objects in a namespace, of these kinds only unless `kinds` holds `*`. */
  inNamespace(namespace: string | null, kinds: readonly string[]): CatalogueObject[] {
    if (namespace === null) return [];
    if (kinds.includes('*')) return this.inNamespaces.get(namespace) ?? [];
    return kinds.flatMap((kind) => this.inNamespacesByKind.get(`${namespace}\0${kind}`) ?? []);
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

  /** The objects whose owner reference names this kind and name, in the namespace (or in any, for a
   * cluster-scoped owner): what every incarnation of it owned, recorded or not. */
  ownedByName(namespace: string | null, kind: string, name: string): CatalogueObject[] {
    const named = this.childrenByName.get(`${kind}/${name}`) ?? [];
    return namespace === null ? named : named.filter((c) => c.namespace === namespace);
  }

  /** The pods of a namespace. */
  podsIn(namespace: string | null): readonly CatalogueObject[] {
    return this.pods.get(namespace ?? '') ?? [];
  }

  /** The controller that owns it, as a list (empty when it has none): the object its owner
   * reference's UID names, else the one of that kind and name (imported dumps carry no UIDs; a
   * UID may name an incarnation the recording never saw), else a stand-in for the owner named but
   * never recorded (the pods of one ReplicaSet stay one workload when only pods were dumped). */
  ownerOf(o: CatalogueObject): CatalogueObject[] {
    if (!o.owner) return [];
    return [this.controllerOf(o) ?? this.standIn(o.namespace, o.owner.kind, o.owner.name, o.owner.uid)];
  }

  /** The Nodes the pod ran on, as recorded, else a stand-in for each node named but never recorded
   * (a snapshot of pods alone still puts the pods of one node together). */
  nodesOf(o: CatalogueObject): CatalogueObject[] {
    return o.nodes.flatMap((n) => {
      const recorded = this.incarnations(null, 'Node', n);
      return recorded.length > 0 ? recorded : [this.standIn(null, 'Node', n)];
    });
  }

  /** The pods a Service's or a budget's selector picks. */
  selectedPods(o: CatalogueObject, versions: SelectorVersions = 'latest'): CatalogueObject[] {
    if (!SELECTOR_KINDS.has(o.kind) || o.selectors.length === 0) return [];
    return (this.pods.get(o.namespace ?? '') ?? []).filter((p) => selects(o, p, versions));
  }

  /** The Services and budgets whose selector picks the pod. */
  selectorsOf(pod: CatalogueObject, versions: SelectorVersions = 'latest'): CatalogueObject[] {
    const candidates = new Set<CatalogueObject>();
    for (const labels of versions === 'latest' ? [pod.labels] : pod.label_sets)
      for (const [k, v] of Object.entries(labels))
        for (const s of this.selectorsByPair.get(pairKey(pod.namespace, k, v)) ?? []) candidates.add(s);
    return [...candidates].filter((s) => selects(s, pod, versions));
  }

  podsOn(node: string): CatalogueObject[] {
    return this.objects.filter((o) => o.kind === 'Pod' && o.nodes.includes(node));
  }

  /** What the object names in its `refs` (a claim's volume, an autoscaler's target…); one never
   * recorded as a stand-in, since a missing ConfigMap or claim is what many incidents are about. */
  refsOf(o: CatalogueObject): CatalogueObject[] {
    return o.refs.flatMap((r) =>
      this.resolve(o.namespace, r.kind, r.name).map(
        (x) => x.object ?? this.standIn(x.ref.namespace, x.ref.kind, x.ref.name),
      ),
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
  private resolve(
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

  /** The recorded controller: by the reference's UID, else by kind and name in the namespace or
   * the cluster (a mirror pod's Node). */
  private controllerOf(o: CatalogueObject): CatalogueObject | null {
    if (!o.owner) return null;
    const byUid = o.owner.uid ? this.byId.get(o.owner.uid) : undefined;
    if (byUid) return byUid;
    const { kind, name } = o.owner;
    return (
      this.incarnations(o.namespace, kind, name).at(-1) ?? this.incarnations(null, kind, name).at(-1) ?? null
    );
  }

  /** The one node of an object named but never recorded: its kind and name, nothing else known. */
  private standIn(
    namespace: string | null,
    kind: string,
    name: string,
    uid: string | null = null,
  ): CatalogueObject {
    const ns = CLUSTER_SCOPED.has(kind) ? null : namespace;
    const key = keyOf(ns, kind, name);
    let o = this.bare.get(key);
    if (!o) {
      // With the UID owner references name it by, what it owns is found (ownedBy).
      o = { ...unrecordedObject(ns, kind, name), uid };
      this.bare.set(key, o);
    }
    return o;
  }
}

/** An object the bundle names but holds no version of. */
export function unrecordedObject(namespace: string | null, kind: string, name: string): CatalogueObject {
  return {
    id: keyOf(namespace, kind, name),
    kind,
    namespace,
    name,
    uid: null,
    api_version: null,
    owner: null,
    nodes: [],
    refs: [],
    labels: {},
    selector: {},
    label_sets: [],
    selectors: [],
    first: '',
    seen: '',
    last: '',
    created_at: null,
    gone_at: null,
    manages: [],
  };
}

const pairKey = (namespace: string | null, k: string, v: string) => `${namespace ?? ''}\0${k}\0${v}`;

/** Whether a selector object picks the pod, comparing the versions asked for. */
function selects(selector: CatalogueObject, pod: CatalogueObject, versions: SelectorVersions): boolean {
  if (versions === 'latest')
    return Object.keys(selector.selector).length > 0 && matches(selector.selector, pod.labels);
  return selector.selectors.some((s) => pod.label_sets.some((labels) => matches(s, labels)));
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
