// Compiles the evidence of a signal: the rows shown to the reader for each subject it matched.

import type { Signal } from './schema.ts';
import {
  BUNDLE_KEY,
  type CompiledSignal,
  fromClause,
  type SubjectScope,
  signalParts,
  subjectKeys,
  timeOrder,
  viewRows,
} from './signal-rows.ts';
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
    ? fromClause(signal, subject, matching, scope)
    : { sql: `(SELECT * FROM ${viewRows(signal, scope)})`, params: [] };
  const keys = subjectKeys(scope, [subject.namespace, subject.kind, subject.name, subject.container]).join(
    ', ',
  );
  const sql = `
    SELECT * FROM (
      SELECT ${scope.group ? `${BUNDLE_KEY}, ` : ''}${subject.namespace} AS s_namespace, ${subject.kind} AS s_kind, ${subject.name} AS s_name,
             ${subject.container} AS s_container,
             strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, ${quote(view.source)} AS source, ${view.excerpt} AS excerpt,
             row_number() OVER (PARTITION BY ${keys} ORDER BY ${timeOrder(signal.from, 'DESC')}, ${view.excerpt}) AS rank,
             row_number() OVER (PARTITION BY ${keys} ORDER BY ${timeOrder(signal.from)}, ${view.excerpt}) AS onset
      FROM ${from.sql}
      WHERE ${matching.sql}
    ) WHERE onset = 1 OR rank < ${Math.max(1, Math.floor(limit))}
    ORDER BY ${scope.group ? `${BUNDLE_KEY}, ` : ''}s_namespace, s_kind, s_name, s_container, onset`;
  return { sql, params: [...from.params, ...matching.params] };
}
