// Compiles the evidence of a signal: the rows shown to the reader for each subject it matched.

import type { Signal } from './schema.ts';
import { type CompiledSignal, fromClause, type SubjectScope, signalParts, timeOrder } from './signal-rows.ts';
import { quote } from './where.ts';

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
