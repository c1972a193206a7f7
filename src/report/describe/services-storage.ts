// `kubectl describe service`, `describe pvc` and `describe pv`: a Service's type, ports and the
// ready endpoints behind each; a claim's phase, class, volume and the pods using it; a volume's
// claim, reclaim policy, phase and what backs it.

import type { DescribeInput } from '../../serve/describe.ts';
import { formatAccessModes, formatLabels } from '../../vocab/kube-print.ts';
import { eventsTable, labelsAndAnnotations, rfc1123, since } from './common.ts';
import { arr, type Json, rec, str } from './fields.ts';
import { DescribeWriter } from './writer.ts';

/** kubectl prints at most this many endpoints per port, then `+ N more...`. */
const MAX_ENDPOINTS = 3;

/** `10.42.1.7:8080,10.42.2.9:8080`: the ready addresses behind a service port, `<none>` without. */
function endpointsOf(endpoints: Json | undefined, portName: string): string {
  const list: string[] = [];
  for (const subset of arr(endpoints?.subsets).map((s) => rec(s) ?? {})) {
    const ports = arr(subset.ports).map((p) => rec(p) ?? {});
    const port =
      ports.find((p) => String(p.name ?? '') === portName) ?? (ports.length === 1 ? ports[0] : null);
    if (!port) continue;
    for (const a of arr(subset.addresses))
      list.push(`${String(rec(a)?.ip ?? '')}:${String(port.port ?? '')}`);
  }
  if (list.length === 0) return '<none>';
  const shown = list.slice(0, MAX_ENDPOINTS).join(',');
  return list.length > MAX_ENDPOINTS ? `${shown} + ${list.length - MAX_ENDPOINTS} more...` : shown;
}

export function describeService({ object: svc, events, at, related }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(svc.metadata) ?? {};
  const spec = rec(svc.spec) ?? {};
  w.field(0, 'Name', str(metadata.name));
  w.field(0, 'Namespace', str(metadata.namespace));
  labelsAndAnnotations(w, svc);
  w.field(0, 'Selector', formatLabels(spec.selector));
  w.field(0, 'Type', str(spec.type) ?? 'ClusterIP');
  if (str(spec.ipFamilyPolicy)) w.field(0, 'IP Family Policy', String(spec.ipFamilyPolicy));
  const families = arr(spec.ipFamilies).map(String);
  if (families.length > 0) w.field(0, 'IP Families', families.join(','));
  w.field(0, 'IP', str(spec.clusterIP));
  const ips = arr(spec.clusterIPs).map(String);
  if (ips.length > 0) w.field(0, 'IPs', ips.join(','));
  const external = arr(spec.externalIPs).map(String);
  if (external.length > 0) w.field(0, 'External IPs', external.join(','));
  if (str(spec.loadBalancerIP)) w.field(0, 'Desired LoadBalancer IP', String(spec.loadBalancerIP));
  if (str(spec.externalName)) w.field(0, 'External Name', String(spec.externalName));
  const ingress = arr(rec(rec(svc.status)?.loadBalancer)?.ingress).map((i) => {
    const x = rec(i) ?? {};
    return String(x.ip ?? x.hostname ?? '');
  });
  if (ingress.length > 0) w.field(0, 'LoadBalancer Ingress', ingress.join(', '));
  for (const p of arr(spec.ports).map((x) => rec(x) ?? {})) {
    const name = str(p.name) ?? '<unset>';
    const protocol = String(p.protocol ?? 'TCP');
    w.line(0, 'Port:', name, `${String(p.port ?? '')}/${protocol}`);
    w.field(0, 'TargetPort', `${String(p.targetPort ?? p.port ?? '')}/${protocol}`);
    if (p.nodePort !== undefined) w.line(0, 'NodePort:', name, `${String(p.nodePort)}/${protocol}`);
    w.field(0, 'Endpoints', endpointsOf(related.endpoints, String(p.name ?? '')));
  }
  w.field(0, 'Session Affinity', str(spec.sessionAffinity) ?? 'None');
  if (str(spec.externalTrafficPolicy))
    w.field(0, 'External Traffic Policy', String(spec.externalTrafficPolicy));
  if (str(spec.internalTrafficPolicy))
    w.field(0, 'Internal Traffic Policy', String(spec.internalTrafficPolicy));
  if (spec.healthCheckNodePort !== undefined)
    w.field(0, 'HealthCheck NodePort', String(spec.healthCheckNodePort));
  eventsTable(w, events, at);
  return w.toString();
}

/** `Status:` of a claim or volume: `Terminating (lasts 2m)` once deleted, else its phase. */
function phaseOf(obj: Json, at: DescribeInput['at']): string {
  const deleted = rec(obj.metadata)?.deletionTimestamp;
  if (str(deleted)) return `Terminating (lasts ${since(deleted, at)})`;
  return String(rec(obj.status)?.phase ?? '');
}

function finalizers(obj: Json): string {
  return `[${arr(rec(obj.metadata)?.finalizers).map(String).join(' ')}]`;
}

export function describePersistentVolumeClaim({ object: pvc, events, at, related }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(pvc.metadata) ?? {};
  const spec = rec(pvc.spec) ?? {};
  const status = rec(pvc.status) ?? {};
  w.field(0, 'Name', str(metadata.name));
  w.field(0, 'Namespace', str(metadata.namespace));
  w.line(0, 'StorageClass:', String(spec.storageClassName ?? ''));
  w.line(0, 'Status:', phaseOf(pvc, at));
  w.line(0, 'Volume:', String(spec.volumeName ?? ''));
  labelsAndAnnotations(w, pvc);
  w.line(0, 'Finalizers:', finalizers(pvc));
  // A claim shows what it got once bound; before that, nothing.
  const bound = str(spec.volumeName) !== null;
  w.line(0, 'Capacity:', bound ? String(rec(status.capacity)?.storage ?? '') : '');
  w.line(0, 'Access Modes:', bound ? formatAccessModes(status.accessModes) : '');
  if (str(spec.volumeMode)) w.field(0, 'VolumeMode', String(spec.volumeMode));
  const source = rec(spec.dataSource);
  if (source) {
    w.line(0, 'DataSource:');
    if (str(source.apiGroup)) w.field(1, 'APIGroup', String(source.apiGroup));
    w.field(1, 'Kind', str(source.kind));
    w.field(1, 'Name', str(source.name));
  }
  w.list(
    0,
    'Used By',
    (related.pods ?? []).map((p) => String(rec(p.metadata)?.name ?? '')),
  );
  const conditions = arr(status.conditions).map((c) => rec(c) ?? {});
  if (conditions.length > 0) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status', 'LastProbeTime', 'LastTransitionTime', 'Reason', 'Message');
    w.line(1, '----', '------', '-----------------', '------------------', '------', '-------');
    for (const c of conditions)
      w.line(
        1,
        String(c.type ?? ''),
        String(c.status ?? ''),
        rfc1123(c.lastProbeTime ?? '0001-01-01T00:00:00Z'),
        rfc1123(c.lastTransitionTime),
        String(c.reason ?? ''),
        String(c.message ?? ''),
      );
  }
  eventsTable(w, events, at);
  return w.toString();
}

// How kubectl names each volume source on its `Type:` line, and the fields it prints of it.
const SOURCES: Record<string, { type: string; fields: [string, string][] }> = {
  hostPath: {
    type: 'HostPath (bare host directory volume)',
    fields: [
      ['path', 'Path'],
      ['type', 'HostPathType'],
    ],
  },
  nfs: {
    type: 'NFS (an NFS mount that lasts the lifetime of a pod)',
    fields: [
      ['server', 'Server'],
      ['path', 'Path'],
      ['readOnly', 'ReadOnly'],
    ],
  },
  local: {
    type: 'LocalVolume (a persistent volume backed by local storage on a node)',
    fields: [['path', 'Path']],
  },
  csi: {
    type: 'CSI (a Container Storage Interface (CSI) volume source)',
    fields: [
      ['driver', 'Driver'],
      ['fsType', 'FSType'],
      ['volumeHandle', 'VolumeHandle'],
      ['readOnly', 'ReadOnly'],
    ],
  },
};

export function describePersistentVolume({ object: pv, events, at }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(pv.metadata) ?? {};
  const spec = rec(pv.spec) ?? {};
  const status = rec(pv.status) ?? {};
  w.field(0, 'Name', str(metadata.name));
  labelsAndAnnotations(w, pv);
  w.line(0, 'Finalizers:', finalizers(pv));
  w.line(0, 'StorageClass:', String(spec.storageClassName ?? ''));
  w.line(0, 'Status:', phaseOf(pv, at));
  const claim = rec(spec.claimRef);
  w.line(0, 'Claim:', claim ? `${String(claim.namespace ?? '')}/${String(claim.name ?? '')}` : '');
  w.line(0, 'Reclaim Policy:', String(spec.persistentVolumeReclaimPolicy ?? ''));
  w.line(0, 'Access Modes:', formatAccessModes(spec.accessModes));
  if (str(spec.volumeMode)) w.field(0, 'VolumeMode', String(spec.volumeMode));
  w.line(0, 'Capacity:', String(rec(spec.capacity)?.storage ?? ''));
  w.field(0, 'Node Affinity', rec(spec.nodeAffinity) ? 'Required Terms:' : '<none>');
  w.line(0, 'Message:', String(status.message ?? ''));
  w.line(0, 'Source:');
  const key = Object.keys(SOURCES).find((k) => rec(spec[k]));
  if (key) {
    const source = rec(spec[key]) ?? {};
    // kubectl prints a volume's source two levels in.
    w.field(2, 'Type', SOURCES[key]!.type);
    for (const [field, title] of SOURCES[key]!.fields)
      w.line(2, `${title}:`, String(source[field] ?? (field === 'readOnly' ? 'false' : '')));
  } else w.line(1, '<unknown>');
  eventsTable(w, events, at);
  return w.toString();
}
