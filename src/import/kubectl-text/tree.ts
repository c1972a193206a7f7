// An ownership tree (`kubectl lineage`, `kubectl tree`; see tree-table.ts) read back: each row as
// the object it names with what the row says of it (a pod's status, replica counts, a Ready
// condition), its owner from the tree, and Event rows as Events about their parent. The tree shows
// ages only: it is dated by the objects the rest of the import knows (created + age).

import { BUILTIN_API_VERSIONS, CLUSTER_SCOPED_KINDS } from '../../kube/resources.ts';
import { addMicros, tsKey } from '../../kube/time.ts';
import { referenceTime } from '../capture-time.ts';
import { type FileContext, issue } from '../context.ts';
import type { KubectlCommand } from './command.ts';
import { markDerived } from './derived.ts';
import { compact, type Json } from './describe-common.ts';
import { eventOf } from './describe-events.ts';
import type { TextLine } from './describe-tree.ts';
import { objectOfRow } from './get-rows.ts';
import type { PreparedSection } from './prepared.ts';
import { parseAge } from './time-text.ts';
import { parseTree, type TreeNode, type TreeTable } from './tree-table.ts';

// Which kinds own which in the tree when lineage does not print the relationship (no -o wide): the
// controllers' ownerReferences. Other children are related otherwise (a Service selecting a pod).
const OWNS: Record<string, ReadonlySet<string>> = {
  Deployment: new Set(['ReplicaSet']),
  ReplicaSet: new Set(['Pod']),
  StatefulSet: new Set(['Pod', 'ControllerRevision']),
  DaemonSet: new Set(['Pod', 'ControllerRevision']),
  Job: new Set(['Pod']),
  CronJob: new Set(['Job']),
  ReplicationController: new Set(['Pod']),
  Service: new Set(['EndpointSlice', 'Endpoints']),
  Node: new Set(['CSINode', 'Lease']),
};
const OWNER_RELATIONSHIPS = new Set(['ControllerReference', 'OwnerReference']);
// Kinds whose row has a builder of its own in get-rows.ts (READY as counts, STATUS as a pod's).
const COUNTED_KINDS = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'ReplicationController',
]);
const CONDITION_STATUS = new Set(['True', 'False', 'Unknown']);

/** Read the tree in `lines`, or null when there is none. */
export function prepareTree(
  lines: readonly TextLine[],
  command: KubectlCommand | null,
  ctx: FileContext,
): PreparedSection | null {
  const tree = parseTree(lines);
  if (!tree || tree.nodes.length === 0) return null;
  const namespace = command?.namespace ?? 'default';
  const namespaces = tree.nodes.map((n) => namespaceOf(n, namespace));
  const floor = printedAfter(tree, namespaces, ctx);
  return {
    floor,
    emit: (capture, observed) => {
      const opts = { stats: ctx.stats, origin: ctx.origin, fallbackTs: capture, observed };
      tree.nodes.forEach((node, i) => {
        const parent = node.parent === null ? null : tree.nodes[node.parent]!;
        if (node.kind === null) {
          issue(ctx, node.line, `a row that names no object ("${node.name.slice(0, 80)}"): not imported`);
          return;
        }
        if (node.kind === 'Event') {
          const ev = eventOfNode(node, parent, parent ? namespaces[node.parent!] : undefined, capture);
          if (typeof ev === 'string') issue(ctx, node.line, ev);
          else ctx.sink.event(ev, opts);
          return;
        }
        const ns = namespaces[i];
        // A row says less than what was read of the object elsewhere: only a pod's later status is news.
        const known = ctx.sink.hasObject(node.kind, ns, node.name);
        if (known && !(node.kind === 'Pod' && floor !== null)) return;
        const obj = objectOfNode(i, ns, capture, tree, namespaces, ctx);
        // A later status is seen when the tree was printed, not when the object was created.
        const ts = known ? capture : undefined;
        ctx.sink.object(markDerived(obj, `kubectl ${tree.printer}`), { ...opts, watchEvent: null, ts });
      });
    },
  };
}

/** A row's namespace: its own cell, blank for a cluster-scoped object; the command's without the column. */
function namespaceOf(node: TreeNode, fallback: string): string | undefined {
  if (node.kind && CLUSTER_SCOPED_KINDS.has(node.kind)) return undefined;
  if (node.namespace === undefined) return fallback;
  return node.namespace === '' ? undefined : node.namespace;
}

/**
 * When the tree was printed at the earliest, when that is later than the rest of the import: an
 * object known from elsewhere and shown here `age` old was printed `age` after it was created. The
 * least of these, since an object created again under its name would date the tree too late.
 */
function printedAfter(tree: TreeTable, namespaces: (string | undefined)[], ctx: FileContext): string | null {
  let floor: string | null = null;
  tree.nodes.forEach((node, i) => {
    if (!node.kind || node.kind === 'Event') return;
    const age = parseAge(node.age);
    const created = ctx.sink.createdAt(node.kind, namespaces[i], node.name);
    if (!age || !created) return;
    const printed = addMicros(created, age.ms * 1000);
    if (floor === null || tsKey(printed) < tsKey(floor)) floor = printed;
  });
  if (floor === null) return null;
  return tsKey(floor) > tsKey(referenceTime(ctx)) ? floor : null;
}

function objectOfNode(
  index: number,
  namespace: string | undefined,
  capture: string,
  tree: TreeTable,
  namespaces: (string | undefined)[],
  ctx: FileContext,
): Json {
  const node = tree.nodes[index]!;
  const kind = node.kind!;
  const counted = COUNTED_KINDS.has(kind) && /^\d+\/\d+$/.test(node.ready);
  const cells: Record<string, string> = {
    NAME: node.name,
    AGE: node.age,
    ...(counted ? { READY: node.ready, STATUS: node.status } : {}),
  };
  const obj = objectOfRow(cells, {
    kind,
    namespace: namespace ?? '',
    capture,
    podContainers: (ns, pod) => {
      const known = ctx.sink.podInfo(ns, pod)?.containers;
      return known?.length ? known : templateOf(index, tree, namespaces, ctx);
    },
  })!;
  const metadata = obj.metadata as Json;
  if (namespace === undefined) delete metadata.namespace;
  if (!BUILTIN_API_VERSIONS[kind] && node.group) obj.apiVersion = node.group;
  // READY True/False is the object's Ready condition, STATUS (REASON) its reason.
  if (CONDITION_STATUS.has(node.ready)) {
    const status = (obj.status ?? {}) as Json;
    const reason = node.status !== '' ? node.status : undefined;
    status.conditions = [compact({ type: 'Ready', status: node.ready, reason })];
    obj.status = status;
  }
  const at = ownerOf(index, tree);
  const owner = at === null ? null : tree.nodes[at]!;
  if (owner) {
    metadata.ownerReferences = [
      {
        apiVersion: BUILTIN_API_VERSIONS[owner.kind!] ?? '',
        kind: owner.kind,
        name: owner.name,
        controller: true,
      },
    ];
  }
  return obj;
}

/**
 * The row that owns the row's object: its parent, as -o wide says or as controllers own; or, in a
 * tree of dependencies (`lineage --dependencies`: a pod above its ReplicaSet), a child that owns it.
 */
function ownerOf(index: number, tree: TreeTable): number | null {
  const node = tree.nodes[index]!;
  const parent = node.parent === null ? null : tree.nodes[node.parent]!;
  if (parent?.kind && node.kind) {
    if (tree.printer === 'tree') return node.parent;
    const owns =
      node.relationships.length > 0
        ? node.relationships.some((r) => OWNER_RELATIONSHIPS.has(r))
        : OWNS[parent.kind]?.has(node.kind);
    if (owns && OWNS[parent.kind]?.has(node.kind) !== false) return node.parent;
  }
  if (tree.printer === 'tree' || !node.kind) return null;
  const child = tree.nodes.findIndex(
    (c) => c.parent === index && c.kind !== null && OWNS[c.kind]?.has(node.kind!) === true,
  );
  return child >= 0 ? child : null;
}

/** A pod's containers from its owner's template (or its owner's owner's: a Deployment's for a ReplicaSet's pod). */
function templateOf(
  index: number,
  tree: TreeTable,
  namespaces: (string | undefined)[],
  ctx: FileContext,
): string[] | undefined {
  for (let at = ownerOf(index, tree), depth = 0; at !== null && depth < 2; at = ownerOf(at, tree), depth++) {
    const owner = tree.nodes[at]!;
    const containers = ctx.sink.templateContainers(owner.kind!, namespaces[at], owner.name);
    if (containers) return containers;
  }
  return undefined;
}

/** An Event row (`Reason: message (x3)`, its age when it was created) about its parent's object. */
function eventOfNode(
  node: TreeNode,
  parent: TreeNode | null,
  parentNamespace: string | undefined,
  capture: string,
): Json | string {
  if (!parent?.kind || parent.kind === 'Event') return 'an Event row with no object above it: not imported';
  const m = /^([A-Za-z][A-Za-z0-9]*): ([\s\S]*?)(?: \(x(\d+)\))?$/.exec(node.status);
  if (!m) return `an Event row without "Reason: message" ("${node.status.slice(0, 80)}"): not imported`;
  const age = parseAge(node.age);
  return eventOf(
    {
      type: '',
      reason: m[1]!,
      lastAge: age,
      firstAge: age,
      count: m[3] ? Number(m[3]) : 1,
      from: '',
      message: m[2]!,
    },
    {
      apiVersion: BUILTIN_API_VERSIONS[parent.kind] ?? '',
      kind: parent.kind,
      name: parent.name,
      namespace: parentNamespace,
    },
    capture,
    `kubectl lineage`,
    node.name,
  );
}
