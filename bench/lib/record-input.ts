// The record benchmark's input: Pod watch events from the seeded generator (bench/lib/gen/), as the
// API server sends them (`{"type":"MODIFIED","object":{...}}` lines, managedFields included), and
// the pods a list returns before the watch. Saved once in the work dir, reused when it matches.

import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Json } from './gen/kube.ts';
import { generateObservations } from './gen/simulation.ts';
import { GENERATOR_VERSION } from './input.ts';

export interface RecordInputManifest {
  generator: string;
  seed: number;
  /** Watch events in the stream file. */
  events: number;
  /** Pods in the list the recorder gets first. */
  listed: number;
  managedFields: boolean;
  bytes: number;
  eventBytes: { mean: number; p10: number; p50: number; p90: number };
  types: Record<string, number>;
  generateSeconds: number;
}

export interface RecordInput {
  /** Watch event lines, streamed to the recorder. */
  stream: string;
  /** JSON array of the listed pods. */
  listed: string;
  manifest: RecordInputManifest;
}

/** Bump when what is written changes, so that cached inputs are regenerated. */
const INPUT_VERSION = 1;

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

function withManagedFields(pod: Json): Json {
  const metadata = pod.metadata as Json;
  // Last in ObjectMeta, as the API server writes it.
  return { ...pod, metadata: { ...metadata, managedFields: managedFieldsOf(pod) } };
}

export function ensureRecordInput(
  workDir: string,
  seed: number,
  events: number,
  managedFields: boolean,
  log: (m: string) => void,
): RecordInput {
  const base = path.join(workDir, `record-pods-s${seed}-n${events}${managedFields ? '' : '-nomf'}`);
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
  log(`input: generating ${events} Pod watch events (seed ${seed})...`);
  const started = performance.now();
  const pods: Json[] = [];
  const sizes: number[] = [];
  const types: Record<string, number> = {};
  let bytes = 0;
  let written = 0;
  const fd = openSync(`${stream}.tmp`, 'w');
  let buffer: string[] = [];
  const flush = () => {
    writeSync(fd, buffer.join(''));
    buffer = [];
  };
  try {
    // Pods are three quarters of an object-only mix; the cluster is sized after the record count.
    const records = Math.ceil(events / 0.7) + 2000;
    const mix = { object: 1, event: 0, audit: 0, log: 0, metric: 0 };
    for (const o of generateObservations({ seed, records, mix })) {
      if (o.t !== 'watch' || o.object.kind !== 'Pod') continue;
      const pod = managedFields ? withManagedFields(o.object) : o.object;
      if (o.type === 'LISTED') {
        pods.push(pod);
        continue;
      }
      const line = `${JSON.stringify({ type: o.type, object: pod })}\n`;
      buffer.push(line);
      bytes += line.length;
      sizes.push(line.length);
      types[o.type] = (types[o.type] ?? 0) + 1;
      if (buffer.length >= 1000) flush();
      if (++written >= events) break;
    }
    flush();
  } finally {
    closeSync(fd);
  }
  if (written < events)
    throw new Error(`the generator gave ${written} Pod watch events, fewer than ${events}`);
  renameSync(`${stream}.tmp`, stream);
  writeFileSync(listed, JSON.stringify(pods));
  sizes.sort((a, b) => a - b);
  const at = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(sizes.length * q))] ?? 0;
  const manifest: RecordInputManifest & { version: number } = {
    version: INPUT_VERSION,
    generator: GENERATOR_VERSION,
    seed,
    events,
    listed: pods.length,
    managedFields,
    bytes,
    eventBytes: { mean: bytes / events, p10: at(0.1), p50: at(0.5), p90: at(0.9) },
    types,
    generateSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return { stream, listed, manifest };
}
