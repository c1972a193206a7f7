// `kubectl describe node` read back into a core/v1 Node: conditions with heartbeats, reasons and
// messages, taints, addresses, capacity and allocatable, system info; its Lease (the kubelet's last
// renewal), and the requests and limits of the pods on it, which the Node object itself lacks.

import {
  compact,
  conditionsOf,
  type DescribedObject,
  type DescribeKind,
  dateValue,
  type Json,
  metadataOf,
} from './describe-common.ts';
import { resourceList } from './describe-containers.ts';
import { parseTaint } from './describe-pod-spec.ts';
import { child, type DescribeNode, fieldValue, listOf, someValue } from './describe-tree.ts';

/** Requests and limits of the pods on the node (`Allocated resources`), as JSON text. */
export const ALLOCATED_ANNOTATION = 'kstory.dev/allocated-resources';
/** The non-terminated pods on the node when it was described, `namespace/name` comma-separated. */
export const NODE_PODS_ANNOTATION = 'kstory.dev/non-terminated-pods';

export const describeNode: DescribeKind = {
  kind: 'Node',
  apiVersion: 'v1',
  namespaced: false,
  matches: (keys) =>
    keys.has('Roles') ||
    (keys.has('System Info') && keys.has('Capacity')) ||
    (keys.has('Taints') && keys.has('Unschedulable')),
  build: buildNode,
};

const NODE_INFO: Record<string, string> = {
  'Machine ID': 'machineID',
  'System UUID': 'systemUUID',
  'Boot ID': 'bootID',
  'Kernel Version': 'kernelVersion',
  'OS Image': 'osImage',
  'Operating System': 'operatingSystem',
  Architecture: 'architecture',
  'Container Runtime Version': 'containerRuntimeVersion',
  'Kubelet Version': 'kubeletVersion',
  'Kube-Proxy Version': 'kubeProxyVersion',
};

function buildNode(nodes: DescribeNode[]): DescribedObject {
  const metadata = metadataOf(nodes, false);
  const name = metadata.name as string;
  const taints = listOf(child(nodes, 'Taints'))
    .map(parseTaint)
    .filter((t): t is Json => t !== null);
  const podCIDRs = someValue(nodes, 'PodCIDRs');
  const spec = compact({
    podCIDR: someValue(nodes, 'PodCIDR'),
    podCIDRs: podCIDRs ? podCIDRs.split(',') : undefined,
    providerID: someValue(nodes, 'ProviderID'),
    taints: taints.length > 0 ? taints : undefined,
    unschedulable: fieldValue(nodes, 'Unschedulable') === 'true' ? true : undefined,
  });
  const addresses = (child(nodes, 'Addresses')?.children ?? [])
    .filter((c) => c.key !== null)
    .map((c) => ({ type: c.key, address: c.value }));
  const nodeInfo: Json = {};
  for (const c of child(nodes, 'System Info')?.children ?? []) {
    const field = c.key === null ? undefined : NODE_INFO[c.key];
    if (field) nodeInfo[field] = c.value;
  }
  const conditions = conditionsOf(nodes);
  const status = compact({
    conditions: conditions.length > 0 ? conditions : undefined,
    addresses: addresses.length > 0 ? addresses : undefined,
    capacity: resourceList(child(nodes, 'Capacity')),
    allocatable: resourceList(child(nodes, 'Allocatable')),
    nodeInfo: Object.keys(nodeInfo).length > 0 ? nodeInfo : undefined,
  });
  const annotations = { ...((metadata.annotations as Record<string, string> | undefined) ?? {}) };
  const allocated = allocatedOf(child(nodes, 'Allocated resources'));
  if (allocated) annotations[ALLOCATED_ANNOTATION] = JSON.stringify(allocated);
  const pods = podsOf(child(nodes, 'Non-terminated Pods'));
  if (pods.length > 0) annotations[NODE_PODS_ANNOTATION] = pods.join(',');
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  const lease = leaseOf(name, child(nodes, 'Lease'));
  return {
    object: { apiVersion: 'v1', kind: 'Node', metadata, spec, status },
    related: lease ? [lease] : undefined,
    since: metadata.creationTimestamp as string | undefined,
  };
}

/** The node's Lease in kube-node-lease: when the kubelet last renewed it, which it does every 10 s. */
function leaseOf(nodeName: string, section: DescribeNode | undefined): Json | null {
  if (!section) return null;
  const fields = section.children;
  const renewTime = dateValue(fields, 'RenewTime');
  if (!renewTime) return null;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: 'kube-node-lease' },
    spec: compact({
      holderIdentity: someValue(fields, 'HolderIdentity'),
      acquireTime: dateValue(fields, 'AcquireTime'),
      renewTime,
    }),
  };
}

/** `cpu  600m (30%)  1 (50%)` rows: requests and limits of the pods on the node, by resource. */
function allocatedOf(section: DescribeNode | undefined): Json | null {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const row of section?.children ?? []) {
    const m = /^(\S+)\s+(\S+)(?: \(\d+%\))?\s+(\S+)(?: \(\d+%\))?$/.exec(row.value);
    if (!m || m[1] === 'Resource' || m[1]!.startsWith('-')) continue;
    requests[m[1]!] = m[2]!;
    limits[m[1]!] = m[3]!;
  }
  return Object.keys(requests).length > 0 ? { requests, limits } : null;
}

/** `kube-system  coredns-5dd5756b68-j5scx  100m (5%)  0 (0%) …` rows: the pods on the node. */
function podsOf(section: DescribeNode | undefined): string[] {
  const out: string[] = [];
  for (const row of section?.children ?? []) {
    const m = /^(\S+)\s+(\S+)\s+\S+ \(\d+%\)/.exec(row.value);
    if (m) out.push(`${m[1]}/${m[2]}`);
  }
  return out;
}
