// Bundle rows of what is not a Kubernetes API object: container log lines, metric samples, and the
// markers where a recording or import starts, stops, has a gap or takes a snapshot.

import type { BundleRow, MarkerKind, Timestamp } from '../bundle/row.ts';
import { KstoryError } from '../errors.ts';
import { normalizeTs } from './time.ts';

export interface LogLine {
  ts: string;
  namespace: string;
  pod: string;
  container: string;
  line: string;
  stream?: string;
  previous?: boolean;
  node?: string;
  podUid?: string;
  origin?: string;
}

/** One container log line; `line` is without its timestamp prefix. */
export function logRow(p: LogLine): BundleRow {
  const ts = normalizeTs(p.ts);
  if (ts === null)
    throw new KstoryError(
      `log line of ${p.namespace}/${p.pod}/${p.container}: ts "${p.ts}" is not an RFC 3339 timestamp`,
    );
  return {
    source: 'log',
    ts,
    api_version: 'v1',
    kind: 'Pod',
    namespace: p.namespace,
    name: p.pod,
    uid: p.podUid ?? null,
    container: p.container,
    node: p.node ?? null,
    origin: p.origin ?? null,
    log_stream: p.stream ?? null,
    log_previous: p.previous ?? false,
    log_line: p.line,
  };
}

export interface MetricSample {
  ts: string;
  name: string;
  labels: Record<string, string>;
  value: number;
  origin?: string;
}

// kube-state-metrics names the subject by a label per kind; the first one present wins, so a
// pod-level series of a Deployment's pod is about the Pod.
const METRIC_SUBJECT_LABELS: readonly [string, string][] = [
  ['pod', 'Pod'],
  ['deployment', 'Deployment'],
  ['statefulset', 'StatefulSet'],
  ['daemonset', 'DaemonSet'],
  ['replicaset', 'ReplicaSet'],
  ['job_name', 'Job'],
  ['cronjob', 'CronJob'],
  ['horizontalpodautoscaler', 'HorizontalPodAutoscaler'],
  ['persistentvolumeclaim', 'PersistentVolumeClaim'],
  ['persistentvolume', 'PersistentVolume'],
  ['service', 'Service'],
];

/** One sample. The subject comes from the labels: namespace, pod (or another kind's label), container, node. */
export function metricRow(p: MetricSample): BundleRow {
  const ts = normalizeTs(p.ts);
  if (ts === null) throw new KstoryError(`metric ${p.name}: ts "${p.ts}" is not an RFC 3339 timestamp`);
  const labels = p.labels;
  let kind: string | null = null;
  let name: string | null = null;
  for (const [label, labelKind] of METRIC_SUBJECT_LABELS) {
    const value = labels[label];
    if (value) {
      kind = labelKind;
      name = value;
      break;
    }
  }
  const node = labels.node || null;
  if (kind === null && node !== null) {
    kind = 'Node';
    name = node;
  }
  // cAdvisor labels the pod's own cgroup with container="" and the sandbox with "POD".
  const container = labels.container && labels.container !== 'POD' ? labels.container : null;
  return {
    source: 'metric',
    ts,
    kind,
    namespace: kind === 'Node' || kind === 'PersistentVolume' ? null : labels.namespace || null,
    name,
    container,
    node,
    uid: labels.uid || null,
    origin: p.origin ?? null,
    metric_name: p.name,
    metric_labels: labels,
    metric_value: p.value,
  };
}

export interface Marker {
  ts: Timestamp;
  marker: MarkerKind;
  end?: Timestamp | null;
  detail?: string | null;
  origin?: string;
}

/** A marker: where a recording or import starts and stops, a gap, a relist, a snapshot. */
export function markerRow(p: Marker): BundleRow {
  const ts = normalizeTs(p.ts);
  if (ts === null) throw new KstoryError(`marker ${p.marker}: ts "${p.ts}" is not an RFC 3339 timestamp`);
  return {
    source: 'marker',
    ts,
    origin: p.origin ?? null,
    marker: p.marker,
    marker_end: p.end ? normalizeTs(p.end) : null,
    marker_detail: p.detail ?? null,
  };
}
