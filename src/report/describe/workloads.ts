// `kubectl describe deployment` and `describe node`: replicas and rollout strategy with the old and
// new ReplicaSets; a node's conditions, addresses, capacity, the pods it ran and what they requested.

import type { DescribeInput } from '../../serve/describe.ts';
import { formatLabelSelector } from '../../vocab/kube-print.ts';
import { conditionsTable, eventsTable, labelsAndAnnotations, rfc1123, since, sortedPairs } from './common.ts';
import { arr, type Json, rec, str } from './fields.ts';
import { DescribeWriter } from './writer.ts';

/** `Pod Template:` and what it holds, as the describers of workloads and Jobs print it. */
export function templateLines(w: DescribeWriter, template: Json): void {
  const metadata = rec(template.metadata) ?? {};
  const spec = rec(template.spec) ?? {};
  w.line(0, 'Pod Template:');
  w.list(1, 'Labels', sortedPairs(metadata.labels));
  if (str(spec.serviceAccountName)) w.field(1, 'Service Account', String(spec.serviceAccountName));
  w.line(1, 'Containers:');
  for (const c of arr(spec.containers).map((x) => rec(x) ?? {})) {
    w.line(2, `${String(c.name)}:`);
    w.field(3, 'Image', str(c.image));
    const ports = arr(c.ports).map((p) => `${rec(p)?.containerPort}/${rec(p)?.protocol ?? 'TCP'}`);
    w.field(3, 'Port', ports.length > 0 ? ports.join(', ') : '<none>');
    w.field(
      3,
      'Host Port',
      ports.length > 0 ? ports.map((p) => `0/${p.split('/')[1]}`).join(', ') : '<none>',
    );
    const resources = rec(c.resources) ?? {};
    for (const [key, title] of [
      ['limits', 'Limits'],
      ['requests', 'Requests'],
    ] as const) {
      const entries = Object.entries(rec(resources[key]) ?? {}).sort();
      if (entries.length === 0) continue;
      w.line(3, `${title}:`);
      for (const [k, v] of entries) w.line(4, `${k}:`, String(v));
    }
    const env = arr(c.env).map((e) => rec(e) ?? {});
    w.field(3, 'Environment', env.length === 0 ? '<none>' : env.map((e) => String(e.name)).join(', '));
    const mounts = arr(c.volumeMounts).map((m) => rec(m) ?? {});
    if (mounts.length === 0) w.field(3, 'Mounts', '<none>');
    else {
      w.line(3, 'Mounts:');
      for (const m of mounts)
        w.line(4, `${String(m.mountPath)} from ${String(m.name)} (${m.readOnly === true ? 'ro' : 'rw'})`);
    }
  }
  const volumes = arr(spec.volumes).map((v) => rec(v) ?? {});
  if (volumes.length === 0) w.field(1, 'Volumes', '<none>');
  else {
    w.line(1, 'Volumes:');
    for (const v of volumes) w.line(2, `${String(v.name)}:`, Object.keys(v).find((k) => k !== 'name') ?? '');
  }
  w.list(1, 'Node-Selectors', sortedPairs(spec.nodeSelector));
  w.list(
    1,
    'Tolerations',
    arr(spec.tolerations).map((t) => String(rec(t)?.key ?? '')),
  );
}

function replicaSetLine(rs: Json): string {
  const status = rec(rs.status) ?? {};
  const spec = rec(rs.spec) ?? {};
  return `${String(rec(rs.metadata)?.name)} (${Number(status.replicas ?? 0)}/${Number(spec.replicas ?? 0)} replicas created)`;
}

export function describeDeployment({ object: d, events, at, related }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(d.metadata) ?? {};
  const spec = rec(d.spec) ?? {};
  const status = rec(d.status) ?? {};
  w.field(0, 'Name', str(metadata.name));
  w.field(0, 'Namespace', str(metadata.namespace));
  w.field(0, 'CreationTimestamp', rfc1123(metadata.creationTimestamp));
  labelsAndAnnotations(w, d);
  w.field(0, 'Selector', formatLabelSelector(spec.selector));
  const replicas = Number(status.replicas ?? 0);
  w.field(
    0,
    'Replicas',
    `${Number(spec.replicas ?? 0)} desired | ${Number(status.updatedReplicas ?? 0)} updated | ${replicas} total | ${Number(status.availableReplicas ?? 0)} available | ${Number(status.unavailableReplicas ?? 0)} unavailable`,
  );
  const strategy = rec(spec.strategy) ?? {};
  w.field(0, 'StrategyType', str(strategy.type) ?? 'RollingUpdate');
  w.field(0, 'MinReadySeconds', Number(spec.minReadySeconds ?? 0));
  const rolling = rec(strategy.rollingUpdate);
  if (rolling)
    w.field(
      0,
      'RollingUpdateStrategy',
      `${rolling.maxUnavailable ?? '25%'} max unavailable, ${rolling.maxSurge ?? '25%'} max surge`,
    );
  templateLines(w, rec(spec.template) ?? {});
  conditionsTable(w, 0, status.conditions, ['Type', 'Status', 'Reason']);
  // The new ReplicaSet runs the deployment's current template; the others are old.
  const sets = related.replicaSets ?? [];
  const revision = (o: Json) =>
    Number(rec(rec(o.metadata)?.annotations)?.['deployment.kubernetes.io/revision'] ?? 0);
  const current = revision(d);
  const newest = sets.find((rs) => revision(rs) === current && current > 0) ?? null;
  const old = sets.filter(
    (rs) => rs !== newest && Number(rec(rs.spec)?.replicas ?? 0) + Number(rec(rs.status)?.replicas ?? 0) > 0,
  );
  w.field(0, 'OldReplicaSets', old.length === 0 ? '<none>' : old.map(replicaSetLine).join(', '));
  w.field(0, 'NewReplicaSet', newest ? replicaSetLine(newest) : '<none>');
  eventsTable(w, events, at);
  return w.toString();
}

function quantityText(value: number, memory: boolean): string {
  if (memory) {
    if (value === 0) return '0';
    for (const [unit, size] of [
      ['Gi', 1024 ** 3],
      ['Mi', 1024 ** 2],
      ['Ki', 1024],
    ] as const) {
      if (value % size === 0) return `${value / size}${unit}`;
    }
    return String(Math.round(value));
  }
  return value % 1000 === 0 ? String(value / 1000) : `${Math.round(value)}m`;
}

/** `200m (10%)`: a request or limit and its share of what the node can give. */
function share(value: number, of: number, memory: boolean): string {
  return `${quantityText(value, memory)} (${of > 0 ? Math.floor((value / of) * 100) : 0}%)`;
}

export function describeNode({ object: node, events, at, related }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(node.metadata) ?? {};
  const spec = rec(node.spec) ?? {};
  const status = rec(node.status) ?? {};
  const roles = Object.keys(rec(metadata.labels) ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice(24));
  w.field(0, 'Name', str(metadata.name));
  w.field(0, 'Roles', roles.length > 0 ? roles.sort().join(',') : '<none>');
  labelsAndAnnotations(w, node);
  w.field(0, 'CreationTimestamp', rfc1123(metadata.creationTimestamp));
  const taints = arr(spec.taints).map((t) => {
    const x = rec(t) ?? {};
    return `${x.key}${str(x.value) ? `=${x.value}` : ''}:${x.effect}`;
  });
  w.list(0, 'Taints', taints);
  w.field(0, 'Unschedulable', spec.unschedulable === true ? 'true' : 'false');
  conditionsTable(w, 0, status.conditions, [
    'Type',
    'Status',
    'LastHeartbeatTime',
    'LastTransitionTime',
    'Reason',
    'Message',
  ]);
  w.line(0, 'Addresses:');
  for (const a of arr(status.addresses).map((x) => rec(x) ?? {}))
    w.line(1, `${String(a.type)}:`, String(a.address ?? ''));
  for (const [key, title] of [
    ['capacity', 'Capacity'],
    ['allocatable', 'Allocatable'],
  ] as const) {
    w.line(0, `${title}:`);
    for (const [k, v] of Object.entries(rec(status[key]) ?? {}).sort()) w.line(1, `${k}:`, String(v));
  }
  const info = rec(status.nodeInfo) ?? {};
  w.line(0, 'System Info:');
  for (const [key, title] of [
    ['machineID', 'Machine ID'],
    ['systemUUID', 'System UUID'],
    ['bootID', 'Boot ID'],
    ['kernelVersion', 'Kernel Version'],
    ['osImage', 'OS Image'],
    ['operatingSystem', 'Operating System'],
    ['architecture', 'Architecture'],
    ['containerRuntimeVersion', 'Container Runtime Version'],
    ['kubeletVersion', 'Kubelet Version'],
  ] as const) {
    w.line(1, `${title}:`, String(info[key] ?? ''));
  }
  if (str(spec.podCIDR)) w.field(0, 'PodCIDR', String(spec.podCIDR));
  const usage = related.usage ?? { allocatable: { cpuMilli: 0, memoryBytes: 0 }, pods: [] };
  const { cpuMilli, memoryBytes } = usage.allocatable;
  w.line(0, 'Non-terminated Pods:', `(${usage.pods.length} in total)`);
  w.line(1, 'Namespace', 'Name', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age');
  w.line(1, '---------', '----', '------------', '----------', '---------------', '-------------', '---');
  for (const p of usage.pods) {
    w.line(
      1,
      p.namespace,
      p.name,
      share(p.cpuRequestMilli, cpuMilli, false),
      share(p.cpuLimitMilli, cpuMilli, false),
      share(p.memoryRequestBytes, memoryBytes, true),
      share(p.memoryLimitBytes, memoryBytes, true),
      since(p.created, at),
    );
  }
  const total = (key: 'cpuRequestMilli' | 'cpuLimitMilli' | 'memoryRequestBytes' | 'memoryLimitBytes') =>
    usage.pods.reduce((sum, p) => sum + p[key], 0);
  w.line(0, 'Allocated resources:');
  w.line(1, '(Total limits may be over 100 percent, i.e., overcommitted.)');
  w.line(1, 'Resource', 'Requests', 'Limits');
  w.line(1, '--------', '--------', '------');
  w.line(
    1,
    'cpu',
    share(total('cpuRequestMilli'), cpuMilli, false),
    share(total('cpuLimitMilli'), cpuMilli, false),
  );
  w.line(
    1,
    'memory',
    share(total('memoryRequestBytes'), memoryBytes, true),
    share(total('memoryLimitBytes'), memoryBytes, true),
  );
  eventsTable(w, events, at);
  return w.toString();
}
