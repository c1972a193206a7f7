// Structural relations between the subjects of findings, computed once per analysis by following
// the correlation rules that decide a chain join (patterns/correlation/*.yaml, their `chain`) over
// the bundle's objects, the same rules and joins `kstory related` follows: ownership (Pod →
// ReplicaSet → Deployment → Argo CD Application), the node a pod ran on, the ConfigMaps, Secrets,
// claims and ServiceAccount it uses, the Services and budgets selecting it. Besides them, what two
// evidence joins read: the taints each node carried, and whom RBAC bindings bound. A pod the bundle
// holds no object of (Events alone) gets its controller from what the controllers' Events say they
// made, else from its name (generated-names.ts), and its node from its Events. A budget that held a
// drain of an audit log is on the node the drain cordoned.

import { sqlList } from '../bundle/duckdb.ts';
import type { Bundle } from '../bundle/reader.ts';
import {
  CATALOGUE_FIELDS,
  type CatalogueField,
  type CatalogueObject,
  loadCatalogue,
} from '../correlate/catalogue.ts';
import { ObjectGraph } from '../correlate/graph.ts';
import { JOINS, type Join as RuleJoin } from '../correlate/joins.ts';
import { loadRules, type Rule, type RuleChainJoin } from '../correlate/rules.ts';
import { controllerByName, isClaimOfPod, isNamedBy, type NamedObject } from '../kube/generated-names.ts';
import type { Join } from '../patterns/schema.ts';
import { DISRUPTION_BUDGET_SQL } from '../views/audit.ts';
import {
  namespacedName,
  type ObjectRef,
  objectKey,
  parseObjectKey,
  parseObjectPath,
  type Subject,
} from '../vocab/object-ref.ts';
import { onConnections } from './parallel.ts';

const key = (namespace: string | null, kind: string, name: string) => objectKey({ namespace, kind, name });
const keyOfObject = (o: CatalogueObject) => key(o.namespace, o.kind, o.name);
let builtin: Rule[] | undefined;
/** The built-in rules, read once. */
const builtinRules = () => {
  builtin ??= loadRules();
  return builtin;
};
const applies = (classes: readonly string[], kind: string) => classes.includes(kind) || classes.includes('*');

/** Where the rules deciding chain joins lead from one object (every incarnation of its name). */
interface Facts {
  links: Map<RuleChainJoin, Set<string>>;
  /** The key of its controller: the newest incarnation's, by the owner rules of owner references. */
  controller: string | undefined;
}

/** The rules deciding chain joins that start from one kind, each join run once for the rules that
 * take it with the same options (a pod's owner reference is followed once for owner-of-pod and
 * owner-of-resource). */
type Plan = { join: RuleJoin; rule: Rule; chain: RuleChainJoin; to: Rule['to'][] }[];

export class Relations {
  /** object key → where the rules lead from it, worked out when first asked: analysis asks about
   * the few objects findings are about, of the many a large cluster holds */
  private readonly facts = new Map<string, Facts>();
  private readonly plans = new Map<string, Plan>();
  /** key → the pods it owns (transitively) or selects */
  private readonly pods = new Map<string, string[]>();
  /** node name → the keys of the taints it carried at any time */
  private readonly nodeTaints = new Map<string, Set<string>>();
  /** RoleBinding or ClusterRoleBinding key → the users it bound at any time (a service account as
   * `system:serviceaccount:<namespace>:<name>`), and the key of its role */
  private readonly bindings = new Map<string, { users: Set<string>; role: string }>();
  /** key of a pod, ReplicaSet or Job → the controller whose Events say it made it */
  private readonly madeBy = new Map<string, string>();
  /** namespace → the controllers its Events are about */
  private readonly eventControllers = new Map<string, NamedObject[]>();
  /** key of a pod → the nodes its Events say it was on: the kubelet that reported them, the node
   * the scheduler assigned it to */
  private readonly eventNodes = new Map<string, Set<string>>();
  /** key of a PodDisruptionBudget → the nodes whose drains it held: the node the author of the
   * evictions it refused had cordoned just before */
  private readonly drainNodes = new Map<string, Set<string>>();
  /** keys whose controller is read from their name alone */
  private readonly named = new Set<string>();

  private constructor(
    private readonly graph: ObjectGraph,
    private readonly rules: readonly Rule[],
  ) {}

  /**
   * `rules`: the correlation rules (their `chain` says which chain join each decides). With
   * `namespaces`, only the objects in them, cluster-scoped ones and Argo CD Applications: every
   * relation but an Application's stays within a namespace, so relations between findings need only
   * the findings' namespaces, a small part of a large cluster's objects.
   */
  static async load(
    bundle: Bundle,
    scope?: { namespaces: Iterable<string | null> },
    rules: readonly Rule[] = builtinRules(),
  ): Promise<Relations> {
    const inScope = scope
      ? `(namespace IS NULL OR namespace IN (SELECT unnest(${sqlList([...scope.namespaces].filter((n) => n !== null))}::VARCHAR[])))`
      : 'true';
    const queries = [
      // A node's taints as its spec shows them, and as the scheduler quoted them when it refused the
      // node (node_refusals): all there is of a node not ready when no status of it was captured.
      `SELECT DISTINCT name, t.key AS taint
       FROM (SELECT name, unnest(taints) AS t FROM objects WHERE kind = 'Node' AND taints IS NOT NULL)
       WHERE t.key IS NOT NULL
       UNION
       SELECT DISTINCT refused_node, 'node.kubernetes.io/' || refused_taint FROM node_refusals
       WHERE refused_node IS NOT NULL AND refused_taint IS NOT NULL`,
      // Whom each RBAC binding bound, and to which role, in any version of it.
      `SELECT DISTINCT kind, namespace, name, json_extract_string(body, '$.roleRef.kind') AS role_kind,
              json_extract_string(body, '$.roleRef.name') AS role_name,
              unnest(from_json(json_extract(body, '$.subjects'), '[{"kind":"VARCHAR","name":"VARCHAR","namespace":"VARCHAR"}]')) AS s
       FROM objects WHERE kind IN ('RoleBinding', 'ClusterRoleBinding') AND body IS NOT NULL AND ${inScope}`,
      // The controllers Events are about, and what they say they made or removed (the messages of
      // the ReplicaSet, DaemonSet, Job, StatefulSet, Deployment and CronJob controllers).
      `SELECT DISTINCT namespace, kind, name, nullif(CASE kind
         WHEN 'StatefulSet' THEN regexp_extract(event_message, '^(?:create|delete) Pod (\\S+) in StatefulSet ', 1)
         WHEN 'Deployment' THEN regexp_extract(event_message, '^Scaled (?:up|down) replica set (\\S+) ', 1)
         WHEN 'CronJob' THEN regexp_extract(event_message, '^(?:Created job|Deleted job|Saw completed job:) ([^\\s,]+)', 1)
         ELSE regexp_extract(event_message, '^(?:Created|Deleted) pod: (\\S+)', 1) END, '') AS made
       FROM events
       WHERE list_contains(${sqlList(CONTROLLER_KINDS)}, kind) AND namespace IS NOT NULL AND name IS NOT NULL AND ${inScope}`,
      // The node each drain a budget held was of: kubectl drain (the cluster autoscaler, an upgrade)
      // cordons the node, then evicts its pods as the same user; the refusals name the budget, not the
      // node, so the node is the one their author wrote last before them, within the hour.
      `SELECT DISTINCT e.namespace, e.budget, n.name AS node
       FROM (SELECT ts, namespace, coalesce(audit_impersonated_user, audit_user) AS actor, ${DISRUPTION_BUDGET_SQL} AS budget
             FROM audit WHERE audit_subresource = 'eviction' AND audit_code = 429 AND namespace IS NOT NULL AND ${inScope}) e
       ASOF JOIN (SELECT ts, coalesce(audit_impersonated_user, audit_user) AS actor, name FROM audit
                  WHERE kind = 'Node' AND audit_verb IN ('patch', 'update') AND audit_subresource IS NULL
                    AND coalesce(audit_code, 200) < 400 AND name IS NOT NULL) n
         ON n.actor = e.actor AND n.ts <= e.ts
       WHERE e.budget IS NOT NULL AND n.ts >= e.ts - INTERVAL 1 HOUR`,
      // The nodes pods' Events put them on: the reporting kubelet's host, the scheduler's binding.
      `SELECT DISTINCT namespace, name,
              coalesce(node, regexp_extract(event_message, '^Successfully assigned \\S+ to (\\S+)$', 1)) AS node
       FROM events
       WHERE kind = 'Pod' AND namespace IS NOT NULL AND name IS NOT NULL AND ${inScope}
         AND (node IS NOT NULL OR event_reason = 'Scheduled')`,
    ];
    // Of the catalogue, only what the rules deciding chain joins read (everything, for a join that
    // does not say), and when each incarnation was last seen (which is the newest: factsOf).
    const fields = new Set<CatalogueField>(['last']);
    for (const rule of rules) {
      if (rule.chain === undefined) continue;
      const reads = (JOINS[rule.join] as RuleJoin).reads;
      for (const field of reads ? reads(rule) : CATALOGUE_FIELDS) fields.add(field);
    }
    const [objects, taints, bindings, made, drains, nodes] = await onConnections(
      bundle,
      [null, ...queries],
      (connection, sql) =>
        sql === null
          ? (loadCatalogue(connection, scope, fields) as Promise<unknown[]>)
          : connection.query(sql),
    );
    const relations = Relations.following(rules, objects as CatalogueObject[]);
    for (const t of taints as { name: string; taint: string }[]) addTo(relations.nodeTaints, t.name, t.taint);
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
    for (const m of made as { namespace: string; kind: string; name: string; made: string | null }[]) {
      const known = relations.eventControllers.get(m.namespace) ?? [];
      if (!known.some((c) => c.kind === m.kind && c.name === m.name))
        known.push({ kind: m.kind, name: m.name });
      relations.eventControllers.set(m.namespace, known);
      const child = MADE[m.kind];
      if (m.made && child)
        relations.madeBy.set(key(m.namespace, child, m.made), key(m.namespace, m.kind, m.name));
    }
    for (const d of drains as { namespace: string; budget: string; node: string }[])
      addTo(
        relations.drainNodes,
        key(d.namespace, 'PodDisruptionBudget', d.budget),
        key(null, 'Node', d.node),
      );
    for (const n of nodes as { namespace: string; name: string; node: string | null }[])
      if (n.node) addTo(relations.eventNodes, key(n.namespace, 'Pod', n.name), key(null, 'Node', n.node));
    return relations;
  }

  /** The relations the rules decide between these objects (nodes' taints and bindings aside). */
  static following(rules: readonly Rule[], objects: readonly CatalogueObject[]): Relations {
    return new Relations(
      new ObjectGraph(objects),
      rules.filter((r) => r.chain !== undefined),
    );
  }

  private planOf(kind: string): Plan {
    let plan = this.plans.get(kind);
    if (!plan) {
      plan = [];
      for (const rule of this.rules.filter((r) => applies(r.from, kind))) {
        const same = plan.find(
          (p) =>
            p.rule.join === rule.join &&
            p.chain === rule.chain &&
            p.rule.selector_versions === rule.selector_versions,
        );
        if (same) same.to.push(rule.to);
        else plan.push({ join: JOINS[rule.join], rule, chain: rule.chain!, to: [rule.to] });
      }
      this.plans.set(kind, plan);
    }
    return plan;
  }

  /** Runs the rules deciding chain joins from every incarnation of the key's object, oldest first. */
  private factsOf(start: string): Facts {
    let facts = this.facts.get(start);
    if (facts) return facts;
    facts = { links: new Map(), controller: undefined };
    const { namespace, kind, name } = parseObjectKey(start);
    const incarnations = [...this.graph.incarnations(namespace, kind, name)].sort((a, b) =>
      a.last < b.last ? -1 : a.last > b.last ? 1 : 0,
    );
    for (const o of incarnations) {
      for (const { join, rule, chain, to: tos } of this.planOf(o.kind)) {
        for (const target of join.run?.(this.graph, o, rule) ?? []) {
          if (!tos.some((to) => applies(to, target.kind))) continue;
          const to = keyOfObject(target);
          if (to === start) continue;
          const set = facts.links.get(chain);
          if (set) set.add(to);
          else facts.links.set(chain, new Set([to]));
          // Ancestry is the chain of controllers: the owner rules that follow owner references.
          if (chain === 'owner' && rule.join === 'owned-by') facts.controller = to;
        }
      }
    }
    const onNodes = incarnations.length === 0 ? this.eventNodes.get(start) : undefined;
    if (onNodes) facts.links.set('node', new Set(onNodes));
    const drained = this.drainNodes.get(start);
    if (drained) facts.links.set('node', new Set([...(facts.links.get('node') ?? []), ...drained]));
    if (incarnations.length === 0 && namespace !== null && kind in MADE_BY) {
      const parent = this.controllerNamed(namespace, kind, name);
      if (parent) {
        facts.controller = parent;
        facts.links.set('owner', new Set([parent]));
      }
    }
    this.facts.set(start, facts);
    return facts;
  }

  /**
   * The controller of a pod, ReplicaSet or Job the bundle holds no object of: the one whose Events
   * say it made it; else the one of the bundle (object or Event) whose name its name is generated
   * from, nearest first; else the one its name's shape says (a Deployment's `<a>-<hash>-<5>`).
   */
  private controllerNamed(namespace: string, kind: string, name: string): string | undefined {
    const stated = this.madeBy.get(key(namespace, kind, name));
    if (stated) return stated;
    const child = { kind, name };
    const known = [
      ...(this.eventControllers.get(namespace) ?? []),
      ...this.graph.inNamespace(namespace, CONTROLLER_KINDS),
    ].filter((c) => isNamedBy(child, c));
    // A Deployment's pod is its ReplicaSet's first; of two names, the longer is the nearer.
    const parent =
      known.sort((a, b) => depth(a.kind) - depth(b.kind) || b.name.length - a.name.length)[0] ??
      controllerByName(child);
    if (!parent) return undefined;
    this.named.add(key(namespace, kind, name));
    if (MADE_BY[kind]!.includes(parent.kind)) return key(namespace, parent.kind, parent.name);
    // A pod named after a Deployment or CronJob: through its ReplicaSet or Job, the name less its suffix.
    return key(namespace, MADE[parent.kind]!, name.slice(0, name.lastIndexOf('-')));
  }

  /** The subject's controllers (keys) that only names tell, neither an object nor an Event: those
   * above a link read from a name (a Deployment inferred from its pods' names). */
  controllersFromNames(subject: ObjectRef): string[] {
    const ancestry = this.ancestry(subject);
    const at = ancestry.findIndex((k) => this.named.has(k));
    return at < 0 ? [] : ancestry.slice(at + 1);
  }

  /** Whether a rule deciding `join` leads from `from`, or a pod of it, to `to`. */
  private leads(join: RuleChainJoin, from: Subject, to: string): boolean {
    const start = key(from.namespace, from.kind, from.name);
    return [start, ...this.podsOf(from)].some((k) => this.factsOf(k).links.get(join)?.has(to) === true);
  }

  /** Everything rules deciding `owner` lead to from the key, transitively. */
  private owners(start: string): Set<string> {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length > 0 && seen.size < 50) {
      for (const next of this.factsOf(todo.pop()!).links.get('owner') ?? [])
        if (!seen.has(next) && next !== start) {
          seen.add(next);
          todo.push(next);
        }
    }
    return seen;
  }

  /** The subject and its controllers, nearest first (Pod, ReplicaSet, Deployment). */
  ancestry(subject: ObjectRef): string[] {
    return this.ancestryOf(objectKey(subject));
  }

  private ancestryOf(start: string): string[] {
    const chain = [start];
    for (let i = 0; i < 5; i++) {
      const parent = this.factsOf(chain.at(-1)!).controller;
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
    let pods = this.pods.get(target);
    if (!pods) {
      pods = [...new Set([...this.ownedPods(target, 0), ...this.selectedPods(target)])];
      this.pods.set(target, pods);
    }
    return pods;
  }

  /** The pods below the object: what names it as owner and whose controller, by the rules, it is. */
  private ownedPods(owner: string, depth: number): string[] {
    if (depth > 5) return [];
    const { namespace, kind, name } = parseObjectKey(owner);
    const children = new Set(this.graph.ownedByName(namespace, kind, name).map(keyOfObject));
    return [...children]
      .filter((child) => this.factsOf(child).controller === owner)
      .flatMap((child) =>
        parseObjectKey(child).kind === 'Pod' ? [child] : this.ownedPods(child, depth + 1),
      );
  }

  /** The pods of its namespace whose `selects` rules lead to the object. */
  private selectedPods(selector: string): string[] {
    const { namespace, kind } = parseObjectKey(selector);
    // Only a kind a `selects` rule leads to selects (a Service, a budget): others need no look.
    if (namespace === null || !this.rules.some((r) => r.chain === 'selects' && applies(r.to, kind)))
      return [];
    const pods = new Set(this.graph.podsIn(namespace).map(keyOfObject));
    return [...pods].filter((pod) => this.factsOf(pod).links.get('selects')?.has(selector) === true);
  }

  /** Whether `claim` is the claim a StatefulSet made for `pod` by its name, the bundle holding no
   * object of the pod that would name its claims (Events alone). */
  private claimByName(claim: Subject, pod: Subject): boolean {
    return (
      claim.kind === 'PersistentVolumeClaim' &&
      pod.kind === 'Pod' &&
      claim.namespace === pod.namespace &&
      this.graph.incarnations(pod.namespace, 'Pod', pod.name).length === 0 &&
      isClaimOfPod(claim.name, pod.name)
    );
  }

  /** Services selecting the pod, as `namespace/name`. */
  servicesOf(pod: Subject): string[] {
    const selectors = this.factsOf(key(pod.namespace, 'Pod', pod.name)).links.get('selects') ?? [];
    return [...selectors]
      .map(parseObjectKey)
      .filter((s) => s.kind === 'Service')
      .map(namespacedName);
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
      case 'owner':
        // An object is its own owner's kin: a finding and an alert about one Deployment.
        return (
          causeKey === effectKey ||
          this.owners(effectKey).has(causeKey) ||
          this.owners(causeKey).has(effectKey)
        );
      case 'workload': {
        if (this.related('owner', cause, effect)) return true;
        const [a, b] = [this.ancestry(cause), this.ancestry(effect)];
        return a.length > 1 && b.length > 1 && a.at(-1) === b.at(-1);
      }
      case 'refs':
        return (
          this.leads(join, cause, effectKey) ||
          this.leads(join, effect, causeKey) ||
          this.claimByName(cause, effect) ||
          this.claimByName(effect, cause)
        );
      case 'node':
      case 'selects':
        return this.leads(join, cause, effectKey) || this.leads(join, effect, causeKey);
    }
  }
}

/** Controllers and what they make (Events' messages name it). */
const MADE: Record<string, string> = {
  ReplicaSet: 'Pod',
  DaemonSet: 'Pod',
  Job: 'Pod',
  ReplicationController: 'Pod',
  StatefulSet: 'Pod',
  Deployment: 'ReplicaSet',
  CronJob: 'Job',
};
const CONTROLLER_KINDS = Object.keys(MADE);
/** What may have made each kind, nearest first. */
const MADE_BY: Record<string, string[]> = { Pod: [], ReplicaSet: ['Deployment'], Job: ['CronJob'] };
for (const [maker, made] of Object.entries(MADE)) if (made === 'Pod') MADE_BY.Pod!.push(maker);
/** How far above a pod a controller kind is. */
const depth = (kind: string) => (MADE[kind] === 'Pod' ? 0 : 1);

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
