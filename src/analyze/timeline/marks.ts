// What happened to each object at an instant: its Events, the writes the audit log shows and its
// log lines, grouped per lane (and per minute when there are many) with a few excerpts each; at
// most a number per lane, warnings, writes and logs kept before normal Events.

import { listValue } from '../../bundle/duckdb.ts';
import type { Bundle } from '../../bundle/reader.ts';
import type { Mark, TimelineLimits } from './timeline.ts';

export interface LaneMark extends Mark {
  kind: string;
  namespace: string | null;
  name: string;
}

interface Window {
  t0: number;
  endMs: number;
}

const WRITES = `audit_verb IN ('create', 'update', 'patch', 'delete') AND name IS NOT NULL`;

/** Rows of `view` in the window; above `limits.exactMarks`, its marks group a lane's minute. */
async function perMinute(
  bundle: Bundle,
  view: string,
  where: string,
  window: Window,
  limits: TimelineLimits,
) {
  const [row] = await bundle.query<{ n: number }>(
    `SELECT CAST(count(*) AS INTEGER) AS n FROM ${view} WHERE ${where} AND epoch_ms(ts) BETWEEN $1 AND $2`,
    [window.t0, window.endMs],
  );
  const rows = row?.n ?? 0;
  return { rows, grouped: rows > limits.exactMarks };
}

const bucket = (grouped: boolean) => (grouped ? `date_trunc('minute', ts)` : 'ts');

export interface MarkReading {
  /** In time order per lane. */
  marks: LaneMark[];
  /** Sources whose rows were grouped per minute, with their row counts. */
  grouped: { source: string; rows: number }[];
  /** Marks left out by the per-lane limit. */
  dropped: number;
}

/** The marks of the lanes named by `keys` (`kind \0 namespace \0 name`). */
export async function readMarks(
  bundle: Bundle,
  window: Window,
  limits: TimelineLimits,
  keys: readonly string[],
): Promise<MarkReading> {
  const chars = limits.textChars;
  const events = await perMinute(bundle, 'events', 'name IS NOT NULL', window, limits);
  const audit = await perMinute(bundle, 'audit', WRITES, window, limits);
  const inWindow = 'epoch_ms(ts) BETWEEN $1 AND $2';
  const rows = await bundle.query<LaneMark & { dropped: number }>(
    `WITH lanes AS (SELECT unnest($3::VARCHAR[]) AS key),
     marks AS (
       SELECT kind, namespace, name, min(ts) AS ts,
              CASE WHEN event_type = 'Warning' THEN 'warning' ELSE 'event' END AS type,
              CAST(sum(coalesce(event_count, 1)) AS INTEGER) AS count,
              coalesce(event_reason, '(no reason)') AS label,
              list_transform(list(DISTINCT event_message)[1:2], m -> left(m, ${chars})) AS text
       FROM events WHERE name IS NOT NULL AND ${inWindow}
       GROUP BY kind, namespace, name, ${bucket(events.grouped)}, event_type, event_reason
       UNION ALL
       SELECT kind, namespace, name, min(ts), 'audit', CAST(count(*) AS INTEGER),
              audit_verb || coalesce(' ' || nullif(audit_subresource, ''), '') || ' by ' || actor
                || CASE WHEN coalesce(audit_code, 200) >= 400 THEN ' (refused, ' || audit_code || ')' ELSE '' END,
              list_transform(list(DISTINCT audit_uri)[1:2], u -> left(u, ${chars}))
       FROM (SELECT *, coalesce(audit_impersonated_user, audit_user, 'unknown user') AS actor FROM audit)
       WHERE ${WRITES} AND ${inWindow}
       GROUP BY kind, namespace, name, ${bucket(audit.grouped)}, audit_verb, audit_subresource, actor, audit_code
       UNION ALL
       -- Log lines are many and alike: a lane's minute shows its count and a few lines, errors first.
       SELECT coalesce(kind, 'Pod'), namespace, name, min(ts), 'log', CAST(count(*) AS INTEGER),
              CAST(count(*) AS VARCHAR) || CASE WHEN count(*) = 1 THEN ' log line' ELSE ' log lines' END,
              list_transform(
                list(coalesce(container || ': ', '') || log_line
                     ORDER BY regexp_matches(log_line, '(?i)error|fatal|panic|exception|fail|refused|denied') DESC, ts)[1:3],
                l -> left(l, ${chars}))
       FROM logs WHERE name IS NOT NULL AND log_line IS NOT NULL AND ${inWindow}
       GROUP BY coalesce(kind, 'Pod'), namespace, name, date_trunc('minute', ts)
     ),
     ranked AS (
       SELECT *, row_number() OVER (
                   PARTITION BY kind, namespace, name
                   ORDER BY CASE type WHEN 'warning' THEN 0 WHEN 'audit' THEN 1 WHEN 'log' THEN 2 ELSE 3 END, count DESC, ts
                 ) AS r,
              count(*) OVER (PARTITION BY kind, namespace, name) AS n
       FROM marks
       WHERE kind || chr(0) || coalesce(namespace, '') || chr(0) || name IN (SELECT key FROM lanes)
     )
     SELECT kind, namespace, name, CAST(epoch_ms(ts) - $1 AS DOUBLE) AS t, type, count, label, text,
            CAST(CASE WHEN r = 1 THEN greatest(n - $4, 0) ELSE 0 END AS INTEGER) AS dropped
     FROM ranked WHERE r <= $4
     ORDER BY kind, namespace, name, ts`,
    // The empty key, which names no lane, keeps the list typed as text when there is no lane.
    [window.t0, window.endMs, listValue(['', ...keys]), limits.marksPerLane],
  );
  const grouped: MarkReading['grouped'] = [];
  if (events.grouped) grouped.push({ source: 'Events', rows: events.rows });
  if (audit.grouped) grouped.push({ source: 'audited writes', rows: audit.rows });
  let dropped = 0;
  for (const row of rows) dropped += row.dropped;
  return { marks: rows, grouped, dropped };
}
