// What happened to each object at an instant: its Events, the writes the audit log shows and its
// log lines, grouped per lane (and per minute when there are many) with a few excerpts each.

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

/** Rows of `view` in the window; above `limits.exactMarks`, marks group a lane's minute. */
async function bucketFor(
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
  const n = row?.n ?? 0;
  return { rows: n, perMinute: n > limits.exactMarks };
}

const bucketSql = (perMinute: boolean) => (perMinute ? `date_trunc('minute', ts)` : 'ts');

export interface MarkReading {
  marks: LaneMark[];
  /** Sources whose rows were grouped per minute, with their row counts. */
  grouped: { source: string; rows: number }[];
}

export async function readMarks(
  bundle: Bundle,
  window: Window,
  limits: TimelineLimits,
): Promise<MarkReading> {
  const grouped: MarkReading['grouped'] = [];
  const chars = limits.textChars;
  const marks: LaneMark[] = [];

  const events = await bucketFor(bundle, 'events', 'name IS NOT NULL', window, limits);
  if (events.perMinute) grouped.push({ source: 'Events', rows: events.rows });
  marks.push(
    ...(await bundle.query<LaneMark>(
      `SELECT kind, namespace, name, CAST(epoch_ms(min(ts)) - $1 AS DOUBLE) AS t,
              CASE WHEN event_type = 'Warning' THEN 'warning' ELSE 'event' END AS type,
              CAST(sum(coalesce(event_count, 1)) AS INTEGER) AS count,
              coalesce(event_reason, '(no reason)') AS label,
              list_transform(list(DISTINCT event_message)[1:2], m -> left(m, ${chars})) AS text
       FROM events WHERE name IS NOT NULL AND epoch_ms(ts) BETWEEN $1 AND $2
       GROUP BY kind, namespace, name, ${bucketSql(events.perMinute)}, event_type, event_reason`,
      [window.t0, window.endMs],
    )),
  );

  const writes = `audit_verb IN ('create', 'update', 'patch', 'delete') AND name IS NOT NULL`;
  const audit = await bucketFor(bundle, 'audit', writes, window, limits);
  if (audit.perMinute) grouped.push({ source: 'audited writes', rows: audit.rows });
  marks.push(
    ...(await bundle.query<LaneMark>(
      `SELECT kind, namespace, name, CAST(epoch_ms(min(ts)) - $1 AS DOUBLE) AS t, 'audit' AS type,
              CAST(count(*) AS INTEGER) AS count,
              audit_verb || coalesce(' ' || nullif(audit_subresource, ''), '') || ' by ' || actor
                || CASE WHEN coalesce(audit_code, 200) >= 400 THEN ' (refused, ' || audit_code || ')' ELSE '' END AS label,
              list_transform(list(DISTINCT audit_uri)[1:2], u -> left(u, ${chars})) AS text
       FROM (SELECT *, coalesce(audit_impersonated_user, audit_user, 'unknown user') AS actor FROM audit)
       WHERE ${writes} AND epoch_ms(ts) BETWEEN $1 AND $2
       GROUP BY kind, namespace, name, ${bucketSql(audit.perMinute)}, audit_verb, audit_subresource, actor,
                coalesce(audit_code, 200) >= 400, audit_code`,
      [window.t0, window.endMs],
    )),
  );

  // Log lines are many and alike: a lane's minute shows its count and a few lines, errors first.
  marks.push(
    ...(await bundle.query<LaneMark>(
      `SELECT coalesce(kind, 'Pod') AS kind, namespace, name, CAST(epoch_ms(min(ts)) - $1 AS DOUBLE) AS t, 'log' AS type,
              CAST(count(*) AS INTEGER) AS count,
              CAST(count(*) AS VARCHAR) || CASE WHEN count(*) = 1 THEN ' log line' ELSE ' log lines' END AS label,
              list_transform(
                list(coalesce(container || ': ', '') || log_line
                     ORDER BY regexp_matches(log_line, '(?i)error|fatal|panic|exception|fail|refused|denied') DESC, ts)[1:3],
                l -> left(l, ${chars})) AS text
       FROM logs WHERE name IS NOT NULL AND log_line IS NOT NULL AND epoch_ms(ts) BETWEEN $1 AND $2
       GROUP BY coalesce(kind, 'Pod'), namespace, name, date_trunc('minute', ts)`,
      [window.t0, window.endMs],
    )),
  );
  return { marks, grouped };
}

const PRIORITY: Record<Mark['type'], number> = { warning: 0, audit: 1, log: 2, event: 3 };

/** A lane's marks in time order, at most `limit`: warnings, writes and logs are kept before the rest. */
export function boundMarks(marks: Mark[], limit: number): { marks: Mark[]; dropped: number } {
  const kept =
    marks.length <= limit
      ? marks
      : [...marks].sort((a, b) => PRIORITY[a.type] - PRIORITY[b.type] || b.count - a.count).slice(0, limit);
  return { marks: [...kept].sort((a, b) => a.t - b.t), dropped: marks.length - kept.length };
}
