// Compiles a pattern signal into the SQL detection asks: whether the view has a matching row at all
// (the probe), and one row per subject that shows the signal, with when, how often and how much.

import type { DuckDBValue } from '@duckdb/node-api';
import { parseDuration } from '../vocab/duration.ts';
import type { Signal } from './schema.ts';
import {
  BUNDLE_KEY,
  type CompiledSignal,
  fromClause,
  hasEpisodes,
  rowThreshold,
  type SubjectScope,
  signalParts,
  subjectKeys,
  versionOf,
  viewRows,
} from './signal-rows.ts';
import { fieldSql } from './where.ts';

/**
 * SQL that is true when the view has a row the signal matches in [start, end]: a signal without one
 * cannot hit, and asking this costs a fraction of planning the signal's whole query.
 */
export function compileProbe(signal: Signal, analysed: { start: string; end: string }): CompiledSignal {
  const { matching } = signalParts(signal, analysed);
  return { sql: `EXISTS (SELECT 1 FROM ${signal.from} WHERE ${matching.sql})`, params: matching.params };
}

/** The probe of a group of bundles (SubjectScope.group): the keys of the bundles whose views have
 * a row the signal matches in their range. */
export function compileGroupProbe(signal: Signal): CompiledSignal {
  const scope = { group: true };
  const { matching } = signalParts(signal, NO_RANGE, scope);
  return {
    sql: `SELECT DISTINCT ${BUNDLE_KEY} FROM ${viewRows(signal, scope)} WHERE ${matching.sql}`,
    params: matching.params,
  };
}

/** The range of a group's queries, which read each bundle's from BUNDLE_RANGES instead. */
const NO_RANGE = { start: '', end: '' };

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
  const group = scope.group === true;
  const aggregate = signal.aggregate;
  const valueField = aggregate?.field ? fieldSql(signal.from, aggregate.field, 'aggregate.field') : 'NULL';
  // A row that stands for repeats (an Event) counts them, from the first of them, which is when the
  // signal began; other rows count once, when they were seen.
  const occurrence = view.repeats?.occurrences ?? '1';
  const firstSeen = view.repeats?.first ?? 'ts';
  // A state lasts until the subject's next version, or the end of the window for its newest one:
  // an Endpoints object rewritten only when it changes stays empty until that change.
  // A deleted object's last state ends with its deletion.
  const deleted = view.columns.has('watch_event') ? `watch_event = 'DELETED'` : 'false';
  const end = group ? 'range_end' : '?::TIMESTAMPTZ';
  const until = view.state
    ? `CASE WHEN ${deleted} THEN ts ELSE least(coalesce(next_ts, ${end}), ${end}) END`
    : 'ts';
  const episodes = hasEpisodes(signal);
  const identity = view.repeats?.identity ?? (episodes ? 'CAST(episode AS VARCHAR)' : 'NULL');
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
  // Runs of the state less than STATE_GAP apart are one episode (a crash-looping workload is ready
  // for moments between its failures); episodes that did not last are left out before the
  // subject's are combined.
  const keys = subjectKeys(scope, ['s_namespace', 's_kind', 's_name', 's_container']).join(', ');
  const lasted = episodes
    ? `SELECT ${keys}, CAST(episode AS VARCHAR) AS identity, min(first) AS first, max(last) AS last,
              sum(occurrences) AS occurrences, max(max_v) AS max_v, min(min_v) AS min_v, sum(sum_v) AS sum_v,
              arg_max(excerpt, (last, excerpt)) AS excerpt
       FROM (SELECT *, sum(CASE WHEN first - previous_last > INTERVAL '${STATE_GAP}' THEN 1 ELSE 0 END)
                         OVER (PARTITION BY ${keys} ORDER BY first ROWS UNBOUNDED PRECEDING) AS episode
             FROM (SELECT *, lag(last) OVER (PARTITION BY ${keys} ORDER BY first) AS previous_last FROM per_identity))
       GROUP BY ALL HAVING epoch_ms(max(last)) - epoch_ms(min(first)) >= ?`
    : 'SELECT * FROM per_identity';
  const episodeParams = episodes ? [parseDuration(signal.lasting!)] : [];
  if (signal.lasting && !episodes) {
    thresholds.push(`epoch_ms(last) - epoch_ms(first) >= ?`);
    thresholdParams.push(parseDuration(signal.lasting));
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
  const from = fromClause(signal, subject, matching, scope);
  const breakdown = signal.breakdown ? fieldSql(signal.from, signal.breakdown, 'breakdown') : 'NULL';
  const hitsSql = `
      SELECT ${group ? `${BUNDLE_KEY}, ` : ''}${subject.namespace} AS s_namespace, ${subject.kind} AS s_kind, ${subject.name} AS s_name,
             ${subject.container} AS s_container, ts, ${firstSeen} AS first_seen, ${until} AS until,
             ${occurrence} AS n, ${identity} AS identity,
             ${valueField} AS v, CAST(${breakdown} AS VARCHAR) AS b,
             ${view.excerpt} AS excerpt, ${versionOf(signal.from)} AS version
      FROM ${from.sql}
      WHERE ${matching.sql}`;
  // The breakdown's values with their counts, most frequent first, the first few of them.
  const breakdownSql = signal.breakdown
    ? `SELECT ${keys},
              array_to_string(list_slice(list(b || ' ×' || n ORDER BY n DESC, b), 1, ${BREAKDOWN_VALUES}), '; ')
                || CASE WHEN count(*) > ${BREAKDOWN_VALUES} THEN '; and ' || (count(*) - ${BREAKDOWN_VALUES}) || ' more' ELSE '' END AS breakdown
       FROM (SELECT ${keys}, b, sum(n)::BIGINT AS n FROM hits WHERE b IS NOT NULL GROUP BY ALL)
       GROUP BY ALL`
    : `SELECT ${group ? `NULL::BIGINT AS ${BUNDLE_KEY}, ` : ''}NULL::VARCHAR AS s_namespace, NULL::VARCHAR AS s_kind, NULL::VARCHAR AS s_name, NULL::VARCHAR AS s_container,
              NULL::VARCHAR AS breakdown WHERE false`;
  const sql = `
    WITH hits AS (${view.repeats ? repeatBursts(hitsSql, signal.min_count, keys) : hitsSql}),
    per_identity AS (
      SELECT ${keys}, identity, min(first_seen) AS first, max(until) AS last,
             sum(n) AS occurrences, max(v) AS max_v, min(v) AS min_v, sum(v) AS sum_v,
             arg_max(excerpt, (ts, version, excerpt)) AS excerpt
      FROM hits GROUP BY ALL
    ),
    lasted AS (${lasted}),
    per_subject AS (
      SELECT ${keys}, min(first) AS first, max(last) AS last,
             sum(occurrences)::DOUBLE AS occurrences,
             (${valueAggregate})::DOUBLE AS value, arg_max(excerpt, (last, excerpt)) AS text
      FROM lasted GROUP BY ALL
    ),
    breakdowns AS (${breakdownSql})
    SELECT ${group ? `p.${BUNDLE_KEY}, ` : ''}p.s_namespace, p.s_kind, p.s_name, p.s_container,
           strftime(first, '%Y-%m-%dT%H:%M:%S.%fZ') AS first, strftime(last, '%Y-%m-%dT%H:%M:%S.%fZ') AS last,
           occurrences, value, coalesce(k.breakdown, text) AS text
    FROM per_subject p LEFT JOIN breakdowns k
      ON k.s_namespace IS NOT DISTINCT FROM p.s_namespace AND k.s_kind IS NOT DISTINCT FROM p.s_kind
        AND k.s_name IS NOT DISTINCT FROM p.s_name AND k.s_container IS NOT DISTINCT FROM p.s_container${group ? ` AND k.${BUNDLE_KEY} = p.${BUNDLE_KEY}` : ''}
    WHERE ${thresholds.join(' AND ')}
    ORDER BY ${keys}`;
  return {
    sql,
    params: [
      ...(view.state && !group ? [range.end, range.end] : []),
      ...from.params,
      ...matching.params,
      ...episodeParams,
      ...thresholdParams,
    ],
  };
}

/** A state that held again within this long after it went did not end: the runs are one episode. */
const STATE_GAP = '5 minutes';
/** How many values of a breakdown its text names; the rest are counted. */
const BREAKDOWN_VALUES = 5;

/** Occurrences of an Event further apart than this belong to separate bursts. Repeating sources
 * (probes every few seconds, back-off restarts at most 5 minutes apart, mount retries every 2) stay
 * within one burst while the problem lasts. */
const BURST_GAP = '15 minutes';

/**
 * Repeats in bursts: the event recorder folds repeats into one Event whose count grows and whose
 * firstTimestamp stays at the first occurrence, even when that was a lone probe failure at start-up
 * half an hour before the real trouble. Each version of an Event stands for the occurrences since
 * its previous version (the first for all those since firstTimestamp); occurrences separated by a
 * quiet gap form separate bursts, and only bursts that reach the signal's `min_count` on their own
 * count. Without this, two failed probes at 08:50 and 09:20 read as one problem since 08:50.
 */
function repeatBursts(hitsSql: string, minCount: number, subjectColumns: string): string {
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
