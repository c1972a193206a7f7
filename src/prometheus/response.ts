// Prometheus HTTP API answers as metric rows: `/api/v1/query` and `/api/v1/query_range` results, and
// the active alerts of `/api/v1/alerts` and `/api/v1/rules` (as `ALERTS` samples, the way Prometheus
// stores them). Shared by `kstory import` (saved answers) and `kstory record --prometheus` (live ones).

import type { BundleRow } from '../bundle/row.ts';
import { metricRow } from '../kube/sample-rows.ts';
import { normalizeTs, tsFromMillis } from '../kube/time.ts';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** An API answer: `{status: success|error, data: {...}}` (a Kubernetes object would name a kind). */
export function isPrometheusResponse(doc: Json): boolean {
  return (doc.status === 'success' || doc.status === 'error') && isRecord(doc.data) && !('kind' in doc);
}

/** Prometheus writes special values as strings: "NaN", "+Inf", "-Inf". */
export function parseSampleValue(text: unknown): number | null {
  if (typeof text === 'number') return text;
  if (typeof text !== 'string') return null;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  return text.trim() === '' || Number.isNaN(value) ? null : value;
}

function secondsToTs(value: unknown): string | null {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) ? tsFromMillis(Math.round(seconds * 1000)) : null;
}

function labelsOf(metric: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(metric)) return out;
  for (const [key, value] of Object.entries(metric)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** Where a query result's samples go, and what is said about the ones that cannot be read. */
export interface QueryResultSink {
  /** Names the samples of a series without `__name__` (an expression such as `rate(...)`). */
  fallbackName: string;
  origin: string;
  row: (row: BundleRow) => void;
  unreadable: (message: string) => void;
}

/**
 * The samples of a `/api/v1/query` or `/api/v1/query_range` result (`data` of the answer) as metric
 * rows, counted per series; null when `data` is not a query result (rules, alerts).
 */
export function queryResultRows(
  data: Json,
  sink: QueryResultSink,
): { series: number; samples: number } | null {
  let samples = 0;
  const emit = (labels: Record<string, string>, tsValue: unknown, raw: unknown, where: string) => {
    const ts = secondsToTs(tsValue);
    const value = parseSampleValue(raw);
    if (ts === null || value === null) {
      sink.unreadable(`${where}: unreadable sample [${JSON.stringify(tsValue)}, ${JSON.stringify(raw)}]`);
      return;
    }
    const { __name__: name, ...rest } = labels;
    sink.row(metricRow({ ts, name: name ?? sink.fallbackName, labels: rest, value, origin: sink.origin }));
    samples++;
  };
  switch (data.resultType) {
    case 'matrix': {
      const result = asArray(data.result);
      for (const series of result) {
        const labels = labelsOf(isRecord(series) ? series.metric : undefined);
        const values = isRecord(series) ? asArray(series.values) : [];
        for (const pair of values) emit(labels, asArray(pair)[0], asArray(pair)[1], 'matrix');
      }
      return { series: result.length, samples };
    }
    case 'vector': {
      const result = asArray(data.result);
      for (const sample of result) {
        const pair = isRecord(sample) ? asArray(sample.value) : [];
        emit(labelsOf(isRecord(sample) ? sample.metric : undefined), pair[0], pair[1], 'vector');
      }
      return { series: result.length, samples };
    }
    case 'scalar':
      emit({}, asArray(data.result)[0], asArray(data.result)[1], 'scalar');
      return { series: 1, samples };
  }
  return null;
}

/**
 * The active alerts of an `/api/v1/alerts` or `/api/v1/rules` answer (`data`) as `ALERTS` samples at
 * the time each became active; null when `data` holds neither alerts nor rule groups.
 */
export function alertRows(data: Json, origin: string): BundleRow[] | null {
  if (!Array.isArray(data.alerts) && !Array.isArray(data.groups)) return null;
  const alerts = Array.isArray(data.alerts)
    ? data.alerts
    : asArray(data.groups).flatMap((g) =>
        asArray(isRecord(g) ? g.rules : undefined).flatMap((r) =>
          asArray(isRecord(r) ? r.alerts : undefined),
        ),
      );
  const rows: BundleRow[] = [];
  for (const alert of alerts) {
    if (!isRecord(alert)) continue;
    const ts = normalizeTs(alert.activeAt);
    const state = typeof alert.state === 'string' ? alert.state : 'firing';
    if (ts === null) continue;
    const labels = { ...labelsOf(alert.labels), alertstate: state };
    rows.push(metricRow({ ts, name: 'ALERTS', labels, value: 1, origin }));
  }
  return rows;
}
