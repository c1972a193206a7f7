// The bundle rows of the audit logs read in SQL (read.ts): the stages of one request joined into
// one row as AuditStageJoiner joins them, the columns auditRow fills, the body audit-body.ts keeps,
// every text redacted by the bundle's redaction (members.ts) — the rows the line-by-line reader
// would have written, byte for byte.

import type { Database } from '../../bundle/duckdb.ts';
import { STATS_TIME_FORMAT } from '../../bundle/final-bundle.ts';
import { canonicalBody } from '../../bundle/segment-format.ts';
import { sortedRowsSql } from '../../bundle/sql-rows.ts';
import { MEMBER_TABLES } from './members.ts';
import { BODY_COLUMNS, BODY_MEMBERS, LINES_TABLE } from './read.ts';

export const FLAGS_TABLE = 'kstory_audit_flags';
export const FILES_TABLE = 'kstory_audit_files';
/** IDs of requests the line-by-line reader wrote (from other inputs): their lines here are repeats. */
export const OTHER_IDS_TABLE = 'kstory_audit_other_ids';

/** Line numbers fit 40 bits, file numbers the 16 above them, the stage the top bits. */
const ORD = '((file_no::BIGINT << 40) + line_no)';
const STAGE_SHIFT = 56n;

/**
 * Which lines become rows and which are repeats, as AuditStageJoiner decides line after line: a
 * request is written at its first line of stage ResponseComplete or Panic, any line after that is a
 * repeat; a request that never completes is written as its latest parsed stage (its last line of
 * that stage), or as its first line if all are RequestReceived lines left unparsed. Before it is
 * written, a line repeats the stage waiting (an unparsed RequestReceived line: any line waiting).
 */
export async function flagLines(db: Database, otherIds: boolean): Promise<void> {
  const mask = (1n << STAGE_SHIFT) - 1n;
  const other = otherIds ? `id_key IN (SELECT id_key FROM ${OTHER_IDS_TABLE})` : 'false';
  await db.run(
    `CREATE OR REPLACE TABLE ${FLAGS_TABLE} AS
     WITH w AS (
       SELECT file_no, line_no, id_key, stage_order, received_form, ${ORD} AS ord,
         min(${ORD}) FILTER (WHERE stage_order >= 2) OVER whole AS done_at,
         max((stage_order::BIGINT << ${STAGE_SHIFT}) + ${ORD}) FILTER (WHERE NOT received_form) OVER whole AS top,
         min(${ORD}) OVER whole AS first_at,
         count(*) OVER before AS seen,
         max(stage_order) FILTER (WHERE NOT received_form) OVER before AS waiting
       FROM ${LINES_TABLE} WHERE id_key IS NOT NULL
       WINDOW whole AS (PARTITION BY id_key),
              before AS (PARTITION BY id_key ORDER BY ${ORD} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
     )
     SELECT file_no, line_no,
       NOT (${other}) AND ord = coalesce(done_at, top & ${mask}, first_at) AS keep,
       (${other}) OR ord > coalesce(done_at, ord) OR (seen > 0 AND CASE
         WHEN received_form THEN true
         WHEN waiting IS NOT NULL THEN stage_order = waiting
         ELSE stage_order = 0 END) AS repeat
     FROM w`,
  );
}

/** Rows kept and repeats dropped, per log, and the first and last times of the rows kept. */
export async function countRows(
  db: Database,
): Promise<{ file_no: number; rows: number; repeats: number; first: string | null; last: string | null }[]> {
  const kept = 'WHERE coalesce(f.keep, true)';
  return db.all(
    `SELECT file_no, (count(*) FILTER (${kept}))::INTEGER AS rows,
       (count(*) FILTER (WHERE coalesce(f.repeat, false)))::INTEGER AS repeats,
       strftime(min(l.ts) FILTER (${kept}), '${STATS_TIME_FORMAT}') AS first,
       strftime(max(l.ts) FILTER (${kept}), '${STATS_TIME_FORMAT}') AS last
     FROM ${LINES_TABLE} l LEFT JOIN ${FLAGS_TABLE} f USING (file_no, line_no) GROUP BY file_no`,
  );
}

/** The distinct texts of the columns redaction looks at (the writer's rule applies to them). */
export function textColumnsSql(): string {
  const columns = [
    'namespace',
    'name',
    'uri',
    'agent',
    'resource',
    'subresource',
    'ref_group',
    'ref_version',
  ];
  const members = MEMBER_TABLES.filter((t) => t.member !== 'sourceIPs' && t.member !== 'responseStatus');
  return [
    ...columns.map((c) => `SELECT DISTINCT ${c} AS v FROM ${LINES_TABLE}`),
    ...members.map((t) => `SELECT value FROM ${t.table}`),
    'SELECT kind FROM kstory_audit_kinds',
    'SELECT name FROM kstory_audit_uri_names',
    `SELECT origin FROM ${FILES_TABLE}`,
    // api_version is group/version: a text of its own.
    `SELECT DISTINCT ref_group || '/' || ref_version FROM ${LINES_TABLE} WHERE ref_group <> '' AND ref_version <> ''`,
  ].join(' UNION ');
}

/** The bundle rows, every column of the format in order, sorted as the format is. */
export function rowsSql(redacts: boolean): string {
  const text = (expr: string) =>
    redacts ? `coalesce((SELECT r FROM kstory_audit_texts WHERE v = ${expr}), ${expr})` : expr;
  const group = "nullif(l.ref_group, '')";
  const version = "nullif(l.ref_version, '')";
  const member = (t: (typeof MEMBER_TABLES)[number]) => `m_${t.member}`;
  // Each member's part in the order of the entry (checked in read.ts): redacted and slimmed by its
  // table of distinct values, or its JSON text as it is.
  const parts = BODY_MEMBERS.map((m) => {
    const t = MEMBER_TABLES.find((t) => t.member === m);
    return t ? `${member(t)}.part` : `'${JSON.stringify(m)}:' || l.${BODY_COLUMNS[m]}`;
  });
  const body = `'{' || concat_ws(',', ${parts.join(', ')}) || '}'`;
  const values: Record<string, string> = {
    source: "'audit'",
    ts: 'l.ts',
    api_version: text(
      `CASE WHEN ${group} IS NOT NULL AND ${version} IS NOT NULL THEN ${group} || '/' || ${version} ELSE coalesce(${version}, ${group}) END`,
    ),
    kind: text('k.kind'),
    namespace: text("nullif(l.namespace, '')"),
    name: text("coalesce(nullif(l.name, ''), u.name)"),
    uid: "nullif(l.uid, '')",
    resource_version: "nullif(l.rv, '')",
    origin: text('f.origin'),
    body: canonicalBody(`(${body})`),
    audit_id: "nullif(l.id_key, '')",
    audit_stage: "nullif(l.stage, '')",
    audit_level: "'Metadata'",
    audit_verb: "nullif(l.verb, '')",
    audit_user: text(`${member(MEMBER_TABLES[0]!)}.value`),
    audit_impersonated_user: text(`${member(MEMBER_TABLES[1]!)}.value`),
    audit_user_agent: text("nullif(l.agent, '')"),
    audit_uri: text("nullif(l.uri, '')"),
    audit_resource: text("nullif(l.resource, '')"),
    audit_subresource: text("nullif(l.subresource, '')"),
    audit_decision: text(`${member(MEMBER_TABLES[4]!)}.value`),
    audit_code: `${member(MEMBER_TABLES[3]!)}.value`,
  };
  const joins = MEMBER_TABLES.map(
    (t) => `LEFT JOIN ${t.table} ${member(t)} ON ${member(t)}.j = l.${BODY_COLUMNS[t.member]}`,
  );
  return sortedRowsSql(
    values,
    `FROM ${LINES_TABLE} l ` +
      `LEFT JOIN ${FLAGS_TABLE} fl ON fl.file_no = l.file_no AND fl.line_no = l.line_no ` +
      `JOIN ${FILES_TABLE} f ON f.file_no = l.file_no ` +
      'LEFT JOIN kstory_audit_kinds k ON k.resource = l.resource ' +
      "LEFT JOIN kstory_audit_uri_names u ON coalesce(l.name, '') = '' AND u.uri = l.uri AND u.resource = l.resource " +
      `${joins.join(' ')} WHERE coalesce(fl.keep, true)`,
  );
}
