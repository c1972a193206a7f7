// The rows a signal matches, as SQL shared by its probe, its query and its evidence: the view's rows
// in the analysed range that pass its `where`, `any`, row-level threshold and scope, with the subject
// each row is about and, for state views, when that state ended.

import type { DuckDBValue } from '@duckdb/node-api';
import { VERSION_NUMBER_SQL } from '../bundle/columns.ts';
import { listValue } from '../bundle/duckdb.ts';
import { type SignalViewInfo, signalView } from '../views/catalogue.ts';
import type { SignalView } from '../views/registry.ts';
import { parseDuration } from '../vocab/duration.ts';
import type { Signal, Where } from './schema.ts';
import { compileWhere, fieldSql, quote } from './where.ts';

/** SQL expressions for the subject of a row. */
export interface SubjectSql {
  namespace: string;
  kind: string;
  name: string;
  container: string;
}

/** Which subjects a query is about; all of them when `names` is not given. */
export interface SubjectScope {
  /** Subject names (`s_name`): asked of every view row before anything else is computed. With
   * `group`, each is `<bundle key>/<name>`. */
  names?: readonly string[];
  /** The subjects of every bundle of a group loaded together: each view row carries its bundle's
   * key (BUNDLE_KEY), a key of every subject, and each bundle's analysed range is its row of
   * BUNDLE_RANGES instead of the range given. Each bundle's rows are those it gives alone. */
  group?: boolean;
}

/** The column of a group's views that says which bundle a row is of (an integer). */
export const BUNDLE_KEY = 'bundle_key';
/** The table of a group's analysed ranges: bundle_key, range_start and range_end (TIMESTAMPTZ). */
export const BUNDLE_RANGES = 'bundle_ranges';

/** The relation a signal's rows are read from: the view, with its bundle's range in a group. */
export function viewRows(signal: Signal, scope: SubjectScope): string {
  return scope.group
    ? `(SELECT * FROM ${signal.from} JOIN ${BUNDLE_RANGES} USING (${BUNDLE_KEY})) AS ${signal.from}`
    : signal.from;
}

/** The columns that tell subjects apart, as SQL: in a group, the bundle first. */
export function subjectKeys(scope: SubjectScope, columns: readonly string[]): string[] {
  return scope.group ? [BUNDLE_KEY, ...columns] : [...columns];
}

export interface CompiledSignal {
  sql: string;
  params: DuckDBValue[];
}

/** SQL expressions for the subject of a signal's rows: the view's own, or the signal's override. */
export function subjectSql(signal: Signal): SubjectSql {
  const view = signalView(signal.from);
  const override = signal.subject;
  if (!override) return { namespace: 'namespace', ...view.subject };
  return {
    namespace:
      override.namespace === null
        ? 'CAST(NULL AS VARCHAR)'
        : override.namespace === undefined
          ? 'namespace'
          : fieldSql(signal.from, override.namespace, 'subject.namespace'),
    kind: override.kind_field
      ? `coalesce(${fieldSql(signal.from, override.kind_field, 'subject.kind_field')}, ${quote(override.kind)})`
      : quote(override.kind),
    name: fieldSql(signal.from, override.name, 'subject.name'),
    container: 'CAST(NULL AS VARCHAR)',
  };
}

/** A row's place among the versions of its object (VERSION_ORDER_SQL); null in views without one. */
export function versionOf(view: SignalView): string {
  return signalView(view).columns.has('resource_version') ? VERSION_NUMBER_SQL : 'CAST(NULL AS HUGEINT)';
}

export function timeOrder(view: SignalView, direction: 'ASC' | 'DESC' = 'ASC'): string {
  return `ts ${direction}, ${versionOf(view)} ${direction} NULLS FIRST`;
}

/**
 * The rows a signal reads, each with `next_ts`: when the subject was next observed (a state lasts
 * until then; null for its newest row). With `latest`, only each subject's newest row, so that a
 * condition on it describes the subject's final state.
 *
 * `next_ts` needs each subject's whole history, but only the few subjects with a row that matches
 * `matching` (the signal's own filter, params in order) can hit: their histories alone are ordered,
 * not those of every pod of the cluster.
 */
export function fromClause(
  signal: Signal,
  subject: SubjectSql,
  matching: { sql: string; params: DuckDBValue[] },
  scope: SubjectScope = {},
): { sql: string; params: DuckDBValue[] } {
  const view = signalView(signal.from);
  const rows = viewRows(signal, scope);
  if (!view.state && !signal.latest) return { sql: `(SELECT *, ts AS next_ts FROM ${rows})`, params: [] };
  const keys = subjectKeys(scope, [
    subject.namespace,
    subject.kind,
    subject.name,
    subject.container,
    ...(view.history ?? []),
  ]);
  const candidates = `SELECT DISTINCT ${keys.map((k, i) => `${k} AS k${i}`).join(', ')} FROM ${rows} WHERE ${matching.sql}`;
  const sameSubject = keys.map((k, i) => `${k} IS NOT DISTINCT FROM candidate.k${i}`).join(' AND ');
  const history = `PARTITION BY ${keys.join(', ')} ORDER BY ${timeOrder(signal.from)}`;
  if (hasEpisodes(signal)) {
    // Each run of consecutive matching versions is an episode: a state that held, went, came back.
    const matched = `SELECT *, lead(ts) OVER (${history}) AS next_ts, coalesce(${matching.sql}, false) AS m
      FROM ${rows} SEMI JOIN (${candidates}) AS candidate ON ${sameSubject}`;
    const marked = `SELECT *, lag(m) OVER (${history}) AS prev_m FROM (${matched})`;
    return {
      sql: `(SELECT *, sum(CASE WHEN m AND NOT coalesce(prev_m, false) THEN 1 ELSE 0 END)
               OVER (${history} ROWS UNBOUNDED PRECEDING) AS episode FROM (${marked}))`,
      params: [...matching.params, ...matching.params],
    };
  }
  const histories = `SELECT *, lead(ts) OVER (${history}) AS next_ts
    FROM ${rows} SEMI JOIN (${candidates}) AS candidate ON ${sameSubject}`;
  return {
    sql: signal.latest ? `(${histories} QUALIFY next_ts IS NULL)` : `(${histories})`,
    params: matching.params,
  };
}

/**
 * Whether `lasting` applies to each episode of the state rather than to all its matching rows: a
 * Deployment short of replicas for a minute during a rollout and again for an hour after a node is
 * lost lasted since the node was lost, not since the rollout.
 */
export function hasEpisodes(signal: Signal): boolean {
  return signalView(signal.from).state === true && signal.lasting !== undefined && !signal.latest;
}

/** A signal's `window` narrows the analysed range to its last part. */
function signalRange(signal: Signal, range: { start: string; end: string }): { start: string; end: string } {
  if (!signal.window) return range;
  const start = Date.parse(range.end) - parseDuration(signal.window);
  return {
    start: start > Date.parse(range.start) ? new Date(start).toISOString() : range.start,
    end: range.end,
  };
}

/**
 * "max ≥ N" holds exactly when some row is ≥ N (and "min ≤ N" when some row is ≤ N): filtering rows
 * instead of the aggregate makes the signal start when the threshold was crossed, and keeps the
 * evidence to the rows that crossed it.
 */
export function rowThreshold(signal: Signal): { rowLevel: boolean; sql: string; params: DuckDBValue[] } {
  const aggregate = signal.aggregate;
  const rowLevel =
    aggregate?.field !== undefined &&
    ((aggregate.fn === 'max' && aggregate.lte === undefined && aggregate.lt === undefined) ||
      (aggregate.fn === 'min' && aggregate.gte === undefined && aggregate.gt === undefined));
  if (!rowLevel || !aggregate?.field) return { rowLevel: false, sql: '', params: [] };
  const field = fieldSql(signal.from, aggregate.field, 'aggregate.field');
  const parts: string[] = [];
  const params: DuckDBValue[] = [];
  for (const [bound, symbol] of [
    ['gte', '>='],
    ['gt', '>'],
    ['lte', '<='],
    ['lt', '<'],
  ] as const) {
    const value = aggregate[bound];
    if (value !== undefined) {
      parts.push(` AND ${field} ${symbol} ?`);
      params.push(value);
    }
  }
  return { rowLevel: true, sql: parts.join(''), params };
}

export interface SignalParts {
  range: { start: string; end: string };
  view: SignalViewInfo;
  subject: SubjectSql;
  /** The condition on the view's rows the signal matches, with its parameters in order. */
  matching: { sql: string; params: DuckDBValue[] };
}

/**
 * `any` alternatives that are each one regular expression on the same field, as one expression that
 * matches when one of them does: a row's text is read once instead of once per expression (three
 * over every log line of a bundle for app-errors-in-logs). Each is a group of its own, so that its
 * flags (`(?i)`) and alternatives stay its own. The others are kept as they are, in their order.
 */
export function mergeRegexAlternatives(alternatives: readonly Where[]): Where[] {
  const loneRegex = (where: Where): [string, string] | null => {
    const entries = Object.entries(where);
    const [key, value] = entries[0] ?? [];
    return entries.length === 1 && key?.endsWith('|re') && typeof value === 'string' ? [key, value] : null;
  };
  const expressions = new Map<string, string[]>();
  for (const [key, value] of alternatives.map(loneRegex).filter((r) => r !== null))
    expressions.set(key, [...(expressions.get(key) ?? []), value]);
  const merged: Where[] = [];
  for (const alternative of alternatives) {
    const regex = loneRegex(alternative);
    if (regex === null) merged.push(alternative);
    else {
      // In the place of the field's first expression; the field's others are in it.
      const all = expressions.get(regex[0]);
      if (all === undefined) continue;
      expressions.delete(regex[0]);
      merged.push(all.length === 1 ? alternative : { [regex[0]]: all.map((e) => `(?:${e})`).join('|') });
    }
  }
  return merged;
}

/**
 * What every query of a signal shares: its range, view and subject, and `matching`, the condition
 * on the view's rows it matches (range, `where` and `any`, a row-level threshold, the scope).
 */
export function signalParts(
  signal: Signal,
  analysed: { start: string; end: string },
  scope: SubjectScope = {},
): SignalParts {
  const where = compileWhere(signal.from, signal.where);
  const alternatives = mergeRegexAlternatives(signal.any ?? []).map((w) => compileWhere(signal.from, w));
  const any = alternatives.length > 0 ? ` AND (${alternatives.map((a) => `(${a.sql})`).join(' OR ')})` : '';
  const threshold = rowThreshold(signal);
  const range = signalRange(signal, analysed);
  const subject = subjectSql(signal);
  const named = scope.group ? `CAST(${BUNDLE_KEY} AS VARCHAR) || '/' || ${subject.name}` : subject.name;
  const inScope = scope.names ? ` AND ${named} IN (SELECT unnest(?::VARCHAR[]))` : '';
  // In a group, each bundle's range is its row of BUNDLE_RANGES, narrowed as signalRange does (in
  // whole milliseconds, as Date.parse reads the range).
  const narrowed = signal.window ? `epoch_ms(range_end) - ${parseDuration(signal.window)}` : null;
  const groupStart = narrowed
    ? `(CASE WHEN ${narrowed} > epoch_ms(range_start) THEN epoch_ms(${narrowed})::TIMESTAMPTZ ELSE range_start END)`
    : 'range_start';
  return {
    range,
    view: signalView(signal.from),
    subject,
    matching: {
      sql: `${scope.group ? `ts >= ${groupStart} AND ts <= range_end` : 'ts >= ?::TIMESTAMPTZ AND ts <= ?::TIMESTAMPTZ'} AND ${where.sql}${any}${threshold.sql}${inScope}`,
      params: [
        ...(scope.group ? [] : [range.start, range.end]),
        ...where.params,
        ...alternatives.flatMap((a) => a.params),
        ...threshold.params,
        ...(scope.names ? [listValue([...scope.names])] : []),
      ] as DuckDBValue[],
    },
  };
}
