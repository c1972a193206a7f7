// Compiles a pattern signal into SQL over the bundle's views. Field names are checked against the
// view's columns and every value is a bound parameter, so a pattern file can never inject SQL.

import { type DuckDBValue, listValue } from '@duckdb/node-api';
import { type Source, sourceColumns, VERSION_NUMBER_SQL } from '../bundle/columns.ts';
import { durationMs, OPERATORS, type Operator, type Signal, type SignalView, type Where } from './schema.ts';

const CONTAINER_FIELDS = [
  'name',
  'image',
  'init',
  'ready',
  'restart_count',
  'state',
  'reason',
  'message',
  'exit_code',
  'started_at',
  'finished_at',
  'last_reason',
  'last_exit_code',
  'last_started_at',
  'last_finished_at',
  'cpu_request_m',
  'cpu_limit_m',
  'memory_request_bytes',
  'memory_limit_bytes',
];

interface ViewSpec {
  columns: readonly string[];
  /** Derived fields a pattern can filter on as if they were columns. */
  virtual?: Readonly<Record<string, string>>;
  /** Subject of a row: namespace, kind, name and container as SQL expressions. */
  subject: { kind: string; name: string; container: string };
  /** A one-line, human-readable excerpt of a row for evidence. */
  excerpt: string;
  source: string;
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** A source view's columns: those its rows can have a value in. Naming another source's column
 * (always null there) is a mistake in a pattern, reported when it loads. */
function columnsOf(source: Source): string[] {
  return sourceColumns(source).map((c) => c.name);
}

export const VIEW_SPECS: Readonly<Record<SignalView, ViewSpec>> = {
  containers: {
    columns: [
      'ts',
      'namespace',
      'pod',
      'pod_uid',
      'node',
      'owner_kind',
      'owner_name',
      'owner_uid',
      'phase',
      'watch_event',
      'resource_version',
      ...CONTAINER_FIELDS,
    ],
    subject: { kind: quote('Pod'), name: 'pod', container: 'name' },
    excerpt: `concat_ws(' ', 'container ' || name, state, reason,
      CASE WHEN restart_count > 0 THEN 'restarts=' || restart_count END,
      CASE WHEN last_reason IS NOT NULL THEN '(last: ' || last_reason || coalesce(', exit ' || last_exit_code, '') || ')' END,
      CASE WHEN message IS NOT NULL THEN '- ' || message END)`,
    source: 'object',
  },
  pods: {
    columns: columnsOf('object'),
    subject: { kind: quote('Pod'), name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', 'Pod ' || name, 'phase ' || phase, status_reason, CASE WHEN status_message IS NOT NULL THEN '- ' || status_message END)`,
    source: 'object',
  },
  objects: {
    columns: columnsOf('object'),
    virtual: {
      replicas_missing: 'coalesce(replicas_desired, 0) - coalesce(replicas_ready, 0)',
      replicas_unavailable: 'coalesce(replicas_desired, 0) - coalesce(replicas_available, 0)',
      // Days from the observation to the TLS certificate's expiry (negative once expired).
      tls_days_left: "date_diff('second', ts, TRY_CAST(attrs['tls_not_after'] AS TIMESTAMPTZ)) / 86400.0",
      // A StatefulSet whose pods are not all on the update revision yet.
      update_pending: "attrs['current_revision'] IS DISTINCT FROM attrs['update_revision']",
      // Share of the certificate's lifetime gone, taking the Secret's creation as its issue time.
      tls_lifetime_used:
        "date_diff('second', created_at, ts) / nullif(date_diff('second', created_at, TRY_CAST(attrs['tls_not_after'] AS TIMESTAMPTZ)), 0)",
    },
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', kind || ' ' || name, watch_event, 'phase ' || phase, status_reason,
      CASE WHEN replicas_desired IS NOT NULL THEN 'replicas ' || coalesce(replicas_ready, 0) || '/' || replicas_desired || ' ready' END)`,
    source: 'object',
  },
  conditions: {
    columns: [
      'ts',
      'api_version',
      'kind',
      'namespace',
      'name',
      'uid',
      'watch_event',
      'resource_version',
      'type',
      'status',
      'reason',
      'message',
      'last_transition',
    ],
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', kind || ' ' || name || ':', type || '=' || status, reason, CASE WHEN message IS NOT NULL THEN '- ' || message END)`,
    source: 'object',
  },
  events: {
    columns: columnsOf('event'),
    // The admission webhook an event's message names ("failed calling webhook \"x\"", "admission
    // webhook \"x\" denied the request").
    virtual: { webhook: `nullif(regexp_extract(event_message, 'webhook "([^"]+)"', 1), '')` },
    subject: { kind: 'kind', name: 'name', container: 'container' },
    excerpt: `concat_ws(' ', event_type, event_reason, CASE WHEN event_count > 1 THEN '(x' || event_count || ')' END, 'on ' || kind || ' ' || name || ':', event_message)`,
    source: 'event',
  },
  audit: {
    columns: columnsOf('audit'),
    virtual: { actor: 'coalesce(audit_impersonated_user, audit_user)' },
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', coalesce(audit_impersonated_user, audit_user), audit_verb, audit_uri, '→ ' || audit_code)`,
    source: 'audit',
  },
  logs: {
    columns: columnsOf('log'),
    subject: { kind: quote('Pod'), name: 'name', container: 'container' },
    excerpt: `concat_ws(' ', container || CASE WHEN log_previous THEN ' (previous)' ELSE '' END || ':', log_line)`,
    source: 'log',
  },
  changes: {
    columns: [
      'ts',
      'api_version',
      'kind',
      'namespace',
      'name',
      'uid',
      'change',
      'old',
      'new',
      'actor',
      'actor_verb',
      'actor_ts',
    ],
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', coalesce(actor, 'someone'), CASE actor_verb WHEN 'patch' THEN 'patched' WHEN 'update' THEN 'updated'
      WHEN 'create' THEN 'created' WHEN 'delete' THEN 'deleted' ELSE 'changed' END, kind || ' ' || coalesce(namespace || '/', '') || name || ':',
      CASE WHEN change = 'deleted' THEN 'deleted' ELSE change || ' ' || coalesce(old, '(none)') || ' → ' || coalesce(new, '(none)') END)`,
    source: 'object',
  },
  memory_usage: {
    columns: ['ts', 'namespace', 'pod', 'container', 'node', 'working_set_bytes', 'limit_bytes', 'ratio'],
    subject: { kind: quote('Pod'), name: 'pod', container: 'container' },
    excerpt: `'working set ' || CAST(round(working_set_bytes / 1048576.0) AS BIGINT) || ' MiB of ' || CAST(round(limit_bytes / 1048576.0) AS BIGINT) || ' MiB limit (' || CAST(round(ratio * 100) AS BIGINT) || '%)'`,
    source: 'metric',
  },
  cpu_throttling: {
    columns: ['ts', 'namespace', 'pod', 'container', 'node', 'throttled_ratio', 'periods'],
    subject: { kind: quote('Pod'), name: 'pod', container: 'container' },
    excerpt: `'CPU throttled in ' || CAST(round(throttled_ratio * 100) AS BIGINT) || '% of ' || periods || ' CFS periods'`,
    source: 'metric',
  },
  services: {
    columns: [
      'ts',
      'namespace',
      'name',
      'uid',
      'selector',
      'type',
      'matching_pods',
      'ready_endpoints',
      'not_ready_endpoints',
    ],
    subject: { kind: quote('Service'), name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', 'Service ' || name || ':', matching_pods || ' matching pods,', coalesce(ready_endpoints, 0) || ' ready and ' || coalesce(not_ready_endpoints, 0) || ' not ready endpoints')`,
    source: 'object',
  },
  metrics: {
    columns: columnsOf('metric'),
    subject: { kind: 'coalesce(kind, ' + quote('Pod') + ')', name: 'name', container: 'container' },
    excerpt: `metric_name || ' = ' || CAST(round(metric_value, 3) AS VARCHAR)`,
    source: 'metric',
  },
};

export class SignalCompileError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

interface CompiledWhere {
  sql: string;
  params: DuckDBValue[];
}

function splitKey(key: string): { field: string; op: Operator } {
  const [field, op = 'eq', ...rest] = key.split('|');
  if (rest.length > 0 || !field) throw new SignalCompileError(`"${key}" has more than one "|"`, key);
  if (!(OPERATORS as readonly string[]).includes(op)) {
    throw new SignalCompileError(`unknown operator "${op}" (use one of ${OPERATORS.join(', ')})`, key);
  }
  return { field, op: op as Operator };
}

/** `labels.app` reads a key of a MAP column; anything else must be a column of the view. */
function fieldSql(view: SignalView, field: string, key: string): string {
  const dot = field.indexOf('.');
  if (dot > 0) {
    const column = field.slice(0, dot);
    if (
      !['labels', 'selector', 'attrs', 'metric_labels'].includes(column) ||
      !VIEW_SPECS[view].columns.includes(column)
    ) {
      throw new SignalCompileError(
        `"${field}": only the map columns labels, selector, attrs and metric_labels take a key`,
        key,
      );
    }
    return `"${column}"[${quote(field.slice(dot + 1))}]`;
  }
  const virtual = VIEW_SPECS[view].virtual?.[field];
  if (virtual) return `(${virtual})`;
  if (!VIEW_SPECS[view].columns.includes(field)) {
    throw new SignalCompileError(`the ${view} view has no column "${field}"`, key);
  }
  return `"${field}"`;
}

export function compileWhere(view: SignalView, where: Where): CompiledWhere {
  const parts: string[] = [];
  const params: DuckDBValue[] = [];
  for (const [key, value] of Object.entries(where)) {
    const { field, op } = splitKey(key);
    const column = fieldSql(view, field, key);
    const scalar = (v: unknown) => {
      if (Array.isArray(v)) throw new SignalCompileError(`operator ${op} takes one value, not a list`, key);
      return v as DuckDBValue;
    };
    const list = (v: unknown) => {
      if (!Array.isArray(v) || v.length === 0)
        throw new SignalCompileError(`operator ${op} takes a non-empty list`, key);
      return v as DuckDBValue[];
    };
    switch (op) {
      case 'eq':
        if (value === null) parts.push(`${column} IS NULL`);
        else if (Array.isArray(value))
          throw new SignalCompileError('a list needs the "in" operator (field|in)', key);
        else {
          parts.push(`${column} = ?`);
          params.push(value);
        }
        break;
      case 'ne':
        if (value === null) parts.push(`${column} IS NOT NULL`);
        else {
          parts.push(`${column} IS DISTINCT FROM ?`);
          params.push(scalar(value));
        }
        break;
      case 'in':
      case 'not_in': {
        const values = list(value);
        parts.push(
          `${op === 'in' ? '' : 'coalesce(NOT '}${column} IN (${values.map(() => '?').join(', ')})${op === 'in' ? '' : ', true)'}`,
        );
        params.push(...values);
        break;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const symbol = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
        // Map values (attrs, labels) are text: compare them as numbers when the bound is one.
        const operand =
          field.includes('.') && typeof value === 'number' ? `TRY_CAST(${column} AS DOUBLE)` : column;
        parts.push(`${operand} ${symbol} ?`);
        params.push(scalar(value));
        break;
      }
      case 'contains':
        parts.push(`contains(${column}, ?)`);
        params.push(String(scalar(value)));
        break;
      case 'not_contains':
        parts.push(`NOT coalesce(contains(${column}, ?), false)`);
        params.push(String(scalar(value)));
        break;
      case 'not_re':
        parts.push(`NOT coalesce(regexp_matches(${column}, ?), false)`);
        params.push(String(scalar(value)));
        break;
      case 'startswith':
        parts.push(`starts_with(${column}, ?)`);
        params.push(String(scalar(value)));
        break;
      case 're':
        parts.push(`regexp_matches(${column}, ?)`);
        params.push(String(scalar(value)));
        break;
      case 'exists':
        parts.push(value === false ? `${column} IS NULL` : `${column} IS NOT NULL`);
        break;
    }
  }
  return { sql: parts.length > 0 ? parts.map((p) => `(${p})`).join(' AND ') : 'true', params };
}

/** SQL expressions for the subject of a signal's rows: the view's own, or the signal's override. */
export function subjectSql(signal: Signal): {
  namespace: string;
  kind: string;
  name: string;
  container: string;
} {
  const view = VIEW_SPECS[signal.from];
  const override = signal.subject;
  if (!override) return { namespace: 'namespace', ...view.subject };
  return {
    namespace:
      override.namespace === null
        ? 'CAST(NULL AS VARCHAR)'
        : override.namespace === undefined
          ? 'namespace'
          : fieldSql(signal.from, override.namespace, 'subject.namespace'),
    kind: quote(override.kind),
    name: fieldSql(signal.from, override.name, 'subject.name'),
    container: 'CAST(NULL AS VARCHAR)',
  };
}

/** A row's place among the versions of its object (VERSION_ORDER_SQL); null in views without one. */
function versionOf(view: SignalView): string {
  return VIEW_SPECS[view].columns.includes('resource_version') ? VERSION_NUMBER_SQL : 'CAST(NULL AS HUGEINT)';
}

function timeOrder(view: SignalView, direction: 'ASC' | 'DESC' = 'ASC'): string {
  return `ts ${direction}, ${versionOf(view)} ${direction} NULLS FIRST`;
}

/** Views whose rows are versions of a state that holds until the subject's next row, as opposed to
 * point observations (events, audit entries, log lines, samples, changes). */
const STATE_VIEWS: ReadonlySet<SignalView> = new Set([
  'containers',
  'pods',
  'objects',
  'conditions',
  'services',
]);

/**
 * The rows a signal reads, each with `next_ts`: when the subject was next observed (a state lasts
 * until then; null for its newest row). With `latest`, only each subject's newest row, so that a
 * condition on it describes the subject's final state.
 *
 * `next_ts` needs each subject's whole history, but only the few subjects with a row that matches
 * `matching` (the signal's own filter, params in order) can hit: their histories alone are ordered,
 * not those of every pod of the cluster.
 */
function fromClause(
  signal: Signal,
  subject: { namespace: string; kind: string; name: string; container: string },
  matching: { sql: string; params: DuckDBValue[] },
): { sql: string; params: DuckDBValue[] } {
  if (!STATE_VIEWS.has(signal.from) && !signal.latest)
    return { sql: `(SELECT *, ts AS next_ts FROM ${signal.from})`, params: [] };
  // Conditions: each condition type has its own history.
  const keys = [subject.namespace, subject.kind, subject.name, subject.container];
  if (signal.from === 'conditions') keys.push('type');
  const candidates = `SELECT DISTINCT ${keys.map((k, i) => `${k} AS k${i}`).join(', ')} FROM ${signal.from} WHERE ${matching.sql}`;
  const sameSubject = keys.map((k, i) => `${k} IS NOT DISTINCT FROM candidate.k${i}`).join(' AND ');
  const rows = `SELECT *, lead(ts) OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${timeOrder(signal.from)}) AS next_ts
    FROM ${signal.from} SEMI JOIN (${candidates}) AS candidate ON ${sameSubject}`;
  return { sql: signal.latest ? `(${rows} QUALIFY next_ts IS NULL)` : `(${rows})`, params: matching.params };
}

/** A signal's `window` narrows the analysed range to its last part. */
function signalRange(signal: Signal, range: { start: string; end: string }): { start: string; end: string } {
  if (!signal.window) return range;
  const start = Date.parse(range.end) - durationMs(signal.window);
  return {
    start: start > Date.parse(range.start) ? new Date(start).toISOString() : range.start,
    end: range.end,
  };
}

/** Which subjects a query is about; all of them when `names` is not given. */
export interface SubjectScope {
  /** Subject names (`s_name`): asked of every view row before anything else is computed. */
  names?: readonly string[];
}

export interface CompiledSignal {
  sql: string;
  params: DuckDBValue[];
}

/**
 * "max ≥ N" holds exactly when some row is ≥ N (and "min ≤ N" when some row is ≤ N): filtering rows
 * instead of the aggregate makes the signal start when the threshold was crossed, and keeps the
 * evidence to the rows that crossed it.
 */
function rowThreshold(signal: Signal): { rowLevel: boolean; sql: string; params: DuckDBValue[] } {
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

/**
 * What every query of a signal shares: its range, view and subject, and `matching`, the condition
 * on the view's rows it matches (range, `where` and `any`, a row-level threshold, the scope).
 */
function signalParts(signal: Signal, analysed: { start: string; end: string }, scope: SubjectScope = {}) {
  const where = compileWhere(signal.from, signal.where);
  const alternatives = (signal.any ?? []).map((w) => compileWhere(signal.from, w));
  const any = alternatives.length > 0 ? ` AND (${alternatives.map((a) => `(${a.sql})`).join(' OR ')})` : '';
  const threshold = rowThreshold(signal);
  const range = signalRange(signal, analysed);
  const subject = subjectSql(signal);
  const inScope = scope.names ? ` AND ${subject.name} IN (SELECT unnest(?::VARCHAR[]))` : '';
  return {
    range,
    view: VIEW_SPECS[signal.from],
    subject,
    matching: {
      sql: `ts >= ?::TIMESTAMPTZ AND ts <= ?::TIMESTAMPTZ AND ${where.sql}${any}${threshold.sql}${inScope}`,
      params: [
        range.start,
        range.end,
        ...where.params,
        ...alternatives.flatMap((a) => a.params),
        ...threshold.params,
        ...(scope.names ? [listValue([...scope.names])] : []),
      ] as DuckDBValue[],
    },
  };
}

/**
 * SQL that is true when the view has a row the signal matches in [start, end]: a signal without one
 * cannot hit, and asking this costs a fraction of planning the signal's whole query.
 */
export function compileProbe(signal: Signal, analysed: { start: string; end: string }): CompiledSignal {
  const { matching } = signalParts(signal, analysed);
  return { sql: `EXISTS (SELECT 1 FROM ${signal.from} WHERE ${matching.sql})`, params: matching.params };
}

/**
 * SQL returning one row per subject that shows the signal in [start, end]:
 * s_namespace, s_kind, s_name, s_container, first, last, occurrences, value, and text (the newest
 * matching row's excerpt: an event's message, a change with its author).
 */
export function compileSignal(
  signal: Signal,
  analysed: { start: string; end: string },
  scope: SubjectScope = {},
): CompiledSignal {
  const { range, view, subject, matching } = signalParts(signal, analysed, scope);
  const aggregate = signal.aggregate;
  const valueField = aggregate?.field ? fieldSql(signal.from, aggregate.field, 'aggregate.field') : 'NULL';
  // Events repeat: one row per version of the Event object, whose count grows; eventBursts turns
  // counts into the occurrences each version adds. Other views count rows.
  const occurrence = signal.from === 'events' ? 'coalesce(event_count, 1)' : '1';
  // An Event row stands for all its occurrences: the first of them is when the signal began. This is
  // what keeps a timeline in snapshot bundles, which hold only the latest version of each Event.
  const firstSeen = signal.from === 'events' ? 'least(ts, coalesce(event_first, ts))' : 'ts';
  // A state lasts until the subject's next version, or the end of the window for its newest one:
  // an Endpoints object rewritten only when it changes stays empty until that change.
  // A deleted object's last state ends with its deletion.
  const deleted = VIEW_SPECS[signal.from].columns.includes('watch_event')
    ? `watch_event = 'DELETED'`
    : 'false';
  const until = STATE_VIEWS.has(signal.from)
    ? `CASE WHEN ${deleted} THEN ts ELSE least(coalesce(next_ts, ?::TIMESTAMPTZ), ?::TIMESTAMPTZ) END`
    : 'ts';
  const identity =
    signal.from === 'events'
      ? `coalesce(event_uid, event_reason || '|' || coalesce(event_message, ''))`
      : 'NULL';
  // Over the per-identity rows below.
  const valueAggregate = aggregate
    ? {
        max: 'max(max_v)',
        min: 'min(min_v)',
        sum: 'sum(sum_v)',
        delta: 'max(max_v) - min(min_v)',
        count: 'sum(occurrences)',
      }[aggregate.fn]
    : 'NULL';
  const { rowLevel } = rowThreshold(signal);
  const thresholds: string[] = ['occurrences >= ?'];
  const thresholdParams: DuckDBValue[] = [signal.min_count];
  if (signal.lasting) {
    thresholds.push(`epoch_ms(last) - epoch_ms(first) >= ?`);
    thresholdParams.push(durationMs(signal.lasting));
  }
  for (const [key, symbol] of [
    ['gte', '>='],
    ['gt', '>'],
    ['lte', '<='],
    ['lt', '<'],
  ] as const) {
    const bound = aggregate?.[key];
    if (bound !== undefined && !rowLevel) {
      thresholds.push(`value ${symbol} ?`);
      thresholdParams.push(bound);
    }
  }
  const from = fromClause(signal, subject, matching);
  const hitsSql = `
      SELECT ${subject.namespace} AS s_namespace, ${subject.kind} AS s_kind, ${subject.name} AS s_name,
             ${subject.container} AS s_container, ts, ${firstSeen} AS first_seen, ${until} AS until,
             ${occurrence} AS n, ${identity} AS identity,
             ${valueField} AS v,
             ${view.excerpt} AS excerpt, ${versionOf(signal.from)} AS version
      FROM ${from.sql}
      WHERE ${matching.sql}`;
  const sql = `
    WITH hits AS (${signal.from === 'events' ? eventBursts(hitsSql, signal.min_count) : hitsSql}),
    per_identity AS (
      SELECT s_namespace, s_kind, s_name, s_container, identity, min(first_seen) AS first, max(until) AS last,
             sum(n) AS occurrences, max(v) AS max_v, min(v) AS min_v, sum(v) AS sum_v,
             arg_max(excerpt, (ts, version, excerpt)) AS excerpt
      FROM hits GROUP BY ALL
    ),
    per_subject AS (
      SELECT s_namespace, s_kind, s_name, s_container, min(first) AS first, max(last) AS last,
             sum(occurrences)::DOUBLE AS occurrences,
             (${valueAggregate})::DOUBLE AS value, arg_max(excerpt, (last, excerpt)) AS text
      FROM per_identity GROUP BY ALL
    )
    SELECT s_namespace, s_kind, s_name, s_container,
           strftime(first, '%Y-%m-%dT%H:%M:%S.%fZ') AS first, strftime(last, '%Y-%m-%dT%H:%M:%S.%fZ') AS last,
           occurrences, value, text
    FROM per_subject WHERE ${thresholds.join(' AND ')}
    ORDER BY s_namespace, s_kind, s_name, s_container`;
  return {
    sql,
    params: [
      ...(STATE_VIEWS.has(signal.from) ? [range.end, range.end] : []),
      ...from.params,
      ...matching.params,
      ...thresholdParams,
    ],
  };
}

/** Occurrences of an Event further apart than this belong to separate bursts. Repeating sources
 * (probes every few seconds, back-off restarts at most 5 minutes apart, mount retries every 2) stay
 * within one burst while the problem lasts. */
const BURST_GAP = '15 minutes';

/**
 * Events, in bursts: the event recorder folds repeats into one Event whose count grows and whose
 * firstTimestamp stays at the first occurrence, even when that was a lone probe failure at start-up
 * half an hour before the real trouble. Each version of an Event stands for the occurrences since
 * its previous version (the first for all those since firstTimestamp); occurrences separated by a
 * quiet gap form separate bursts, and only bursts that reach the signal's `min_count` on their own
 * count. Without this, two failed probes at 08:50 and 09:20 read as one problem since 08:50.
 */
function eventBursts(hitsSql: string, minCount: number): string {
  const subjectColumns = 's_namespace, s_kind, s_name, s_container';
  return `
    SELECT * EXCLUDE (prev_n, starts_burst, burst, burst_n) FROM (
      SELECT *, sum(n) OVER (PARTITION BY ${subjectColumns}, burst) AS burst_n FROM (
        SELECT *, sum(starts_burst) OVER (PARTITION BY ${subjectColumns} ORDER BY first_seen, ts
                                          ROWS UNBOUNDED PRECEDING) AS burst
        FROM (
          SELECT *, CASE WHEN first_seen - max(ts) OVER (PARTITION BY ${subjectColumns} ORDER BY first_seen, ts
                                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                              > INTERVAL '${BURST_GAP}' THEN 1 ELSE 0 END AS starts_burst
          FROM (
            SELECT * REPLACE (
                     CASE WHEN prev_n IS NULL THEN first_seen ELSE ts END AS first_seen,
                     CASE WHEN prev_n IS NULL THEN n ELSE n - least(prev_n, n) END AS n)
            FROM (SELECT *, lag(n) OVER (PARTITION BY ${subjectColumns}, identity ORDER BY ts, n) AS prev_n FROM (${hitsSql}))
          )
        )
      )
    ) WHERE burst_n >= ${Math.max(1, Math.floor(minCount))}`;
}

/** Evidence rows of a signal, at most `limit` per subject: how it began (the first row) and where it
 * ended up (the newest ones). */
export function compileEvidence(
  signal: Signal,
  analysed: { start: string; end: string },
  limit: number,
  scope: SubjectScope = {},
): CompiledSignal {
  const { view, subject, matching } = signalParts(signal, analysed, scope);
  // Only `latest` needs each subject's history here: evidence rows are the matching rows themselves.
  const from = signal.latest
    ? fromClause(signal, subject, matching)
    : { sql: `(SELECT * FROM ${signal.from})`, params: [] };
  const sql = `
    SELECT * FROM (
      SELECT ${subject.namespace} AS s_namespace, ${subject.kind} AS s_kind, ${subject.name} AS s_name,
             ${subject.container} AS s_container,
             strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, ${quote(view.source)} AS source, ${view.excerpt} AS excerpt,
             row_number() OVER (PARTITION BY ${subject.namespace}, ${subject.kind}, ${subject.name}, ${subject.container} ORDER BY ${timeOrder(signal.from, 'DESC')}, ${view.excerpt}) AS rank,
             row_number() OVER (PARTITION BY ${subject.namespace}, ${subject.kind}, ${subject.name}, ${subject.container} ORDER BY ${timeOrder(signal.from)}, ${view.excerpt}) AS onset
      FROM ${from.sql}
      WHERE ${matching.sql}
    ) WHERE onset = 1 OR rank < ${Math.max(1, Math.floor(limit))}
    ORDER BY s_namespace, s_kind, s_name, s_container, onset`;
  return { sql, params: [...from.params, ...matching.params] };
}
