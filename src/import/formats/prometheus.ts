// Prometheus data: `/api/v1/query_range` and `/api/v1/query` JSON responses, `/api/v1/rules` and
// `/api/v1/alerts` responses (active alerts become `ALERTS` samples, as Prometheus stores them),
// and text exposition snapshots (kube-state-metrics, cAdvisor, format 0.0.4 and OpenMetrics).

import path from 'node:path';
import type { BundleRow } from '../../bundle/row.ts';
import { normalizeTs, tsFromMillis } from '../../kube/time.ts';
import { metricRow } from '../../kube/to-row.ts';
import { type FileContext, issue } from '../context.ts';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
 * rows, counted per series; null when `data` is not a query result (rules, alerts). Shared by the
 * importer and `kstory record --prometheus`.
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

export async function importPrometheusDocument(doc: Json, line: number, ctx: FileContext): Promise<void> {
  if (doc.status === 'error') {
    issue(ctx, line, `Prometheus answered with an error: ${String(doc.error ?? doc.errorType ?? 'unknown')}`);
    return;
  }
  const data = doc.data as Json;
  const converted = queryResultRows(data, {
    // A result without __name__ is an expression (rate(...)): it is named after the file it was saved in.
    fallbackName: path.basename(ctx.entry.relPath).replace(/\.[^.]*$/, '') || 'query_result',
    origin: ctx.origin,
    row: (row) => ctx.sink.row(row, ctx.stats),
    unreadable: (message) => issue(ctx, line, message),
  });
  if (converted !== null) return;
  const alerts = Array.isArray(data.alerts)
    ? data.alerts
    : asArray(data.groups).flatMap((g) =>
        asArray(isRecord(g) ? g.rules : undefined).flatMap((r) =>
          asArray(isRecord(r) ? r.alerts : undefined),
        ),
      );
  if (Array.isArray(data.alerts) || Array.isArray(data.groups)) {
    for (const alert of alerts) {
      if (!isRecord(alert)) continue;
      const ts = normalizeTs(alert.activeAt);
      const state = typeof alert.state === 'string' ? alert.state : 'firing';
      if (ts === null) continue;
      const labels = { ...labelsOf(alert.labels), alertstate: state };
      ctx.sink.row(metricRow({ ts, name: 'ALERTS', labels, value: 1, origin: ctx.origin }), ctx.stats);
    }
    return;
  }
  issue(ctx, line, `Prometheus response of an unknown result type ${JSON.stringify(data.resultType)}`);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

// --- text exposition ---

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Whether text looks like the exposition format: comments of the format, or a sample line. */
export function looksLikeExposition(firstLines: string[]): boolean {
  for (const line of firstLines) {
    if (line.trim() === '') continue;
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) return true;
    return /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?\s+[-+0-9.eEnaNIf]+(\s+-?\d+)?\s*$/.test(line);
  }
  return false;
}

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number | null;
}

/** One exposition line: a sample, null for comments and blank lines, or an error message. */
export function parseExpositionLine(line: string): ParsedSample | null | string {
  if (line === '' || line.startsWith('#')) return null;
  const nameMatch = METRIC_NAME_RE.exec(line);
  if (!nameMatch) return 'not a sample line';
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const eq = line.indexOf('=', i);
      if (eq === -1 || line[eq + 1] !== '"') return 'malformed label set';
      const key = line.slice(i, eq).trim();
      let value = '';
      let j = eq + 2;
      for (; j < line.length; j++) {
        const ch = line[j];
        if (ch === '\\') {
          const next = line[++j];
          value += next === 'n' ? '\n' : (next ?? '');
        } else if (ch === '"') break;
        else value += ch;
      }
      if (j >= line.length) return 'unterminated label value';
      labels[key] = value;
      i = j + 1;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseSampleValue(rest[0]);
  if (value === null) return `unreadable value "${rest[0] ?? ''}"`;
  const timestampMs = rest[1] !== undefined ? Number(rest[1]) : null;
  if (timestampMs !== null && !Number.isFinite(timestampMs)) return `unreadable timestamp "${rest[1]}"`;
  return { name, labels, value, timestampMs };
}

/** Exposition samples carry no time unless the line has one: then --at, else the file's time. */
export async function importExpositionLines(
  batches: AsyncIterable<{ first: number; lines: string[] }>,
  ctx: FileContext,
): Promise<void> {
  for await (const { first, lines } of batches) {
    for (let k = 0; k < lines.length; k++) {
      const parsed = parseExpositionLine(lines[k]!);
      if (parsed === null) continue;
      if (typeof parsed === 'string') {
        issue(ctx, first + k, parsed);
        continue;
      }
      const ts = parsed.timestampMs !== null ? tsFromMillis(parsed.timestampMs) : ctx.fallbackTs;
      ctx.sink.row(
        metricRow({ ts, name: parsed.name, labels: parsed.labels, value: parsed.value, origin: ctx.origin }),
        ctx.stats,
      );
    }
  }
}
