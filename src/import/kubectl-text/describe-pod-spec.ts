// What a pod's describe and a workload's pod template share: containers, volumes, node selectors and
// tolerations, turned back into a core/v1 PodSpec; and the taints of a node's describe.

import { describedContainers } from './describe-containers.ts';
import { child, type DescribeNode, fieldValue, labelMap, listOf, someValue } from './describe-tree.ts';

type Json = Record<string, unknown>;

/** A PodSpec from the sections a describe prints at `nodes`' level, and the container statuses. */
export function describedPodSpec(nodes: DescribeNode[]): {
  spec: Json;
  statuses: Json[];
  initStatuses: Json[];
} {
  const spec: Json = {};
  const init = describedContainers(child(nodes, 'Init Containers'));
  const main = describedContainers(child(nodes, 'Containers'));
  if (init.specs.length > 0) spec.initContainers = init.specs;
  spec.containers = main.specs;
  const volumes = volumesOf(child(nodes, 'Volumes'));
  if (volumes.length > 0) spec.volumes = volumes;
  const selector = labelMap(child(nodes, 'Node-Selectors'));
  if (selector) spec.nodeSelector = selector;
  const tolerations = listOf(child(nodes, 'Tolerations')).map(parseToleration);
  if (tolerations.length > 0) spec.tolerations = tolerations;
  const serviceAccount = someValue(nodes, 'Service Account');
  if (serviceAccount) spec.serviceAccountName = serviceAccount;
  const priorityClass = someValue(nodes, 'Priority Class Name');
  if (priorityClass) spec.priorityClassName = priorityClass;
  return { spec, statuses: main.statuses, initStatuses: init.statuses };
}

// `ConfigMap (a volume populated by a ConfigMap)`: the first word names the volume source.
const VOLUME_SOURCES: Record<string, (f: DescribeNode[]) => [string, Json]> = {
  HostPath: (f) => ['hostPath', pick(f, { Path: 'path', HostPathType: 'type' })],
  EmptyDir: (f) => ['emptyDir', pick(f, { Medium: 'medium', SizeLimit: 'sizeLimit' })],
  Secret: (f) => ['secret', { ...pick(f, { SecretName: 'secretName' }), ...flag(f, 'Optional', 'optional') }],
  ConfigMap: (f) => ['configMap', { ...pick(f, { Name: 'name' }), ...flag(f, 'Optional', 'optional') }],
  PersistentVolumeClaim: (f) => [
    'persistentVolumeClaim',
    { ...pick(f, { ClaimName: 'claimName' }), ...flag(f, 'ReadOnly', 'readOnly') },
  ],
  Projected: (f) => ['projected', { sources: projectedSources(f) }],
  NFS: (f) => ['nfs', { ...pick(f, { Server: 'server', Path: 'path' }), ...flag(f, 'ReadOnly', 'readOnly') }],
  CSI: (f) => ['csi', pick(f, { Driver: 'driver', FSType: 'fsType' })],
  DownwardAPI: () => ['downwardAPI', {}],
  EphemeralVolume: () => ['ephemeral', {}],
};

function volumesOf(section: DescribeNode | undefined): Json[] {
  const out: Json[] = [];
  for (const node of section?.children ?? []) {
    if (node.key === null) continue;
    const type = fieldValue(node.children, 'Type') ?? '';
    const word = /^(\w+)/.exec(type)?.[1] ?? '';
    const source = VOLUME_SOURCES[word];
    if (source) {
      const [field, value] = source(node.children);
      out.push({ name: node.key, [field]: value });
    } else {
      // A source kstory does not name field by field: the volume is still there, with its type.
      out.push({ name: node.key, ...(word ? { [word.charAt(0).toLowerCase() + word.slice(1)]: {} } : {}) });
    }
  }
  return out;
}

function projectedSources(fields: DescribeNode[]): Json[] {
  const out: Json[] = [];
  for (const f of fields) {
    if (f.key === 'TokenExpirationSeconds')
      out.push({ serviceAccountToken: { expirationSeconds: Number(f.value) } });
    else if (f.key === 'ConfigMapName') out.push({ configMap: { name: f.value } });
    else if (f.key === 'SecretName') out.push({ secret: { name: f.value } });
    else if (f.key === 'DownwardAPI' && f.value === 'true') out.push({ downwardAPI: {} });
  }
  return out;
}

function pick(fields: DescribeNode[], keys: Record<string, string>): Json {
  const out: Json = {};
  for (const [key, field] of Object.entries(keys)) {
    const value = someValue(fields, key);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function flag(fields: DescribeNode[], key: string, field: string): Json {
  const value = fieldValue(fields, key);
  return value === 'true' || value === 'false' ? { [field]: value === 'true' } : {};
}

/** `node.kubernetes.io/not-ready:NoExecute op=Exists for 300s`, `key=value:NoSchedule`, `op=Exists`. */
export function parseToleration(text: string): Json {
  let rest = text.trim();
  const out: Json = {};
  const seconds = / for (\d+)s$/.exec(rest);
  if (seconds) {
    out.tolerationSeconds = Number(seconds[1]);
    rest = rest.slice(0, seconds.index);
  }
  if (/(^| )op=Exists$/.test(rest)) {
    out.operator = 'Exists';
    rest = rest.replace(/ ?op=Exists$/, '');
  } else {
    out.operator = 'Equal';
  }
  const colon = rest.lastIndexOf(':');
  const effect = colon >= 0 ? rest.slice(colon + 1) : '';
  const keyValue = colon >= 0 ? rest.slice(0, colon) : rest;
  if (effect) out.effect = effect;
  const eq = keyValue.indexOf('=');
  if (eq >= 0) {
    out.key = keyValue.slice(0, eq);
    out.value = keyValue.slice(eq + 1);
  } else if (keyValue) {
    out.key = keyValue;
  }
  return out;
}

/** `node-role.kubernetes.io/control-plane:NoSchedule`, `dedicated=gpu:NoExecute`. */
export function parseTaint(text: string): Json | null {
  const m = /^([^=:\s]+)(?:=([^:\s]*))?:(\w+)$/.exec(text.trim());
  if (!m) return null;
  return { key: m[1], ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3] };
}
