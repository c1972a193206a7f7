// Resource-optimisation labels: per workload and container, requested against used CPU and memory
// from the metrics in the bundle (resource-usage.sql), throttling and OOM kills, and requests and
// limits to set instead (sizing.ts). Only where the bundle holds enough samples; otherwise the run
// says why there is none.

import { readFileSync } from 'node:fs';
import type { Bundle } from '../bundle/reader.ts';
import { formatObjectRef } from '../vocab/object-ref.ts';
import { completenessOf, qualityOf } from './quality.ts';
import { LABEL_SCHEMA, type ResourceLabel } from './schema.ts';
import { formatCpu, formatMemory, MIN_SAMPLES, suggestSizing, type Usage } from './sizing.ts';
import { type LabelSource, labelId } from './source.ts';

const QUERY = readFileSync(new URL('./resource-usage.sql', import.meta.url), 'utf8');

/** Samples at which the confidence and the evidence of a resource label are full. */
const FULL_SAMPLES = 60;
/** Kinds that `kubectl set resources` changes in place (a bare pod's resources cannot be). */
const SETTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

interface UsageRow extends Usage {
  namespace: string | null;
  workload_kind: string;
  workload_name: string;
  container: string;
  first_sample: string | null;
  last_sample: string | null;
}

export interface ResourceLabels {
  labels: ResourceLabel[];
  /** Why there are none, or fewer than containers: said by the run. */
  notes: string[];
}

export async function resourceLabels(
  bundle: Bundle,
  window: { start: string; end: string },
  source: LabelSource,
): Promise<ResourceLabels> {
  const rows = await bundle.query<UsageRow>(QUERY, [window.start, window.end]);
  const sampled = rows.filter((r) => r.cpu_samples > 0 || r.memory_samples > 0);
  if (sampled.length === 0)
    return {
      labels: [],
      notes: [
        'no resource_optimisation label: the bundle holds no container usage metrics (container_cpu_usage_seconds_total, container_memory_working_set_bytes)',
      ],
    };
  const enough = sampled.filter((r) => r.cpu_samples >= MIN_SAMPLES || r.memory_samples >= MIN_SAMPLES);
  const notes =
    enough.length < sampled.length
      ? [
          `${sampled.length - enough.length} container(s) with fewer than ${MIN_SAMPLES} usage samples: no resource_optimisation label for them`,
        ]
      : [];
  return { labels: enough.map((row) => resourceLabel(row, window, source)), notes };
}

const cpu = (m: number | null) => (m === null ? null : formatCpu(m));
const memory = (b: number | null) => (b === null ? null : formatMemory(b));

function resourceLabel(
  row: UsageRow,
  window: { start: string; end: string },
  source: LabelSource,
): ResourceLabel {
  const sizing = suggestSizing(row);
  const s = sizing.suggestion;
  const workload = {
    namespace: row.namespace,
    kind: row.workload_kind,
    name: row.workload_name,
    container: row.container,
  };
  const subject = formatObjectRef(workload);
  const requests = [
    s.cpu_request && `cpu=${s.cpu_request}`,
    s.memory_request && `memory=${s.memory_request}`,
  ].filter(Boolean);
  const limits = [s.cpu_limit && `cpu=${s.cpu_limit}`, s.memory_limit && `memory=${s.memory_limit}`].filter(
    Boolean,
  );
  const command =
    SETTABLE.has(row.workload_kind) && requests.length + limits.length > 0
      ? `kubectl set resources ${row.workload_kind.toLowerCase()}/${row.workload_name}${row.namespace ? ` -n ${row.namespace}` : ''} -c ${row.container}` +
        (requests.length > 0 ? ` --requests=${requests.join(',')}` : '') +
        (limits.length > 0 ? ` --limits=${limits.join(',')}` : '')
      : null;

  const windowMs = Date.parse(window.end) - Date.parse(window.start);
  const spanMs =
    row.first_sample && row.last_sample ? Date.parse(row.last_sample) - Date.parse(row.first_sample) : 0;
  const samples = Math.min(...[row.cpu_samples, row.memory_samples].filter((n) => n > 0));
  const kinds = [row.cpu_samples > 0, row.memory_samples > 0, row.throttled_share !== null].filter(
    Boolean,
  ).length;
  const quality = qualityOf({
    completeness: completenessOf([
      row.cpu_samples >= MIN_SAMPLES,
      row.memory_samples >= MIN_SAMPLES,
      row.cpu_request_m !== null,
      row.memory_request_bytes !== null,
      row.memory_limit_bytes !== null,
    ]),
    // The samples cover the window: a suggestion from ten minutes of an hour says less.
    consistency: windowMs > 0 ? Math.round(Math.min(1, spanMs / windowMs) * 1000) / 1000 : 0,
    evidence:
      Math.round((0.5 * Math.min(1, samples / FULL_SAMPLES) + 0.5 * Math.min(1, kinds / 3)) * 1000) / 1000,
    confidence: Math.round(Math.min(1, samples / FULL_SAMPLES) * 1000) / 1000,
  });

  return {
    schema: LABEL_SCHEMA,
    id: labelId('ro', source.digest, { subject: { ...workload } }),
    type: 'resource_optimisation',
    source: { ...source },
    quality,
    relationships: [],
    question: `How should I set the CPU and memory requests and limits of container ${row.container} of ${subject}?`,
    workload,
    window,
    samples: {
      cpu: row.cpu_samples,
      memory: row.memory_samples,
      pods: row.pods,
      first: row.first_sample,
      last: row.last_sample,
    },
    current: {
      cpu_request: cpu(row.cpu_request_m),
      cpu_limit: cpu(row.cpu_limit_m),
      memory_request: memory(row.memory_request_bytes),
      memory_limit: memory(row.memory_limit_bytes),
    },
    cpu: {
      p50_m: round(row.cpu_p50_m),
      p95_m: round(row.cpu_p95_m),
      max_m: round(row.cpu_max_m),
      throttled_share: round(row.throttled_share, 3),
      throttled_max: round(row.throttled_max, 3),
    },
    memory: {
      p50_bytes: round(row.memory_p50_bytes),
      p95_bytes: round(row.memory_p95_bytes),
      max_bytes: round(row.memory_max_bytes),
      oom_kills: row.oom_kills,
    },
    suggestion: s,
    rationale: sizing.rationale,
    impact: {
      summary: sizing.impact,
      cpu_request_delta_m: sizing.cpu_request_delta_m,
      memory_request_delta_bytes: sizing.memory_request_delta_bytes,
    },
    command,
  };
}

function round(n: number | null, digits = 0): number | null {
  if (n === null) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
