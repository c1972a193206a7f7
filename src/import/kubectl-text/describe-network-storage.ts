// Claims, volumes and services read back from describe: PersistentVolumeClaim (phase, storage
// class, volume, access modes, the pods using it), PersistentVolume (claim, reclaim policy, source)
// and Service (type, IPs, ports, the ready endpoints it had).

import { ACCESS_MODES } from '../../vocab/kube-print.ts';
import {
  compact,
  conditionsOf,
  type DescribeKind,
  type Json,
  metadataOf,
  parseSelector,
} from './describe-common.ts';
import { child, type DescribeNode, fieldValue, listOf, someValue } from './describe-tree.ts';

/** The pods a claim was used by (`Used By:`), comma-separated. */
export const USED_BY_ANNOTATION = 'kstory.dev/used-by';

/** The access modes by the short names describe prints. */
const ACCESS_MODE_OF_SHORT: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ACCESS_MODES).map(([mode, short]) => [short, mode]),
);

function accessModesOf(text: string | undefined): string[] | undefined {
  const modes = (text ?? '')
    .split(',')
    .map((m) => ACCESS_MODE_OF_SHORT[m.trim()])
    .filter((m): m is string => m !== undefined);
  return modes.length > 0 ? modes : undefined;
}

export const describePersistentVolumeClaim: DescribeKind = {
  kind: 'PersistentVolumeClaim',
  apiVersion: 'v1',
  namespaced: true,
  matches: (keys) => keys.has('StorageClass') && keys.has('Access Modes') && !keys.has('Reclaim Policy'),
  build: (nodes) => {
    const metadata = metadataOf(nodes, true);
    const usedBy = listOf(child(nodes, 'Used By'));
    if (usedBy.length > 0)
      metadata.annotations = {
        ...((metadata.annotations as Json | undefined) ?? {}),
        [USED_BY_ANNOTATION]: usedBy.join(','),
      };
    const capacity = someValue(nodes, 'Capacity');
    const modes = accessModesOf(someValue(nodes, 'Access Modes'));
    const dataSource = child(nodes, 'DataSource');
    const conditions = conditionsOf(nodes);
    return {
      object: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata,
        spec: compact({
          storageClassName: someValue(nodes, 'StorageClass'),
          volumeName: someValue(nodes, 'Volume'),
          volumeMode: someValue(nodes, 'VolumeMode'),
          accessModes: modes,
          dataSource: dataSource
            ? compact({
                apiGroup: someValue(dataSource.children, 'APIGroup'),
                kind: someValue(dataSource.children, 'Kind'),
                name: someValue(dataSource.children, 'Name'),
              })
            : undefined,
        }),
        status: compact({
          phase: terminatingOr(someValue(nodes, 'Status')),
          capacity: capacity ? { storage: capacity } : undefined,
          accessModes: modes,
          conditions: conditions.length > 0 ? conditions : undefined,
        }),
      },
    };
  },
};

/** `Terminating (lasts 5m)` says nothing of the phase. */
function terminatingOr(status: string | undefined): string | undefined {
  return status?.startsWith('Terminating') ? undefined : status;
}

export const describePersistentVolume: DescribeKind = {
  kind: 'PersistentVolume',
  apiVersion: 'v1',
  namespaced: false,
  matches: (keys) => keys.has('Reclaim Policy') && keys.has('Claim'),
  build: (nodes) => {
    const metadata = metadataOf(nodes, false);
    const claim = /^([^/\s]+)\/(\S+)$/.exec(someValue(nodes, 'Claim') ?? '');
    const capacity = someValue(nodes, 'Capacity');
    const source = child(nodes, 'Source');
    const type = /^(\w+)/.exec(fieldValue(source?.children, 'Type') ?? '')?.[1];
    return {
      object: {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata,
        spec: compact({
          storageClassName: someValue(nodes, 'StorageClass'),
          claimRef: claim
            ? { kind: 'PersistentVolumeClaim', namespace: claim[1], name: claim[2] }
            : undefined,
          persistentVolumeReclaimPolicy: someValue(nodes, 'Reclaim Policy'),
          accessModes: accessModesOf(someValue(nodes, 'Access Modes')),
          volumeMode: someValue(nodes, 'VolumeMode'),
          capacity: capacity ? { storage: capacity } : undefined,
          ...(type ? { [VOLUME_FIELD[type] ?? fieldName(type)]: sourceFields(source!) } : {}),
        }),
        status: compact({
          phase: terminatingOr(someValue(nodes, 'Status')),
          message: someValue(nodes, 'Message'),
        }),
      },
    };
  },
};

// The PersistentVolume field of each source describe names by its type word, where it is not the word.
const VOLUME_FIELD: Record<string, string> = {
  LocalVolume: 'local',
  vSphereVolume: 'vsphereVolume',
  CephFS: 'cephfs',
  ISCSI: 'iscsi',
};

/** `FSType` → `fsType`, `VolumeHandle` → `volumeHandle`, `CSI` → `csi`. */
function fieldName(word: string): string {
  const acronym = /^([A-Z]+)([A-Z][a-z].*)$/.exec(word);
  if (acronym) return acronym[1]!.toLowerCase() + acronym[2];
  if (/^[A-Z]+$/.test(word)) return word.toLowerCase();
  return word.charAt(0).toLowerCase() + word.slice(1);
}

function sourceFields(source: DescribeNode): Json {
  const out: Json = {};
  for (const c of source.children) {
    if (c.key === null || c.key === 'Type' || c.value === '') continue;
    out[fieldName(c.key)] = c.value;
  }
  return out;
}

export const describeService: DescribeKind = {
  kind: 'Service',
  apiVersion: 'v1',
  namespaced: true,
  matches: (keys) =>
    keys.has('Session Affinity') || (keys.has('Type') && (keys.has('TargetPort') || keys.has('IP Families'))),
  build: (nodes) => {
    const metadata = metadataOf(nodes, true);
    const ports: Json[] = [];
    const endpoints: string[] = [];
    // Port, TargetPort, NodePort and Endpoints repeat per port, in that order.
    for (const node of nodes) {
      if (node.key === 'Port') {
        const m = /^(\S+)\s+(\d+)\/(\w+)$/.exec(node.value);
        if (m)
          ports.push(
            compact({ name: m[1] === '<unset>' ? undefined : m[1], port: Number(m[2]), protocol: m[3] }),
          );
      } else if (node.key === 'TargetPort' && ports.length > 0) {
        const m = /^(\S+)\/\w+$/.exec(node.value);
        if (m) ports[ports.length - 1]!.targetPort = /^\d+$/.test(m[1]!) ? Number(m[1]) : m[1];
      } else if (node.key === 'NodePort' && ports.length > 0) {
        const m = /(\d+)\/\w+$/.exec(node.value);
        if (m) ports[ports.length - 1]!.nodePort = Number(m[1]);
      } else if (node.key === 'Endpoints' && node.value !== '<none>') {
        endpoints.push(...node.value.replace(/ \+ \d+ more\.\.\.$/, '').split(','));
      }
    }
    const clusterIPs = someValue(nodes, 'IPs');
    const ipFamilies = someValue(nodes, 'IP Families');
    const ingress = someValue(nodes, 'LoadBalancer Ingress');
    return {
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: compact({
          selector: parseSelector(someValue(nodes, 'Selector'))?.matchLabels,
          type: someValue(nodes, 'Type'),
          ipFamilyPolicy: someValue(nodes, 'IP Family Policy'),
          ipFamilies: ipFamilies ? ipFamilies.split(',') : undefined,
          clusterIP: someValue(nodes, 'IP'),
          clusterIPs: clusterIPs ? clusterIPs.split(',') : undefined,
          externalIPs: someValue(nodes, 'External IPs')?.split(','),
          loadBalancerIP: someValue(nodes, 'Desired LoadBalancer IP'),
          externalName: someValue(nodes, 'External Name'),
          ports: ports.length > 0 ? ports : undefined,
          sessionAffinity: someValue(nodes, 'Session Affinity'),
          externalTrafficPolicy: someValue(nodes, 'External Traffic Policy'),
          internalTrafficPolicy: someValue(nodes, 'Internal Traffic Policy'),
        }),
        status: {
          loadBalancer: ingress
            ? {
                ingress: ingress
                  .split(/,\s*/)
                  .map((i) => (/^[\d.:a-f]+/.test(i) ? { ip: i.split(' ')[0] } : { hostname: i })),
              }
            : {},
        },
      },
      related: endpointsOf(metadata, endpoints, ports),
    };
  },
};

/**
 * The Endpoints of the service as describe listed them: ready addresses only (describe leaves out
 * the others), at most three and `+ N more...`, so the list is a floor, not the whole set.
 */
function endpointsOf(metadata: Json, endpoints: string[], ports: Json[]): Json[] | undefined {
  const addresses = [...new Set(endpoints.map((e) => e.replace(/:\d+$/, '')))].filter((ip) => ip !== '');
  if (ports.length === 0) return undefined;
  return [
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: metadata.name, namespace: metadata.namespace },
      subsets: addresses.length > 0 ? [{ addresses: addresses.map((ip) => ({ ip })) }] : [],
    },
  ];
}
