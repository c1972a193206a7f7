// The record benchmark's inputs, from the seeded generator (bench/lib/gen/), as the API server sends
// them (`{"type":"MODIFIED","object":{...}}` lines, managedFields included), and the objects a list
// returns before the watches. Two inputs:
//   pods   Pod watch events only: the largest objects a cluster churns, the worst case per event.
//   mixed  what a busy cluster's watches deliver (see mixedInput below).
// Saved once in the work dir, reused when it matches.

import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { FakeResource } from '../../test/support/fake-apiserver.ts';
import type { Json } from './gen/kube.ts';
import { generateObservations } from './gen/simulation.ts';
import { GENERATOR_VERSION } from './input.ts';

export type RecordInputKind = 'pods' | 'mixed';

export interface RecordInputManifest {
  generator: string;
  /** Which input: Pods only, or the mix of a busy cluster. */
  input: RecordInputKind;
  seed: number;
  /** Watch events in the stream file. */
  events: number;
  /** Objects in the lists the recorder gets first. */
  listed: number;
  managedFields: boolean;
  bytes: number;
  eventBytes: { mean: number; p10: number; p50: number; p90: number };
  types: Record<string, number>;
  /** Watch events and their mean size per kind. */
  kinds?: Record<string, { events: number; meanBytes: number }>;
  generateSeconds: number;
}

export interface RecordInput {
  /** Watch event lines, each after the resource it belongs to and a tab (`pods\t{...}`). */
  stream: string;
  /** JSON array of the listed objects. */
  listed: string;
  manifest: RecordInputManifest;
}

/** Bump when what is written changes, so that cached inputs are regenerated. */
const INPUT_VERSION = 3;

/** The resources the inputs stream, beyond the fake API server's built-in ones. */
export const EXTRA_RESOURCES: FakeResource[] = [
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
];

const RESOURCE_OF_KIND: Record<string, string> = {
  Pod: 'pods',
  Event: 'events',
  ConfigMap: 'configmaps',
  Node: 'nodes',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Service: 'services',
  Endpoints: 'endpoints',
  EndpointSlice: 'endpointslices',
};

/**
 * What the API server adds to every Pod: the field ownership of the ReplicaSet controller (spec) and
 * of the kubelet (status), about 1.5 KB for a pod with two containers. The recorder drops it.
 */
function managedFieldsOf(pod: Json): Json[] {
  const metadata = pod.metadata as Json;
  const spec = pod.spec as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  const status = pod.status as { podIP?: string; containerStatuses?: unknown[] } | undefined;
  const owner = (metadata.ownerReferences as { uid: string }[] | undefined)?.[0]?.uid ?? '';
  const container = (c: { name: string }) => [
    `k:{"name":"${c.name}"}`,
    {
      '.': {},
      'f:env': {},
      'f:image': {},
      'f:imagePullPolicy': {},
      'f:name': {},
      'f:ports': {},
      'f:readinessProbe': { '.': {}, 'f:failureThreshold': {}, 'f:httpGet': {}, 'f:periodSeconds': {} },
      'f:resources': { '.': {}, 'f:limits': {}, 'f:requests': {} },
      'f:terminationMessagePath': {},
      'f:terminationMessagePolicy': {},
      'f:volumeMounts': {},
    },
  ];
  const created = String(metadata.creationTimestamp);
  return [
    {
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:generateName': {},
          'f:labels': { '.': {}, 'f:app.kubernetes.io/name': {}, 'f:pod-template-hash': {} },
          'f:ownerReferences': { '.': {}, [`k:{"uid":"${owner}"}`]: {} },
        },
        'f:spec': {
          'f:containers': Object.fromEntries((spec.containers ?? []).map(container)),
          ...(spec.initContainers
            ? { 'f:initContainers': Object.fromEntries(spec.initContainers.map(container)) }
            : {}),
          'f:dnsPolicy': {},
          'f:enableServiceLinks': {},
          'f:restartPolicy': {},
          'f:schedulerName': {},
          'f:securityContext': {},
          'f:terminationGracePeriodSeconds': {},
          'f:volumes': {},
        },
      },
      manager: 'kube-controller-manager',
      operation: 'Update',
      time: created,
    },
    ...(status?.containerStatuses
      ? [
          {
            apiVersion: 'v1',
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:status': {
                'f:conditions': {
                  'k:{"type":"ContainersReady"}': {
                    '.': {},
                    'f:lastTransitionTime': {},
                    'f:status': {},
                    'f:type': {},
                  },
                  'k:{"type":"Initialized"}': {
                    '.': {},
                    'f:lastTransitionTime': {},
                    'f:status': {},
                    'f:type': {},
                  },
                  'k:{"type":"Ready"}': { '.': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} },
                },
                'f:containerStatuses': {},
                'f:hostIP': {},
                'f:hostIPs': {},
                'f:phase': {},
                'f:podIP': {},
                'f:podIPs': { '.': {}, [`k:{"ip":"${status.podIP ?? ''}"}`]: { '.': {}, 'f:ip': {} } },
                'f:startTime': {},
              },
            },
            manager: 'kubelet',
            operation: 'Update',
            subresource: 'status',
            time: created,
          },
        ]
      : []),
  ];
}

/**
 * The field ownership of any other object, as the API server records it: one entry for what its
 * writer set (metadata labels and annotations, spec or the object's own fields), and one for the
 * controller that writes its status. Built from the object's own fields, two levels deep, as FieldsV1
 * is; a few hundred bytes to a couple of KB, as on a real cluster.
 */
function genericManagedFields(object: Json): Json[] {
  const kind = String(object.kind);
  const metadata = object.metadata as Json;
  const time = String(metadata.creationTimestamp);
  const fields = (value: unknown, depth: number): Json => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || depth === 0) return {};
    const out: Json = { '.': {} };
    for (const [key, child] of Object.entries(value)) out[`f:${key}`] = fields(child, depth - 1);
    return out;
  };
  const { status, metadata: _metadata, kind: _kind, apiVersion, ...own } = object;
  const ownedMetadata: Json = {};
  for (const key of ['labels', 'annotations', 'ownerReferences', 'generateName'] as const)
    if (metadata[key] !== undefined) ownedMetadata[`f:${key}`] = fields(metadata[key], 1);
  const manager =
    kind === 'Event'
      ? String((object.source as Json | undefined)?.component || 'kubelet')
      : kind === 'Deployment' || kind === 'Service' || kind === 'ConfigMap'
        ? 'helm'
        : kind === 'Node'
          ? 'kubelet'
          : 'kube-controller-manager';
  const entries: Json[] = [
    {
      apiVersion,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': ownedMetadata, ...fields(own, 3) },
      manager,
      operation: 'Update',
      time,
    },
  ];
  if (status !== undefined && kind !== 'Service') {
    entries.push({
      apiVersion,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': fields(status, 3) },
      manager: kind === 'Node' ? 'kubelet' : 'kube-controller-manager',
      operation: 'Update',
      subresource: 'status',
      time,
    });
  }
  return entries;
}

function withManagedFields(object: Json): Json {
  const metadata = object.metadata as Json;
  const managedFields = object.kind === 'Pod' ? managedFieldsOf(object) : genericManagedFields(object);
  // Last in ObjectMeta, as the API server writes it.
  return { ...object, metadata: { ...metadata, managedFields } };
}

/**
 * Top-level fields in the order the API server writes them (Go struct order: kind, apiVersion,
 * metadata first), which the generator, writing them sorted, does not follow. Pods already start
 * with apiVersion, kind, metadata: the Pods input is left as it always was.
 */
function inApiServerOrder(object: Json): Json {
  const { kind, apiVersion, metadata, ...rest } = object;
  return { kind, apiVersion, metadata, ...rest };
}

/** One derived object per Service: what the endpoints controllers write as its pods come and go. */
interface ServiceEndpoints {
  service: Json;
  sliceName: string;
  sliceUid: string;
  endpointsUid: string;
  created: string;
  /** By pod name: its endpoint, while it has an IP. */
  pods: Map<string, { ip: string; ready: boolean; terminating: boolean; node: string; uid: string }>;
  generation: number;
}

/**
 * The EndpointSlice (discovery.k8s.io/v1, the endpointslice controller) and the Endpoints (v1,
 * the endpoints controller) of a Service, as they stand after its pods' latest change.
 */
function endpointObjects(e: ServiceEndpoints, rv: number, now: string): [Json, Json] {
  const metadata = e.service.metadata as Json;
  const namespace = String(metadata.namespace);
  const name = String(metadata.name);
  const ports = ((e.service.spec as Json).ports as Json[]).map((p) => ({
    name: p.name,
    port: p.name === 'http' ? 8080 : 9090,
    protocol: 'TCP',
  }));
  const pods = [...e.pods].sort((a, b) => a[0].localeCompare(b[0]));
  const targetRef = (podName: string, uid: string) => ({ kind: 'Pod', name: podName, namespace, uid });
  const slice: Json = {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    metadata: {
      name: e.sliceName,
      generateName: `${name}-`,
      namespace,
      uid: e.sliceUid,
      resourceVersion: String(rv),
      generation: e.generation,
      creationTimestamp: e.created,
      labels: {
        ...(metadata.labels as Json),
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': name,
      },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': now },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name,
          uid: metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType: 'IPv4',
    endpoints: pods.map(([podName, p]) => ({
      addresses: [p.ip],
      conditions: { ready: p.ready && !p.terminating, serving: p.ready, terminating: p.terminating },
      targetRef: targetRef(podName, p.uid),
      nodeName: p.node,
      zone: `eu-west-1${'abc'[p.node.length % 3]}`,
    })),
    ports,
  };
  const address = ([podName, p]: (typeof pods)[number]) => ({
    ip: p.ip,
    nodeName: p.node,
    targetRef: targetRef(podName, p.uid),
  });
  const ready = pods.filter(([, p]) => p.ready && !p.terminating);
  const notReady = pods.filter(([, p]) => !p.ready || p.terminating);
  const endpoints: Json = {
    kind: 'Endpoints',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace,
      uid: e.endpointsUid,
      resourceVersion: String(rv + 1),
      creationTimestamp: e.created,
      labels: { ...(metadata.labels as Json), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': now },
    },
    subsets:
      pods.length === 0
        ? []
        : [
            {
              ...(ready.length > 0 ? { addresses: ready.map(address) } : {}),
              ...(notReady.length > 0 ? { notReadyAddresses: notReady.map(address) } : {}),
              ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
            },
          ],
  };
  return [slice, endpoints];
}

/** A pod's endpoint as the controllers see it, or null while it has no IP. */
function endpointOf(
  pod: Json,
): { ip: string; ready: boolean; terminating: boolean; node: string; uid: string } | null {
  const status = pod.status as Json | undefined;
  const ip = status?.podIP;
  if (typeof ip !== 'string') return null;
  const conditions = (status?.conditions as Json[] | undefined) ?? [];
  const metadata = pod.metadata as Json;
  return {
    ip,
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: metadata.deletionTimestamp !== undefined && metadata.deletionTimestamp !== null,
    node: String((pod.spec as Json).nodeName ?? ''),
    uid: String(metadata.uid),
  };
}

function sameEndpoint(
  a: ReturnType<typeof endpointOf> | undefined,
  b: ReturnType<typeof endpointOf> | undefined,
): boolean {
  if (!a || !b) return a === b;
  return a.ip === b.ip && a.ready === b.ready && a.terminating === b.terminating;
}

function hex(n: number, length: number): string {
  return n.toString(16).padStart(length, '0').slice(-length);
}

export function ensureRecordInput(
  workDir: string,
  options: { input: RecordInputKind; seed: number; events: number; managedFields: boolean },
  log: (m: string) => void,
): RecordInput {
  const { input, seed, events, managedFields } = options;
  const base = path.join(workDir, `record-${input}-s${seed}-n${events}${managedFields ? '' : '-nomf'}`);
  const stream = `${base}.ndjson`;
  const listed = `${base}.listed.json`;
  const manifestFile = `${base}.json`;
  if (existsSync(stream) && existsSync(listed) && existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as RecordInputManifest & {
      version?: number;
    };
    if (manifest.generator === GENERATOR_VERSION && manifest.version === INPUT_VERSION) {
      log(`input: reusing ${path.relative(process.cwd(), stream)}`);
      return { stream, listed, manifest };
    }
  }
  log(`input: generating ${events} ${input === 'pods' ? 'Pod ' : ''}watch events (seed ${seed})...`);
  const started = performance.now();
  const list: Json[] = [];
  const sizes: number[] = [];
  const types: Record<string, number> = {};
  const kinds: Record<string, { events: number; bytes: number }> = {};
  let bytes = 0;
  let written = 0;
  const fd = openSync(`${stream}.tmp`, 'w');
  let buffer: string[] = [];
  const flush = () => {
    writeSync(fd, buffer.join(''));
    buffer = [];
  };
  const emit = (type: string, object: Json) => {
    const json = JSON.stringify({ type, object: managedFields ? withManagedFields(object) : object });
    buffer.push(`${RESOURCE_OF_KIND[String(object.kind)]}\t${json}\n`);
    const size = json.length + 1;
    bytes += size;
    sizes.push(size);
    types[type] = (types[type] ?? 0) + 1;
    const k = kinds[String(object.kind)] ?? { events: 0, bytes: 0 };
    kinds[String(object.kind)] = k;
    k.events++;
    k.bytes += size;
    if (buffer.length >= 1000) flush();
    written++;
  };
  try {
    if (input === 'pods') podsInput(seed, events, managedFields, list, emit, () => written);
    else mixedInput(seed, events, managedFields, list, emit, () => written);
    flush();
  } finally {
    closeSync(fd);
  }
  if (written < events) throw new Error(`the generator gave ${written} watch events, fewer than ${events}`);
  renameSync(`${stream}.tmp`, stream);
  // The generator may give two apps one name: a store (and a list) holds one object per name.
  const unique = new Map<string, Json>();
  for (const object of list) {
    const metadata = object.metadata as Json;
    unique.set(`${object.kind}/${metadata.namespace ?? ''}/${metadata.name}`, object);
  }
  writeFileSync(listed, JSON.stringify([...unique.values()]));
  sizes.sort((a, b) => a - b);
  const at = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(sizes.length * q))] ?? 0;
  const manifest: RecordInputManifest & { version: number } = {
    version: INPUT_VERSION,
    generator: GENERATOR_VERSION,
    input,
    seed,
    events,
    listed: unique.size,
    managedFields,
    bytes,
    eventBytes: { mean: bytes / events, p10: at(0.1), p50: at(0.5), p90: at(0.9) },
    types,
    kinds: Object.fromEntries(
      Object.entries(kinds)
        .sort((a, b) => b[1].events - a[1].events)
        .map(([kind, k]) => [kind, { events: k.events, meanBytes: Math.round(k.bytes / k.events) }]),
    ),
    generateSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return { stream, listed, manifest };
}

type Emit = (type: string, object: Json) => void;

function podsInput(
  seed: number,
  events: number,
  managedFields: boolean,
  list: Json[],
  emit: Emit,
  written: () => number,
): void {
  // Pods are three quarters of an object-only mix; the cluster is sized after the record count.
  const records = Math.ceil(events / 0.7) + 2000;
  const mix = { object: 1, event: 0, audit: 0, log: 0, metric: 0 };
  for (const o of generateObservations({ seed, records, mix })) {
    if (o.t !== 'watch' || o.object.kind !== 'Pod') continue;
    if (o.type === 'LISTED') {
      list.push(managedFields ? withManagedFields(o.object) : o.object);
      continue;
    }
    emit(o.type, o.object);
    if (written() >= events) break;
  }
}

/**
 * The watch traffic of a busy cluster, as kstory records it by default (Leases are left out unless
 * asked for: src/record/discovery.ts). Per pod that starts, runs and goes, the API server sends
 * about as many Events (Scheduled, Pulling, Pulled, Created, Started, Killing, probe failures) as
 * Pod updates, and the endpoint controllers rewrite the pod's Service's EndpointSlice and Endpoints
 * each time the pod gets an IP, turns ready or not, terminates or goes. So: the generator's objects
 * (Pods, with ReplicaSets, Deployments, Nodes, Services and ConfigMaps as its churn has them) and
 * as many Events, plus the EndpointSlice and Endpoints updates its Pods' changes imply.
 */
function mixedInput(
  seed: number,
  events: number,
  managedFields: boolean,
  list: Json[],
  emit: Emit,
  written: () => number,
): void {
  const records = Math.ceil(events / 0.8) + 2000;
  const mix = { object: 0.5, event: 0.5, audit: 0, log: 0, metric: 0 };
  const byService = new Map<string, ServiceEndpoints>();
  const serviceOfPod = (pod: Json): ServiceEndpoints | undefined => {
    const metadata = pod.metadata as Json;
    const labels = (metadata.labels ?? {}) as Record<string, string>;
    return byService.get(`${metadata.namespace}/${labels['app.kubernetes.io/instance']}`);
  };
  let rv = 900_000_000;
  let serial = 0;
  let listedEndpoints = false;
  const emitEndpoints = (e: ServiceEndpoints, type: string, now: string) => {
    e.generation++;
    rv += 2;
    const [slice, endpoints] = endpointObjects(e, rv, now);
    emit(type, slice);
    if (written() < events) emit(type, endpoints);
  };
  for (const o of generateObservations({ seed, records, mix })) {
    if (o.t === 'watch') {
      const object = inApiServerOrder(o.object);
      if (o.object.kind === 'Service' && o.type === 'LISTED') {
        const metadata = o.object.metadata as Json;
        serial++;
        byService.set(`${metadata.namespace}/${metadata.name}`, {
          service: o.object,
          sliceName: `${metadata.name}-${hex(serial * 2654435761, 5)}`,
          sliceUid: `5e1ce000-0000-4000-8000-${hex(serial, 12)}`,
          endpointsUid: `e9d90000-0000-4000-8000-${hex(serial, 12)}`,
          created: String(metadata.creationTimestamp),
          pods: new Map(),
          generation: 1,
        });
      }
      if (o.type === 'LISTED') {
        list.push(managedFields ? withManagedFields(object) : object);
        if (o.object.kind === 'Pod') {
          const e = serviceOfPod(o.object);
          const endpoint = endpointOf(o.object);
          if (e && endpoint) e.pods.set(String((o.object.metadata as Json).name), endpoint);
        }
        continue;
      }
      // The endpoint objects of the Services, as they stand at the list.
      if (byService.size > 0 && !listedEndpoints) {
        listedEndpoints = true;
        for (const e of byService.values()) {
          const [slice, endpoints] = endpointObjects(e, ++rv, e.created);
          list.push(managedFields ? withManagedFields(slice) : slice);
          list.push(managedFields ? withManagedFields(endpoints) : endpoints);
        }
      }
      emit(o.type, object);
      if (o.object.kind === 'Pod' && written() < events) {
        const e = serviceOfPod(o.object);
        if (e) {
          const name = String((o.object.metadata as Json).name);
          const before = e.pods.get(name);
          const after = o.type === 'DELETED' ? null : endpointOf(o.object);
          if (!sameEndpoint(before ?? undefined, after ?? undefined)) {
            if (after) e.pods.set(name, after);
            else e.pods.delete(name);
            emitEndpoints(e, 'MODIFIED', o.ts.slice(0, 19) + 'Z');
          }
        }
      }
    } else if (o.t === 'event') {
      const object = inApiServerOrder(o.object);
      emit(Number(o.object.count) > 1 ? 'MODIFIED' : 'ADDED', object);
    }
    if (written() >= events) break;
  }
}
