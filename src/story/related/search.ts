// `kstory related` as a function: from a start object, follow the correlation rules over the
// bundle, breadth first, to the goal classes (the shortest rule paths) or to a depth; then read
// the signals (Events, audit entries, logs, metric samples, findings) of the objects reached.

import type { Bundle } from '../../bundle/reader.ts';
import type { CatalogueObject } from '../../correlate/catalogue.ts';
import { keyOf, push } from '../../correlate/graph.ts';
import { HUB_RETURNS, JOINS, type JoinName } from '../../correlate/joins.ts';
import { type Rule, SIGNAL_CLASSES, type SignalClass } from '../../correlate/rules.ts';
import { KstoryError } from '../../errors.ts';
import type { LabelVocabulary } from '../../vocab/labels.ts';
import { nearestNames } from '../../vocab/nearest.ts';
import type { ResourceRef } from '../schema.ts';
import type { RelatedGraph } from './graph.ts';
import { readSignals, type SignalSummary } from './signals.ts';

export interface RelatedNode {
  id: string;
  class: string;
  /** The object, or for a signal node the object its rows are about. */
  object: ResourceRef;
  depth: number;
  /** Rule ids from the start, in order. */
  path: string[];
  /** Signal nodes: what the rows hold. */
  signals: SignalSummary | null;
  /** The joins of `path`, in order. */
  joins: JoinName[];
}

export interface RelatedEdge {
  from: string;
  to: string;
  rule: string;
}

/** Objects of one class a rule with a `limit` reached from one node beyond those listed. */
export interface RelatedCap {
  from: string;
  rule: string;
  class: string;
  listed: number;
  total: number;
}

export interface RelatedResult {
  start: RelatedNode;
  goals: string[] | null;
  depth: number;
  nodes: RelatedNode[];
  edges: RelatedEdge[];
  /** Goal classes no rule path reached within the depth. */
  unreached: string[];
  /** Where a rule's limit left objects out (a Namespace's pods beyond those with findings and the ones seen last). */
  capped: RelatedCap[];
}

export interface SearchOptions {
  goals?: string[];
  depth?: number;
  since?: string;
  until?: string;
  findings?: {
    pattern: string;
    severity: string;
    summary: string;
    first: string;
    subject: { namespace: string | null; kind: string; name: string };
  }[];
}

const ref = (o: CatalogueObject): ResourceRef => ({
  kind: o.kind,
  namespace: o.namespace,
  name: o.name,
  uid: o.uid,
});
const isSignal = (c: string): c is SignalClass => (SIGNAL_CLASSES as readonly string[]).includes(c);

/** Every class a rule names or the bundle holds, for --goal's check. */
export function knownClasses(rules: readonly Rule[], graph: RelatedGraph): string[] {
  return [
    ...new Set([
      ...SIGNAL_CLASSES,
      ...rules.flatMap((r) => [...r.from, ...r.to]),
      ...graph.objects.map((o) => o.kind),
    ]),
  ]
    .filter((c) => c !== '*')
    .sort();
}

export async function searchRelated(
  bundle: Bundle,
  graph: RelatedGraph,
  rules: readonly Rule[],
  vocabulary: LabelVocabulary,
  start: CatalogueObject,
  options: SearchOptions = {},
): Promise<RelatedResult> {
  const goals = options.goals && options.goals.length > 0 ? options.goals : null;
  if (goals) {
    const known = knownClasses(rules, graph);
    for (const goal of goals) {
      if (!known.includes(goal)) {
        const nearest = nearestNames(goal, known);
        throw new KstoryError(`--goal ${goal}: no rule leads to a class of that name`, {
          hint:
            nearest.length > 0 ? `Nearest classes: ${nearest.join(', ')}.` : `Classes: ${known.join(', ')}.`,
        });
      }
    }
  }
  const depth = options.depth ?? (goals ? 3 : 2);
  const startNode: RelatedNode = {
    joins: [],
    id: start.id,
    class: start.kind,
    object: ref(start),
    depth: 0,
    path: [],
    signals: null,
  };
  const nodes = new Map<string, RelatedNode>([[startNode.id, startNode]]);
  const objects = new Map<string, CatalogueObject>([[start.id, start]]);
  const edges: RelatedEdge[] = [];
  const capped: RelatedCap[] = [];
  const withFindings = findingHolders(graph.objects, options.findings ?? []);
  // A rule naming its start classes before one for any object: a path names the specific rule
  // (workload-pods) where a general one (resource-owned) leads to the same object.
  const ordered = [...rules].sort((a, b) => Number(a.from.includes('*')) - Number(b.from.includes('*')));
  let frontier = [startNode];
  for (let d = 1; d <= depth && frontier.length > 0; d++) {
    const next: RelatedNode[] = [];
    for (const node of frontier) {
      if (isSignal(node.class)) continue;
      const o = objects.get(node.id)!;
      const cameBy = node.joins.at(-1);
      for (const rule of ordered) {
        if (!rule.from.includes(o.kind) && !rule.from.includes('*')) continue;
        if (cameBy && HUB_RETURNS[cameBy] === rule.join) continue;
        const join = JOINS[rule.join];
        const reached: { id: string; cls: string; object: CatalogueObject }[] = [];
        if (join.signal) {
          for (const cls of rule.to) reached.push({ id: `${cls}:${o.id}`, cls, object: o });
        } else {
          const found = join.run!(graph, o, rule).filter(
            (r) => rule.to.includes(r.kind) || rule.to.includes('*'),
          );
          for (const r of rule.limit
            ? limited(found, rule.limit, withFindings, (cls, total) =>
                capped.push({ from: node.id, rule: rule.id, class: cls, listed: rule.limit!, total }),
              )
            : found)
            reached.push({ id: r.id, cls: r.kind, object: r });
        }
        for (const { id, cls, object } of reached) {
          if (nodes.has(id)) {
            // Another path of the same length; one edge per pair (a general rule repeats a specific one).
            if (nodes.get(id)!.depth === d && !edges.some((e) => e.from === node.id && e.to === id))
              edges.push({ from: node.id, to: id, rule: rule.id });
            continue;
          }
          const created: RelatedNode = {
            id,
            class: cls,
            object: ref(object),
            depth: d,
            path: [...node.path, rule.id],
            signals: null,
            joins: [...node.joins, rule.join],
          };
          nodes.set(id, created);
          objects.set(id, object);
          edges.push({ from: node.id, to: id, rule: rule.id });
          next.push(created);
        }
      }
    }
    // Breadth first: the path that first reaches a node is a shortest one.
    frontier = next;
  }

  const signalNodes = [...nodes.values()].filter((n) => isSignal(n.class));
  await readSignals(bundle, signalNodes, vocabulary, options);
  // A signal class with no rows about the object is not a neighbour.
  const kept = [...nodes.values()].filter((n) => !isSignal(n.class) || (n.signals?.count ?? 0) > 0);
  const keptIds = new Set(kept.map((n) => n.id));
  let shown = kept;
  if (goals) {
    // Goal nodes and the nodes on their paths.
    const onPath = new Set<string>();
    const parents = new Map<string, string>();
    for (const e of edges) if (!parents.has(e.to)) parents.set(e.to, e.from);
    for (const n of kept.filter((k) => goals.includes(k.class)))
      for (let at: string | undefined = n.id; at && !onPath.has(at); at = parents.get(at)) onPath.add(at);
    shown = kept.filter((n) => onPath.has(n.id));
  }
  const shownIds = new Set(shown.map((n) => n.id));
  return {
    start: startNode,
    goals,
    depth,
    nodes: shown.sort(
      (a, b) => a.depth - b.depth || a.class.localeCompare(b.class) || a.id.localeCompare(b.id),
    ),
    edges: edges.filter((e) => shownIds.has(e.from) && shownIds.has(e.to) && keptIds.has(e.to)),
    unreached: goals ? goals.filter((g) => !shown.some((n) => n.class === g)) : [],
    capped: capped.filter((c) => shownIds.has(c.from)),
  };
}

/** The keys (`namespace/Kind/name`) of objects a finding is about, and of their controllers up
 * the owner chain: a Deployment whose pod crash-loops holds that finding too. */
export function findingHolders(
  objects: readonly CatalogueObject[],
  findings: NonNullable<SearchOptions['findings']>,
): Set<string> {
  const byKey = new Map(objects.map((o) => [keyOf(o.namespace, o.kind, o.name), o]));
  const holders = new Set<string>();
  for (const f of findings) {
    let key: string | null = keyOf(f.subject.namespace, f.subject.kind, f.subject.name);
    while (key !== null && !holders.has(key)) {
      holders.add(key);
      const o = byKey.get(key);
      key = o?.owner ? keyOf(o.namespace, o.owner.kind, o.owner.name) : null;
    }
  }
  return holders;
}

/** At most `limit` objects of each class: those a finding is about (or about what they own) first,
 * since they are what a reader starting from a namespace looks for, then the ones seen last (then
 * by name); `over` is told of each class that had more. */
export function limited(
  objects: CatalogueObject[],
  limit: number,
  withFindings: ReadonlySet<string>,
  over: (cls: string, total: number) => void,
): CatalogueObject[] {
  const byClass = new Map<string, CatalogueObject[]>();
  for (const o of objects) push(byClass, o.kind, o);
  const held = (o: CatalogueObject) => (withFindings.has(keyOf(o.namespace, o.kind, o.name)) ? 0 : 1);
  return [...byClass].flatMap(([cls, list]) => {
    if (list.length <= limit) return list;
    over(cls, list.length);
    return list
      .sort(
        (a, b) =>
          held(a) - held(b) || (a.last > b.last ? -1 : a.last < b.last ? 1 : a.name.localeCompare(b.name)),
      )
      .slice(0, limit);
  });
}
