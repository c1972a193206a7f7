// What describers of every kind print alike: name, namespace, labels, annotations, creation time,
// the controller (`Controlled By: ReplicaSet/x`), label selectors, and conditions tables. Also the
// shape each kind's describer returns (see describe-kinds.ts).

import type { EventSubject } from './describe-events.ts';
import { annotationMap, child, type DescribeNode, fieldValue, labelMap, someValue } from './describe-tree.ts';
import { DESCRIBE_DATE_SOURCE, parseDescribeDate } from './time-text.ts';

export type Json = Record<string, unknown>;

/** An object rebuilt from one describe block. */
export interface DescribedObject {
  object: Json;
  /** Objects the describe names with enough to rebuild them (a Deployment's ReplicaSets, a Node's Lease). */
  related?: Json[];
  /** The time the object came to be (creation or start): its oldest event came after it. */
  since?: string;
  /** Fields that are ages before the capture (`Terminating (lasts 2m)`), set once it is known. */
  relative?: (object: Json, capture: string) => void;
  /** Containers and node, to attribute kubelet events. */
  subject?: Partial<EventSubject>;
}

/** One kind's describer, read back. */
export interface DescribeKind {
  kind: string;
  apiVersion: string;
  namespaced: boolean;
  /** Whether a block is this kind's describe, from its top-level keys. */
  matches(keys: ReadonlySet<string>, nodes: readonly DescribeNode[]): boolean;
  build(nodes: DescribeNode[]): DescribedObject;
}

// The API group of kinds a controller reference names, for ownerReferences.
const OWNER_API_VERSION: Record<string, string> = {
  ReplicaSet: 'apps/v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  ReplicationController: 'v1',
  Node: 'v1',
};

/** name, namespace, labels, annotations, creationTimestamp and the controller, as metadata. */
export function metadataOf(nodes: readonly DescribeNode[], namespaced: boolean): Json {
  const metadata: Json = { name: fieldValue(nodes, 'Name') ?? '' };
  const namespace = someValue(nodes, 'Namespace');
  if (namespaced) metadata.namespace = namespace ?? 'default';
  const created = someValue(nodes, 'CreationTimestamp');
  const createdAt = created ? parseDescribeDate(created) : null;
  if (createdAt) metadata.creationTimestamp = createdAt;
  const labels = labelMap(child(nodes, 'Labels'));
  if (labels) metadata.labels = labels;
  const annotations = annotationMap(child(nodes, 'Annotations'));
  if (annotations) metadata.annotations = annotations;
  const finalizers = someValue(nodes, 'Finalizers');
  if (finalizers && /^\[.*\]$/.test(finalizers) && finalizers !== '[]')
    metadata.finalizers = finalizers.slice(1, -1).split(' ');
  // `Controlled By: ReplicaSet/x`; kubectl before 1.8 said `Created By:` with the same value.
  const controller = someValue(nodes, 'Controlled By') ?? someValue(nodes, 'Created By');
  const m = controller ? /^(\w+)\/(.+)$/.exec(controller) : null;
  if (m) {
    const name = m[2]!.includes('/') ? m[2]!.slice(m[2]!.lastIndexOf('/') + 1) : m[2]!;
    metadata.ownerReferences = [
      { apiVersion: OWNER_API_VERSION[m[1]!] ?? 'v1', kind: m[1], name, controller: true },
    ];
  }
  return metadata;
}

/** `app=x,tier in (a,b),!legacy,env` as a LabelSelector; undefined for `<none>` or unreadable text. */
export function parseSelector(text: string | undefined): Json | undefined {
  if (text === undefined || text === '' || text === '<none>' || text === '<unset>') return undefined;
  const matchLabels: Record<string, string> = {};
  const matchExpressions: Json[] = [];
  for (const part of text.split(/,(?![^(]*\))/)) {
    const item = part.trim();
    const equal = /^([^\s=!]+)\s*==?\s*(\S*)$/.exec(item);
    const set = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(item);
    const absent = /^!(\S+)$/.exec(item);
    const present = /^([^\s=!]+)$/.exec(item);
    const notEqual = /^(\S+)\s*!=\s*(\S*)$/.exec(item);
    if (equal) matchLabels[equal[1]!] = equal[2]!;
    else if (set)
      matchExpressions.push({
        key: set[1],
        operator: set[2] === 'in' ? 'In' : 'NotIn',
        values: set[3]!.split(',').map((v) => v.trim()),
      });
    else if (absent) matchExpressions.push({ key: absent[1], operator: 'DoesNotExist' });
    else if (present) matchExpressions.push({ key: present[1], operator: 'Exists' });
    else if (notEqual) matchExpressions.push({ key: notEqual[1], operator: 'NotIn', values: [notEqual[2]] });
    else return undefined;
  }
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/** Rows of a table under `key` (header and dashes left out), each cut into cells by two or more spaces. */
export function tableRows(nodes: readonly DescribeNode[], key: string): { cells: string[]; text: string }[] {
  const section = child(nodes, key);
  if (!section) return [];
  const rows: { cells: string[]; text: string }[] = [];
  for (const row of section.children) {
    if (row.key !== null || /^-+(\s+-+)*$/.test(row.value)) continue;
    rows.push({ cells: row.value.split(/\s{2,}/), text: row.value });
  }
  // The first row is the header: `Type  Status  Reason`.
  return rows[0] && /^Type\b/.test(rows[0].text) ? rows.slice(1) : rows;
}

const STATUS = '(True|False|Unknown)';
const DATE = `(${DESCRIBE_DATE_SOURCE})`;

/**
 * A conditions table: `Type Status` (pods), `Type Status Reason` (workloads), with
 * `LastHeartbeatTime LastTransitionTime Reason Message` (nodes) or `LastProbeTime
 * LastTransitionTime Reason Message` (claims) or `LastTransitionTime Reason Message`.
 */
export function conditionsOf(nodes: readonly DescribeNode[]): Json[] {
  const section = child(nodes, 'Conditions');
  const header = section?.children.find((c) => /^Type\b/.test(c.value))?.value ?? '';
  const timeFields = header.includes('LastHeartbeatTime')
    ? ['lastHeartbeatTime', 'lastTransitionTime']
    : header.includes('LastProbeTime')
      ? ['lastProbeTime', 'lastTransitionTime']
      : header.includes('LastTransitionTime')
        ? ['lastTransitionTime']
        : [];
  const re = new RegExp(
    `^(\\S+)\\s+${STATUS}${timeFields.map(() => `\\s+${DATE}`).join('')}(?:\\s+(\\S+))?(?:\\s+(.*))?$`,
  );
  const out: Json[] = [];
  for (const { text } of tableRows(nodes, 'Conditions')) {
    const m = re.exec(text);
    if (!m) continue;
    const condition: Json = { type: m[1], status: m[2] };
    timeFields.forEach((field, i) => {
      const ts = parseDescribeDate(m[3 + i]!);
      if (ts) condition[field] = ts;
    });
    const reason = m[3 + timeFields.length];
    const message = m[4 + timeFields.length];
    if (reason) condition.reason = reason;
    if (message) condition.message = message;
    out.push(condition);
  }
  return out;
}

/** `2 desired | 1 updated | 2 total | 1 available | 1 unavailable` as numbers by word. */
export function countsOf(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of (text ?? '').matchAll(/(\d+) (\w+)(?: \((\d+) Ready\))?/g)) {
    out[m[2]!] = Number(m[1]);
    if (m[3] !== undefined) out.ready = Number(m[3]);
  }
  return out;
}

/** A whole number, or undefined. */
export function intOf(text: string | undefined): number | undefined {
  return text !== undefined && /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** `true`/`false`, or undefined. */
export function boolOf(text: string | undefined): boolean | undefined {
  const t = text?.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

/** A describe date under `key`, in bundle form. */
export function dateValue(nodes: readonly DescribeNode[], key: string): string | undefined {
  const value = someValue(nodes, key);
  return value ? (parseDescribeDate(value) ?? undefined) : undefined;
}

/** Only the fields that are set. */
export function compact(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
