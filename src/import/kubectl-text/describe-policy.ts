// Namespace-wide policy and configuration read back from describe: Namespace (phase, conditions of a
// deletion), ResourceQuota (hard and used, a quota used up said as trouble), LimitRange (limits per
// type), StorageClass (provisioner, binding mode), and ConfigMap and Secret, of which only the
// metadata is kept (their values may be credentials).

import { compact, conditionsOf, type DescribeKind, type Json, metadataOf } from './describe-common.ts';
import { withTrouble } from './describe-routing.ts';
import { type DescribeNode, someValue } from './describe-tree.ts';

/** Whether a top-level line (no key) of the block reads `text`. */
const hasLine = (nodes: readonly DescribeNode[], re: RegExp) =>
  nodes.some((n) => n.key === null && re.test(n.value));

export const describeNamespace: DescribeKind = {
  kind: 'Namespace',
  apiVersion: 'v1',
  namespaced: false,
  matches: (keys, nodes) =>
    keys.has('Status') &&
    !keys.has('Namespace') &&
    hasLine(nodes, /^(?:No resource quota\.|Resource Quotas|No LimitRange resource\.|Resource Limits)$/),
  build: (nodes) => {
    const conditions = conditionsOf(nodes);
    return {
      object: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: metadataOf(nodes, false),
        status: compact({
          phase: someValue(nodes, 'Status'),
          conditions: conditions.length > 0 ? conditions : undefined,
        }),
      },
    };
  },
};

/** `Resource  Used  Hard` rows: the quota's hard limits and what is used of them. */
function quotaRows(nodes: readonly DescribeNode[]): { resource: string; used: string; hard: string }[] {
  const at = nodes.findIndex((n) => n.key === null && /^Resource\s+Used\s+Hard$/.test(n.value));
  if (at < 0) return [];
  const out: { resource: string; used: string; hard: string }[] = [];
  for (const n of nodes.slice(at + 1)) {
    if (n.key !== null) break;
    const m = /^(\S+)\s+(\S+)\s+(\S+)$/.exec(n.value);
    if (m && !/^-+$/.test(m[1]!)) out.push({ resource: m[1]!, used: m[2]!, hard: m[3]! });
  }
  return out;
}

export const describeResourceQuota: DescribeKind = {
  kind: 'ResourceQuota',
  apiVersion: 'v1',
  namespaced: true,
  matches: (_keys, nodes) => nodes.some((n) => n.key === null && /^Resource\s+Used\s+Hard$/.test(n.value)),
  build: (nodes) => {
    const rows = quotaRows(nodes);
    const hard = Object.fromEntries(rows.map((r) => [r.resource, r.hard]));
    const used = Object.fromEntries(rows.map((r) => [r.resource, r.used]));
    // A quota used up refuses the next pod or claim: what FailedCreate events then say.
    const full = rows.filter((r) => r.used === r.hard && r.hard !== '0');
    const trouble = full.map((r) => `QuotaUsedUp: ${r.resource} used ${r.used} of ${r.hard}`);
    return {
      object: {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: withTrouble(metadataOf(nodes, true), trouble),
        spec: { hard },
        status: { hard, used },
      },
    };
  },
};

// LimitRange columns as printed, and the field each fills.
const LIMIT_FIELDS: [string, string][] = [
  ['Min', 'min'],
  ['Max', 'max'],
  ['Default Request', 'defaultRequest'],
  ['Default Limit', 'default'],
  ['Max Limit/Request Ratio', 'maxLimitRequestRatio'],
];

export const describeLimitRange: DescribeKind = {
  kind: 'LimitRange',
  apiVersion: 'v1',
  namespaced: true,
  matches: (_keys, nodes) =>
    nodes.some((n) => n.key === null && /^Type\s+Resource\s+Min\s+Max/.test(n.value)),
  build: (nodes) => {
    const header = nodes.find((n) => n.key === null && /^Type\s+Resource\s+Min\s+Max/.test(n.value))!;
    const columns = header.value.split(/\s{2,}/);
    const byType = new Map<string, Json>();
    for (const n of nodes.slice(nodes.indexOf(header) + 1)) {
      if (n.key !== null) break;
      const cells = n.value.split(/\s+/);
      if (cells.length !== columns.length || /^-+$/.test(cells[0]!)) continue;
      const type = cells[0]!;
      const limit = byType.get(type) ?? { type };
      byType.set(type, limit);
      for (const [column, field] of LIMIT_FIELDS) {
        const value = cells[columns.indexOf(column)];
        if (value === undefined || value === '-' || columns.indexOf(column) < 0) continue;
        limit[field] = { ...((limit[field] as Json | undefined) ?? {}), [cells[1]!]: value };
      }
    }
    return {
      object: {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: metadataOf(nodes, true),
        spec: { limits: [...byType.values()] },
      },
    };
  },
};

export const describeStorageClass: DescribeKind = {
  kind: 'StorageClass',
  apiVersion: 'storage.k8s.io/v1',
  namespaced: false,
  matches: (keys) => keys.has('Provisioner') && (keys.has('ReclaimPolicy') || keys.has('VolumeBindingMode')),
  build: (nodes) => {
    const metadata = metadataOf(nodes, false);
    if (someValue(nodes, 'IsDefaultClass') === 'Yes')
      metadata.annotations = {
        ...((metadata.annotations as Json | undefined) ?? {}),
        'storageclass.kubernetes.io/is-default-class': 'true',
      };
    const expansion = someValue(nodes, 'AllowVolumeExpansion');
    return {
      object: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata,
        provisioner: someValue(nodes, 'Provisioner'),
        reclaimPolicy: someValue(nodes, 'ReclaimPolicy'),
        volumeBindingMode: someValue(nodes, 'VolumeBindingMode'),
        ...(expansion === 'True' || expansion === 'False'
          ? { allowVolumeExpansion: expansion === 'True' }
          : {}),
      },
    };
  },
};

/** `Data` over `====`: the values section of a ConfigMap or Secret. */
const hasDataSection = (nodes: readonly DescribeNode[]) =>
  nodes.some((n, i) => n.key === null && n.value === 'Data' && /^=+$/.test(nodes[i + 1]?.value ?? ''));

export const describeSecret: DescribeKind = {
  kind: 'Secret',
  apiVersion: 'v1',
  namespaced: true,
  matches: (keys, nodes) => keys.has('Type') && hasDataSection(nodes),
  build: (nodes) => ({
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: metadataOf(nodes, true),
      type: someValue(nodes, 'Type'),
    },
  }),
};

export const describeConfigMap: DescribeKind = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  namespaced: true,
  matches: (keys, nodes) => !keys.has('Type') && hasDataSection(nodes),
  build: (nodes) => ({ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadataOf(nodes, true) } }),
};
