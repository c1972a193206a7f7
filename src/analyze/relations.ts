// Structural relations between the subjects of findings, computed once per analysis from the
// bundle: ownership (Pod → ReplicaSet → Deployment), which node a pod ran on, which ConfigMaps,
// Secrets and PVCs a pod uses, which Services select it, the taints each node carried, and whom
// RBAC bindings bound.

import { VERSION_ORDER_SQL } from '../bundle/columns.ts';
import { sqlList } from '../bundle/duckdb.ts';
import type { Bundle } from '../bundle/reader.ts';
import type { Join } from '../patterns/schema.ts';
import {
  namespacedName,
  type ObjectRef,
  objectKey,
  parseObjectKey,
  parseObjectPath,
  type Subject,
} from '../vocab/object-ref.ts';
import { onConnections } from './parallel.ts';

/** Kinds whose label selector picks pods without owning them. */
const SELECTORS = ['Service', 'PodDisruptionBudget'];

const key = (namespace: string | null, kind: string, name: string) => objectKey({ namespace, kind, name });

export class Relations {
  /** object key → its controller's key */
  private readonly owner = new Map<string, string>();
  /** resource key → the key of the Argo CD Application that manages it */
  private readonly manager = new Map<string, string>();
  /** pod key → the nodes it ran on (a StatefulSet's pod keeps its name on another node) */
  private readonly podNodes = new Map<string, Set<string>>();
  /** pod key → keys of the ConfigMaps, Secrets and PVCs it uses */
  private readonly podRefs = new Map<string, Set<string>>();
  /** Service or PodDisruptionBudget key → pod keys it selects */
  private readonly selected = new Map<string, Set<string>>();
  /** node name → the keys of the taints it carried at any time */
  private readonly nodeTaints = new Map<string, Set<string>>();
  /** RoleBinding or ClusterRoleBinding key → the users it bound at any time (a service account as
   * `system:serviceaccount:<namespace>:<name>`), and the key of its role */
  private readonly bindings = new Map<string, { users: Set<string>; role: string }>();
  /** controller key → pod keys below it (built once, after loading) */
  private readonly podsByAncestor = new Map<string, string[]>();

  /**
   * With `namespaces`, only the relations of objects in them (and of cluster-scoped ones): every
   * relation but an Argo CD Application's (loaded whatever its namespace) stays within a namespace,
   * so relations between findings need only the findings' namespaces, a small part of a large
   * cluster's objects.
   */
  static async load(bundle: Bundle, scope?: { namespaces: Iterable<string | null> }): Promise<Relations> {
    const relations = new Relations();
    const inScope = scope
      ? `(namespace IS NULL OR namespace IN (SELECT unnest(${sqlList([...scope.namespaces].filter((n) => n !== null))}::VARCHAR[])))`
      : 'true';
    const queries = [
      // An object's controller as its newest version names it (an object deleted and created
      // again under the same name may have had another).
      `SELECT namespace, kind, name,
              last(owner_kind ORDER BY ${VERSION_ORDER_SQL}) AS owner_kind,
              last(owner_name ORDER BY ${VERSION_ORDER_SQL}) AS owner_name
       FROM objects WHERE owner_kind IS NOT NULL AND name IS NOT NULL AND ${inScope} GROUP BY ALL`,
      `SELECT DISTINCT namespace, name, node FROM pods WHERE node IS NOT NULL AND ${inScope}`,
      `SELECT DISTINCT namespace, name, r.kind AS ref_kind, r.name AS ref_name
       FROM (SELECT namespace, name, unnest(refs) AS r FROM pods WHERE refs IS NOT NULL AND ${inScope})`,
      // A Service or PodDisruptionBudget selects the pods whose labels contain all of its
      // selector's pairs (at any time).
      `WITH selectors AS (
         SELECT DISTINCT namespace, kind, name, selector FROM objects
         WHERE kind IN ('Service', 'PodDisruptionBudget') AND selector IS NOT NULL AND cardinality(selector) > 0 AND ${inScope}
       ),
       pod_labels AS (SELECT DISTINCT namespace, name, labels FROM pods WHERE labels IS NOT NULL AND ${inScope})
       SELECT DISTINCT s.namespace, s.kind, s.name, p.name AS pod
       FROM selectors s JOIN pod_labels p ON p.namespace = s.namespace
       WHERE list_bool_and(list_transform(map_keys(s.selector), k -> p.labels[k] = s.selector[k]))`,
      // A node's taints as its spec shows them, and as the scheduler quoted them when it refused the
      // node (node_refusals): all there is of a node not ready when no status of it was captured.
      `SELECT DISTINCT name, t.key AS taint
       FROM (SELECT name, unnest(taints) AS t FROM objects WHERE kind = 'Node' AND taints IS NOT NULL)
       WHERE t.key IS NOT NULL
       UNION
       SELECT DISTINCT refused_node, 'node.kubernetes.io/' || refused_taint FROM node_refusals
       WHERE refused_node IS NOT NULL AND refused_taint IS NOT NULL`,
      // An Argo CD Application manages the resources its status lists: it is degraded when they are.
      `SELECT DISTINCT namespace AS app_namespace, name AS app,
              unnest(from_json(json_extract(body, '$.status.resources'), '[{"kind":"VARCHAR","name":"VARCHAR","namespace":"VARCHAR"}]')) AS r
       FROM objects WHERE kind = 'Application' AND api_version LIKE 'argoproj.io/%' AND body IS NOT NULL`,
      // Whom each RBAC binding bound, and to which role, in any version of it.
      `SELECT DISTINCT kind, namespace, name, json_extract_string(body, '$.roleRef.kind') AS role_kind,
              json_extract_string(body, '$.roleRef.name') AS role_name,
              unnest(from_json(json_extract(body, '$.subjects'), '[{"kind":"VARCHAR","name":"VARCHAR","namespace":"VARCHAR"}]')) AS s
       FROM objects WHERE kind IN ('RoleBinding', 'ClusterRoleBinding') AND body IS NOT NULL AND ${inScope}`,
    ];
    const [owners, nodes, refs, selections, taints, managed, bindings] = await onConnections(
      bundle,
      queries,
      (connection, sql) => connection.query(sql),
    );
    for (const o of owners as {
      namespace: string | null;
      kind: string;
      name: string;
      owner_kind: string;
      owner_name: string;
    }[])
      relations.owner.set(key(o.namespace, o.kind, o.name), key(o.namespace, o.owner_kind, o.owner_name));
    for (const p of nodes as { namespace: string; name: string; node: string }[])
      addTo(relations.podNodes, key(p.namespace, 'Pod', p.name), p.node);
    for (const r of refs as { namespace: string; name: string; ref_kind: string; ref_name: string }[]) {
      addTo(relations.podRefs, key(r.namespace, 'Pod', r.name), key(r.namespace, r.ref_kind, r.ref_name));
    }
    for (const s of selections as { namespace: string; kind: string; name: string; pod: string }[]) {
      addTo(relations.selected, key(s.namespace, s.kind, s.name), key(s.namespace, 'Pod', s.pod));
    }
    for (const t of taints as { name: string; taint: string }[]) addTo(relations.nodeTaints, t.name, t.taint);
    for (const m of managed as {
      app_namespace: string;
      app: string;
      r: { kind: string; name: string; namespace: string | null };
    }[]) {
      if (!m.r?.kind || !m.r.name) continue;
      relations.manager.set(
        key(m.r.namespace, m.r.kind, m.r.name),
        key(m.app_namespace, 'Application', m.app),
      );
    }
    for (const b of bindings as {
      kind: string;
      namespace: string | null;
      name: string;
      role_kind: string | null;
      role_name: string | null;
      s: { kind: string | null; name: string | null; namespace: string | null } | null;
    }[]) {
      const bindingKey = key(b.namespace, b.kind, b.name);
      const entry = relations.bindings.get(bindingKey) ?? {
        users: new Set<string>(),
        // A RoleBinding's Role is in its namespace; a ClusterRole is cluster-wide.
        role: key(b.role_kind === 'Role' ? b.namespace : null, b.role_kind ?? '', b.role_name ?? ''),
      };
      if (b.s?.name && b.s.kind === 'User') entry.users.add(b.s.name);
      if (b.s?.name && b.s.kind === 'ServiceAccount')
        entry.users.add(`system:serviceaccount:${b.s.namespace ?? b.namespace}:${b.s.name}`);
      relations.bindings.set(bindingKey, entry);
    }
    relations.indexPods();
    return relations;
  }

  private indexPods(): void {
    const pods = new Set([
      ...this.podNodes.keys(),
      ...this.podRefs.keys(),
      ...[...this.owner.keys()].filter((k) => parseObjectKey(k).kind === 'Pod'),
    ]);
    for (const pod of pods) {
      for (const ancestor of this.ancestry(parseObjectKey(pod)).slice(1)) {
        const list = this.podsByAncestor.get(ancestor) ?? [];
        list.push(pod);
        this.podsByAncestor.set(ancestor, list);
      }
    }
  }

  /** The subject and its controllers, nearest first (Pod, ReplicaSet, Deployment). */
  ancestry(subject: ObjectRef): string[] {
    const chain = [objectKey(subject)];
    for (let i = 0; i < 5; i++) {
      const parent = this.owner.get(chain.at(-1)!);
      if (!parent || chain.includes(parent)) break;
      chain.push(parent);
    }
    return chain;
  }

  /** Whether the subject is the object (`namespace/Kind/name`, or `Kind/name` when cluster-scoped)
   * or something it owns: a pod of the Deployment. */
  concerns(subject: Subject, object: string): boolean {
    return this.ancestry(subject).includes(objectKey(parseObjectPath(object)));
  }

  /** Pods of the subject: itself if a pod, else the pods it (transitively) owns or selects. */
  private podsOf(subject: Subject): string[] {
    const target = key(subject.namespace, subject.kind, subject.name);
    if (subject.kind === 'Pod') return [target];
    const selected = this.selected.get(target);
    const owned = this.podsByAncestor.get(target) ?? [];
    return selected ? [...owned, ...selected] : owned;
  }

  /** Services selecting the pod, as `namespace/name`. */
  servicesOf(pod: Subject): string[] {
    const podKey = key(pod.namespace, 'Pod', pod.name);
    return [...this.selected.entries()]
      .filter(([selector, pods]) => parseObjectKey(selector).kind === 'Service' && pods.has(podKey))
      .map(([service]) => namespacedName(parseObjectKey(service)));
  }

  /**
   * The users an RBAC object gave permissions to at any time the bundle saw it: a binding's subjects,
   * or those of the bindings of a Role or ClusterRole; null when the bundle holds no version of any
   * (an audit log at the Metadata level names the object, not what it held).
   */
  boundTo(subject: ObjectRef): ReadonlySet<string> | null {
    const target = key(subject.namespace ?? null, subject.kind, subject.name);
    const own = this.bindings.get(target);
    if (own) return own.users;
    const users = new Set<string>();
    let known = false;
    for (const binding of this.bindings.values()) {
      if (binding.role !== target) continue;
      known = true;
      for (const user of binding.users) users.add(user);
    }
    return known ? users : null;
  }

  /** The keys of the taints the node carried at any time. */
  taintsOf(node: string): string[] {
    return [...(this.nodeTaints.get(node) ?? [])];
  }

  /** Whether `cause` and `effect` are related the way a chain link requires (`mentions`, `taint`
   * and `grants` are decided with the findings' evidence, in chain.ts and grants.ts). */
  related(join: Exclude<Join, 'mentions' | 'taint' | 'grants'>, cause: Subject, effect: Subject): boolean {
    const causeKey = key(cause.namespace, cause.kind, cause.name);
    const effectKey = key(effect.namespace, effect.kind, effect.name);
    switch (join) {
      case 'any':
        return true;
      case 'same':
        return causeKey === effectKey;
      case 'namespace':
        return cause.namespace !== null && cause.namespace === effect.namespace;
      case 'owner': {
        const managers = (s: Subject) => this.ancestry(s).map((k) => this.manager.get(k));
        return (
          this.ancestry(effect).includes(causeKey) ||
          this.ancestry(cause).includes(effectKey) ||
          managers(cause).includes(effectKey) ||
          managers(effect).includes(causeKey)
        );
      }
      case 'workload': {
        if (this.related('owner', cause, effect)) return true;
        const [a, b] = [this.ancestry(cause), this.ancestry(effect)];
        return a.length > 1 && b.length > 1 && a.at(-1) === b.at(-1);
      }
      case 'node': {
        const [node, other] = cause.kind === 'Node' ? [cause, effect] : [effect, cause];
        if (node.kind !== 'Node') return false;
        return this.podsOf(other).some((pod) => this.podNodes.get(pod)?.has(node.name));
      }
      case 'refs': {
        const [used, user] = ['ConfigMap', 'Secret', 'PersistentVolumeClaim'].includes(cause.kind)
          ? [causeKey, effect]
          : [effectKey, cause];
        return this.podsOf(user).some((pod) => this.podRefs.get(pod)?.has(used));
      }
      case 'selects': {
        const [selector, other] = SELECTORS.includes(cause.kind) ? [causeKey, effect] : [effectKey, cause];
        const pods = this.selected.get(selector);
        return pods !== undefined && this.podsOf(other).some((pod) => pods.has(pod));
      }
    }
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
