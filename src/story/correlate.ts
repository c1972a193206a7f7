// Which resources belong to a root's story, and how: the correlation rules (patterns/correlation/)
// followed over the bundle's objects through the joins `kstory related` and analysis follow. A story
// goes down from its root (what it owns, the pods it selects) and out from those to what they touch;
// which joins it takes that way, and the relation each gives, is STORY_JOINS.

import type { CatalogueObject } from '../correlate/catalogue.ts';
import { ObjectGraph } from '../correlate/graph.ts';
import { JOINS, type Join, type JoinName } from '../correlate/joins.ts';
import type { Rule } from '../correlate/rules.ts';
import { linkReplacements } from './replacements.ts';
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

/** How a story takes a join: the relation of what it reaches, how (`detail`), and what is followed
 * from there. What `owns` and `selects` reach belongs to the story as the root does (every join
 * here is followed from it in turn); what the others reach is context, from which only `onward` is. */
interface StoryJoin {
  relation: Relation;
  core?: true;
  onward?: JoinName[];
  detail?: (from: CatalogueObject, to: CatalogueObject) => string | null;
}

const named = (from: CatalogueObject, to: CatalogueObject) =>
  from.refs.find((r) => r.kind === to.kind && r.name === to.name)?.via ?? null;

/** The joins a story follows, in the order it follows them; the others (owned-by, hosts, manages,
 * contains…) lead up or across to what is not this root's. */
const STORY_JOINS: Partial<Record<JoinName, StoryJoin>> = {
  owns: { relation: 'owned', core: true, detail: (_from, to) => to.owner?.kind ?? null },
  // A Service's or a budget's story is that of the pods it selects.
  selects: { relation: 'selected', core: true, detail: (from) => `selector ${selectorText(from)}` },
  // A claim's volume and class come with it.
  uses: { relation: 'uses', onward: ['uses'], detail: named },
  'runs-on': { relation: 'node' },
  // And the Ingresses routing to a Service selecting the story's pods.
  'selected-by': {
    relation: 'selects',
    onward: ['used-by'],
    detail: (_from, to) => `selector ${selectorText(to)}`,
  },
  'managed-by': { relation: 'manages' },
  'in-namespace': { relation: 'constrains' },
  'used-by': { relation: 'refers', detail: (from, to) => named(to, from) },
};
const ORDER = Object.keys(STORY_JOINS) as JoinName[];

export interface Member extends StoryResource {
  /** Records of this resource count only within the story's window. */
  bounded: boolean;
  /** The object as recorded; null for one only named (a ConfigMap a pod names that never existed). */
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

/** A bundle's objects and the rules stories follow over them. */
export class Correlator {
  readonly graph: ObjectGraph;
  /** kind → join → the story's rules of that join starting from the kind */
  private readonly plans = new Map<string, Map<JoinName, Rule[]>>();

  constructor(
    objects: readonly CatalogueObject[],
    readonly rules: readonly Rule[],
  ) {
    this.graph = new ObjectGraph(objects);
  }

  get objects(): readonly CatalogueObject[] {
    return this.graph.objects;
  }

  /** Objects nothing owns that run pods or own something: the roots of `story --all`. */
  roots(): CatalogueObject[] {
    return this.objects.filter(
      (o) =>
        o.owner === null &&
        // A pod of a static manifest or a must-gather is its own root; a Node owns mirror pods
        // but its story is a different one.
        o.kind !== 'Node' &&
        (WORKLOAD_KINDS.has(o.kind) || this.follow(o, 'owns').length > 0),
    );
  }

  /** The root and every resource correlated to it, the root first. */
  correlate(root: CatalogueObject): Member[] {
    const members = new Map<string, Member>();
    const add = (
      o: CatalogueObject,
      relation: Relation,
      via: CatalogueObject | null,
      detail: string | null,
    ) => {
      if (members.has(o.id)) return false;
      members.set(o.id, {
        ...refOf(o),
        api_version: o.api_version,
        relation,
        detail,
        via: via ? refOf(via) : null,
        replaces: null,
        bounded: CONTEXT_RELATIONS.has(relation),
        object: this.graph.isRecorded(o) ? o : null,
      });
      return true;
    };
    const take = (from: CatalogueObject, join: JoinName, then: (o: CatalogueObject) => void) => {
      const how = STORY_JOINS[join]!;
      for (const o of this.follow(from, join))
        if (add(o, how.relation, from, how.detail?.(from, o) ?? null)) then(o);
    };
    const context = (from: CatalogueObject, join: JoinName) =>
      take(from, join, (o) => {
        for (const next of STORY_JOINS[join]!.onward ?? []) context(o, next);
      });

    add(root, 'root', null, null);
    const core: CatalogueObject[] = [root];
    const coreJoins = ORDER.filter((j) => STORY_JOINS[j]!.core);
    for (let i = 0; i < core.length; i++)
      for (const join of coreJoins) take(core[i]!, join, (o) => core.push(o));
    linkReplacements(this.graph, core, members);
    for (const join of ORDER.filter((j) => !STORY_JOINS[j]!.core)) for (const o of core) context(o, join);
    return [...members.values()];
  }

  /** What the story's rules of one join lead to from the object. */
  private follow(o: CatalogueObject, join: JoinName): CatalogueObject[] {
    const rules = this.planOf(o.kind).get(join);
    if (!rules) return [];
    const found = new Set<CatalogueObject>();
    const run = (JOINS[join] as Join).run!;
    for (const rule of rules)
      for (const x of run(this.graph, o, rule))
        if (rule.to.includes(x.kind) || rule.to.includes('*')) found.add(x);
    return [...found];
  }

  private planOf(kind: string): Map<JoinName, Rule[]> {
    let plan = this.plans.get(kind);
    if (!plan) {
      plan = new Map();
      for (const rule of this.rules) {
        if (!STORY_JOINS[rule.join] || !(rule.from.includes(kind) || rule.from.includes('*'))) continue;
        plan.set(rule.join, [...(plan.get(rule.join) ?? []), rule]);
      }
      this.plans.set(kind, plan);
    }
    return plan;
  }
}

/** A selector as `k=v,…`: its newest version, or the last one it had when its newest is empty. */
function selectorText(o: CatalogueObject): string {
  const selector = Object.keys(o.selector).length > 0 ? o.selector : (o.selectors.at(-1) ?? {});
  return Object.entries(selector)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
