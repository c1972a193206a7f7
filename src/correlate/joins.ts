// The joins correlation rules name, one function each: from an object to the objects it is related
// to that way, or (signal joins) to the signal rows about it, which search.ts reads in bulk.

import type { CatalogueField, CatalogueObject } from './catalogue.ts';
import type { ObjectGraph, SelectorVersions } from './graph.ts';

/** What a rule may tell its join besides the start object. */
export interface JoinOptions {
  selector_versions?: SelectorVersions;
  /** The rule's goal classes: a join over a namespace reads only the kinds it leads to. */
  to?: readonly string[];
}

export interface Join {
  description: string;
  /** Leads to signal rows about the object rather than to other objects. */
  signal: boolean;
  /** Object joins: the objects related to `o`. */
  run?: (graph: ObjectGraph, o: CatalogueObject, options: JoinOptions) => CatalogueObject[];
  /** Compares label selectors with labels: a rule may say which versions (`selector_versions`). */
  selector?: true;
  /** What of the catalogue's objects the join reads besides their identity (object joins), so
   * that a reader following only some joins computes only that (see loadCatalogue); a join that
   * does not say is given everything. */
  reads?: (options: JoinOptions) => readonly CatalogueField[];
}

/** A selector join reads the newest selector and labels, or every version of both. */
const selectorFields = (options: JoinOptions): readonly CatalogueField[] =>
  options.selector_versions === 'any' ? ['selectors', 'label_sets'] : ['selectors', 'selector', 'labels'];

export const JOINS = {
  owns: {
    description: 'what the object owns (ownerReferences)',
    signal: false,
    run: (g, o) => g.ownedBy(o),
    reads: () => ['owner'],
  },
  'owned-by': {
    description:
      'the controller that owns it (by UID, else by kind and name; named but never recorded: by name alone)',
    signal: false,
    run: (g, o) => g.ownerOf(o),
    reads: () => ['owner'],
  },
  selects: {
    description: 'the pods its label selector picks',
    signal: false,
    selector: true,
    run: (g, o, options) => g.selectedPods(o, options.selector_versions),
    reads: selectorFields,
  },
  'selected-by': {
    description: 'the Services and budgets whose selector picks the pod',
    signal: false,
    selector: true,
    run: (g, o, options) => g.selectorsOf(o, options.selector_versions),
    reads: selectorFields,
  },
  'runs-on': {
    description: 'the Nodes the pod ran on (named but never recorded: by name alone)',
    signal: false,
    run: (g, o) => g.nodesOf(o),
    reads: () => ['nodes'],
  },
  hosts: {
    description: 'the pods that ran on the Node',
    signal: false,
    run: (g, o) => g.podsOn(o.name),
    reads: () => ['nodes'],
  },
  uses: {
    description:
      'what it names in its spec (refs: volumes, env, claims, scale target, backends), recorded or not (a missing ConfigMap)',
    signal: false,
    run: (g, o) => g.refsOf(o),
    reads: () => ['refs'],
  },
  'used-by': {
    description: 'what names it in its spec',
    signal: false,
    run: (g, o) => g.referrersOf(o),
    reads: () => ['refs'],
  },
  manages: {
    description: 'the resources an Argo CD Application lists',
    signal: false,
    run: (g, o) => g.managedBy(o),
    reads: () => ['manages'],
  },
  'managed-by': {
    description: 'the Argo CD Application listing it',
    signal: false,
    run: (g, o) => g.managersOf(o),
    reads: () => ['manages'],
  },
  contains: {
    description: 'the objects in the Namespace, of the kinds the rule leads to',
    signal: false,
    run: (g, o, options) => (o.kind === 'Namespace' ? g.inNamespace(o.name, options.to ?? ['*']) : []),
  },
  'in-namespace': {
    description:
      "the other objects of the object's namespace, of the kinds the rule leads to (its ResourceQuotas and LimitRanges)",
    signal: false,
    run: (g, o, options) => g.inNamespace(o.namespace, options.to ?? ['*']).filter((x) => x !== o),
  },
  'alert-labels': {
    description: "the objects an alert's labels name (patterns/vocabulary/labels.yaml)",
    signal: false,
    run: (g, o) => g.subjectsOfAlert(o),
    reads: () => [],
  },
  'involved-object': { description: 'Events whose involvedObject (regarding) it is', signal: true },
  'audit-object': { description: 'audit entries whose objectRef it is', signal: true },
  'log-subject': { description: "the pod's container log lines", signal: true },
  'metric-subject': {
    description: 'metric samples whose labels name it (patterns/vocabulary/labels.yaml)',
    signal: true,
  },
  'alert-subject': {
    description: 'ALERTS samples whose labels name it (an alert: its own samples)',
    signal: true,
  },
  'finding-subject': { description: "kstory's findings about it", signal: true },
} satisfies Record<string, Join>;
export type JoinName = keyof typeof JOINS;

/**
 * Joins that, taken right after the one they undo, lead to siblings through a shared hub: from a
 * pod to its ServiceAccount and on to every pod of the namespace, from a pod to its Node and on to
 * every pod there. A search does not take them back to back; owned-by then owns (the other pods of
 * one workload) is a relation, and stays.
 */
export const HUB_RETURNS: Partial<Record<JoinName, JoinName>> = {
  uses: 'used-by',
  'runs-on': 'hosts',
  'selected-by': 'selects',
  'managed-by': 'manages',
};
