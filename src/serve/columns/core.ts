// Tables of the core kinds other than Pod: Node, Namespace, Service, Endpoints, ConfigMap, Secret,
// ServiceAccount, PersistentVolume(Claim), Event and ResourceQuota.

import { arr, type Json, rec, str } from '../../kube/fields.ts';
import { formatAccessModes } from '../../vocab/kube-print.ts';
import type { Instant } from '../instant.ts';
import { age, formatLabels, listWithMore, nameOf, num, since, text } from './format.ts';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer, wide } from './table.ts';

const NODE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'Kubelet Version reported by the node.'),
    wide('Internal-IP', 'List of addresses reachable to the node.'),
    wide('External-IP', 'List of addresses reachable to the node.'),
    wide(
      'OS-Image',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
    ),
    wide(
      'Kernel-Version',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
    ),
    wide(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
    ),
  ],
  cells(node: Json, now: Instant) {
    const spec = rec(node.spec) ?? {};
    const status = rec(node.status) ?? {};
    const info = rec(status.nodeInfo) ?? {};
    const ready = arr(status.conditions)
      .map(rec)
      .find((c) => c?.type === 'Ready');
    const states = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (spec.unschedulable === true) states.push('SchedulingDisabled');
    const roles = new Set<string>();
    for (const [k, v] of Object.entries(rec(rec(node.metadata)?.labels) ?? {})) {
      if (k.startsWith('node-role.kubernetes.io/') && k.length > 24) roles.add(k.slice(24));
      else if (k === 'kubernetes.io/role' && v) roles.add(String(v));
    }
    const address = (type: string) =>
      str(
        arr(status.addresses)
          .map(rec)
          .find((a) => a?.type === type)?.address,
      ) ?? '<none>';
    return [
      nameOf(node),
      states.join(','),
      roles.size === 0 ? '<none>' : [...roles].sort().join(','),
      age(node, now),
      text(info.kubeletVersion),
      address('InternalIP'),
      address('ExternalIP'),
      text(info.osImage, '<unknown>'),
      text(info.kernelVersion, '<unknown>'),
      text(info.containerRuntimeVersion, '<unknown>'),
    ];
  },
};

const NAMESPACE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
  cells: (ns, now) => [nameOf(ns), text(rec(ns.status)?.phase), age(ns, now)],
};

function servicePorts(ports: unknown): string {
  const out = arr(ports).map((p) => {
    const port = rec(p) ?? {};
    const protocol = text(port.protocol, 'TCP');
    return num(port.nodePort) > 0 ? `${port.port}:${port.nodePort}/${protocol}` : `${port.port}/${protocol}`;
  });
  return out.length === 0 ? '<none>' : out.join(',');
}

function externalIp(svc: Json): string {
  const spec = rec(svc.spec) ?? {};
  const external = arr(spec.externalIPs).map(String);
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [
        ...new Set(
          arr(rec(rec(svc.status)?.loadBalancer)?.ingress).map(
            (i) => text(rec(i)?.ip) || text(rec(i)?.hostname),
          ),
        ),
      ]
        .filter(Boolean)
        .sort();
      let ips = lb.join(',');
      if (ips.length > 16) ips = `${ips.slice(0, 13)}...`;
      if (external.length > 0) return [...(ips ? ips.split(',') : []), ...external].join(',');
      return ips || '<pending>';
    }
    case 'ExternalName':
      return text(spec.externalName);
    default:
      return '<unknown>';
  }
}

const SERVICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column(
      'External-IP',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
    ),
    column('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    wide('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  cells(svc, now) {
    const spec = rec(svc.spec) ?? {};
    const clusterIp = str(arr(spec.clusterIPs)[0]) ?? str(spec.clusterIP) ?? '<none>';
    return [
      nameOf(svc),
      text(spec.type, 'ClusterIP'),
      clusterIp,
      externalIp(svc),
      servicePorts(spec.ports),
      age(svc, now),
      formatLabels(spec.selector),
    ];
  },
};

const ENDPOINTS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Endpoints', 'The set of all endpoints is the union of all subsets.'),
    AGE_COLUMN,
  ],
  cells(ep, now) {
    const list: string[] = [];
    for (const subset of arr(ep.subsets).map((s) => rec(s) ?? {})) {
      const addresses = arr(subset.addresses).map((a) => text(rec(a)?.ip));
      const ports = arr(subset.ports).map((p) => rec(p) ?? {});
      if (ports.length === 0) list.push(...addresses);
      for (const port of ports)
        for (const ip of addresses)
          list.push(ip.includes(':') ? `[${ip}]:${port.port}` : `${ip}:${port.port}`);
    }
    return [nameOf(ep), listWithMore(list, 3, '<none>').replace(/^$/, '<none>'), age(ep, now)];
  },
};

const CONFIGMAP_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Data', 'Data contains the configuration data.'), AGE_COLUMN],
  cells: (cm, now) => [
    nameOf(cm),
    Object.keys(rec(cm.data) ?? {}).length + Object.keys(rec(cm.binaryData) ?? {}).length,
    age(cm, now),
  ],
};

const SECRET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'Data contains the secret data.'),
    AGE_COLUMN,
  ],
  cells: (secret, now) => [
    nameOf(secret),
    text(secret.type),
    Object.keys(rec(secret.data) ?? {}).length + Object.keys(rec(secret.stringData) ?? {}).length,
    age(secret, now),
  ],
};

const SERVICE_ACCOUNT_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Secrets', 'Secrets is a list of the secrets in the same namespace.'),
    AGE_COLUMN,
  ],
  cells: (sa, now) => [nameOf(sa), arr(sa.secrets).length, age(sa, now)],
};

function storageClassOf(obj: Json, fromSpec: unknown): string {
  return (
    str(fromSpec) ?? text(rec(rec(obj.metadata)?.annotations)?.['volume.beta.kubernetes.io/storage-class'])
  );
}

const PV_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Capacity', "capacity is the description of the persistent volume's resources and capacity."),
    column('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    column(
      'Reclaim Policy',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
    ),
    column('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    column(
      'Claim',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
    ),
    column('StorageClass', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    column('Reason', 'reason is a brief CamelCase string that describes any failure.'),
    AGE_COLUMN,
    wide(
      'VolumeMode',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
    ),
  ],
  cells(pv, now) {
    const spec = rec(pv.spec) ?? {};
    const status = rec(pv.status) ?? {};
    const claim = rec(spec.claimRef);
    return [
      nameOf(pv),
      text(rec(spec.capacity)?.storage, '0'),
      formatAccessModes(spec.accessModes),
      text(spec.persistentVolumeReclaimPolicy),
      rec(pv.metadata)?.deletionTimestamp ? 'Terminating' : text(status.phase),
      claim ? `${text(claim.namespace)}/${text(claim.name)}` : '',
      storageClassOf(pv, spec.storageClassName),
      text(spec.volumeAttributesClassName, '<unset>'),
      text(status.reason),
      age(pv, now),
      text(spec.volumeMode, '<unset>'),
    ];
  },
};

const PVC_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    wide('VolumeMode', 'volumeMode defines what type of volume is required by the claim.'),
  ],
  cells(pvc, now) {
    const spec = rec(pvc.spec) ?? {};
    const status = rec(pvc.status) ?? {};
    const bound = Boolean(str(spec.volumeName));
    return [
      nameOf(pvc),
      rec(pvc.metadata)?.deletionTimestamp ? 'Terminating' : text(status.phase),
      text(spec.volumeName),
      bound ? text(rec(status.capacity)?.storage) : '',
      bound ? formatAccessModes(status.accessModes) : '',
      storageClassOf(pvc, spec.storageClassName),
      text(spec.volumeAttributesClassName, '<unset>'),
      age(pvc, now),
      text(spec.volumeMode, '<unset>'),
    ];
  },
};

/** `component, host` or the reporting controller and instance of newer events. */
function eventSource(ev: Json): string {
  const source = rec(ev.source) ?? {};
  const component = str(source.component) ?? str(ev.reportingController) ?? str(ev.reportingComponent);
  const host = str(source.host) ?? str(ev.reportingInstance);
  if (!component) return '';
  return host ? `${component}, ${host}` : component;
}

export const EVENT_PRINTER: Printer = {
  columns: [
    column('Last Seen', 'Time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column('Object', 'The object that this event is about.'),
    wide(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
    ),
    wide('Source', 'The component reporting this event. Should be a short machine understandable string.'),
    column('Message', 'A human-readable description of the status of this operation.'),
    wide(
      'First Seen',
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
    ),
    wide('Count', 'The number of times this event has occurred.'),
    wide('Name', 'Name must be unique within a namespace.', { format: 'name' }),
  ],
  cells(ev, now) {
    const first = str(ev.firstTimestamp) ? since(ev.firstTimestamp, now) : since(ev.eventTime, now);
    let last = str(ev.lastTimestamp) ? since(ev.lastTimestamp, now) : first;
    let count = num(ev.count);
    const series = rec(ev.series);
    if (series) {
      last = since(series.lastObservedTime, now);
      count = num(series.count);
    } else if (count === 0) count = 1;
    const involved = rec(ev.involvedObject) ?? {};
    const kind = text(involved.kind).toLowerCase();
    const target = str(involved.name) ? `${kind}/${involved.name}` : kind;
    return [
      last,
      text(ev.type),
      text(ev.reason),
      target,
      text(involved.fieldPath),
      eventSource(ev),
      text(ev.message).trim(),
      first,
      count,
      nameOf(ev),
    ];
  },
};

const QUOTA_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    AGE_COLUMN,
    column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column(
      'Limit',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
  ],
  cells(quota, now) {
    const hard = rec(rec(quota.status)?.hard) ?? rec(rec(quota.spec)?.hard) ?? {};
    const used = rec(rec(quota.status)?.used) ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const key of Object.keys(hard).sort()) {
      const cell = `${key}: ${text(used[key], '0')}/${String(hard[key])}`;
      if (key.startsWith('limits.')) limits.push(cell);
      else requests.push(cell);
    }
    return [nameOf(quota), age(quota, now), requests.join(', '), limits.join(', ')];
  },
};

export const CORE_PRINTERS: Readonly<Record<string, Printer>> = {
  Node: NODE_PRINTER,
  Namespace: NAMESPACE_PRINTER,
  Service: SERVICE_PRINTER,
  Endpoints: ENDPOINTS_PRINTER,
  ConfigMap: CONFIGMAP_PRINTER,
  Secret: SECRET_PRINTER,
  ServiceAccount: SERVICE_ACCOUNT_PRINTER,
  PersistentVolume: PV_PRINTER,
  PersistentVolumeClaim: PVC_PRINTER,
  Event: EVENT_PRINTER,
  ResourceQuota: QUOTA_PRINTER,
};
