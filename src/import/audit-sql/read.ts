// Reading a plain Kubernetes audit log (kube-apiserver's JSON lines at level Metadata) in DuckDB:
// each line is parsed once there, into the staging table of typed values the rows are built from
// (rows.ts). A log this does not take whole (a damaged line, another level, a member it does not
// know, JSON null, keys out of the API server's order) is left to the line-by-line reader.

import { type Database, sqlString } from '../../bundle/duckdb.ts';
import { AUDIT_MEMBERS } from '../../kube/audit-body.ts';

/** The staging table: one row per audit line of every log read here. */
export const LINES_TABLE = 'kstory_audit_lines';

/** The members of an audit.k8s.io/v1 Event at level Metadata, in the order the API server writes them. */
const MEMBERS = AUDIT_MEMBERS.map((m) => m.name);

/**
 * Members that stay in a Metadata row's body, in that order (AUDIT_MEMBERS): those kept whole or in
 * part, but objectRef, whose members all have a column here (checked per line, see linesSql).
 */
export const BODY_MEMBERS = AUDIT_MEMBERS.filter(
  (m) => m.name !== 'objectRef' && (m.kept === 'whole' || typeof m.kept === 'function'),
).map((m) => m.name);

/** The staging table's column of each body member's JSON text. */
export const BODY_COLUMNS: Readonly<Record<string, string>> = {
  user: 'user_j',
  impersonatedUser: 'imp_j',
  sourceIPs: 'ips_j',
  responseStatus: 'status_j',
  requestReceivedTimestamp: 'rrt_j',
  annotations: 'ann_j',
};

/** objectRef's members: all of them have a column, so none stays in the body (see isObjectRefColumn). */
const REF_MEMBERS = [
  'resource',
  'subresource',
  'namespace',
  'name',
  'uid',
  'resourceVersion',
  'apiGroup',
  'apiVersion',
] as const;

/** Timestamps DuckDB reads as the line-by-line reader does (normalizeTs gives them back as they are). */
const UTC_MICROS_RE = '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?Z$';
/** The longest line read here (DuckDB's maximum_object_size). */
const MAX_LINE_BYTES = 16 << 20;

export async function createLinesTable(db: Database): Promise<void> {
  await db.run(
    `CREATE TABLE ${LINES_TABLE} (file_no INTEGER, line_no BIGINT, id_key VARCHAR, stage_order TINYINT, ` +
      'received_form BOOLEAN, ts TIMESTAMPTZ, stage VARCHAR, verb VARCHAR, uri VARCHAR, agent VARCHAR, ' +
      `${BODY_MEMBERS.map((m) => `${BODY_COLUMNS[m]} VARCHAR`).join(', ')}, ` +
      'resource VARCHAR, subresource VARCHAR, namespace VARCHAR, name VARCHAR, uid VARCHAR, rv VARCHAR, ' +
      'ref_group VARCHAR, ref_version VARCHAR, taken BOOLEAN)',
  );
}

/**
 * Read `file` (gzip when `gzip`) into the staging table as log `fileNo`. False when DuckDB cannot
 * parse a line or the log is not one taken here: nothing of it is kept, and the caller reads it
 * line by line.
 */
export async function readAuditLog(
  db: Database,
  file: string,
  fileNo: number,
  gzip: boolean,
): Promise<boolean> {
  try {
    await db.run(`INSERT INTO ${LINES_TABLE} ${linesSql(file, fileNo, gzip)}`);
  } catch {
    // A line that is not a JSON object, invalid UTF-8, a line too long: the line-by-line reader
    // says which line and why.
    return false;
  }
  const [check] = await db.all<{ refused: number }>(
    `SELECT count(*) FILTER (WHERE NOT taken)::INTEGER AS refused FROM ${LINES_TABLE} WHERE file_no = ${fileNo}`,
  );
  if ((check?.refused ?? 0) === 0) return true;
  await db.run(`DELETE FROM ${LINES_TABLE} WHERE file_no = ${fileNo}`);
  return false;
}

/** The column of a member's value as JSON text (null when absent or JSON null). */
function member(name: string): string {
  return `"j_${name}"`;
}

/** A JSON string value's text, or null for anything else. */
function unquoted(json: string): string {
  return `CASE WHEN starts_with(${json}, '"') THEN json_extract_string(${json}, '$') END`;
}

/** Absent, or a JSON value that starts this way (an object `{`, an array `[`, a string `"`). */
function absentOr(json: string, start: string): string {
  return `(${json} IS NULL OR starts_with(${json}, '${start}'))`;
}

export function linesSql(file: string, fileNo: number, gzip: boolean): string {
  const refStructure = sqlString(JSON.stringify(Object.fromEntries(REF_MEMBERS.map((m) => [m, 'JSON']))));
  const refStrings = REF_MEMBERS.map((m) => absentOr(`ref."${m}"`, '"')).join(' AND ');
  // objectRef's text is DuckDB's own: `{`, `}`, and per member `"name":value` and a comma but one.
  // When it is no longer than its known members, it has no other member, none twice and none null.
  const refLength = `1 + ${REF_MEMBERS.map((m) => `coalesce(${m.length + 4} + strlen(ref."${m}"), 0)`).join(' + ')}`;
  // The body members present keep the API server's order: each comes after those before it.
  const at = (m: string) => `"at_${m}"`;
  const order = BODY_MEMBERS.slice(1).map((m, i) => {
    const before = BODY_MEMBERS.slice(0, i + 1).map((b) => `coalesce(${at(b)}, 0)`);
    return `coalesce(${at(m)} > greatest(${before.join(', ')}), true)`;
  });
  // A RequestReceived line without a request body, which the line-by-line reader leaves unparsed
  // (readAuditLine), as kube-apiserver writes it (compact JSON).
  const id = member('auditID');
  const receivedForm = `(${member('stage')} = '"RequestReceived"' AND ${id} <> '""' AND NOT contains(${id}, '\\'))`;
  const read =
    `read_json(${sqlString(file)}, format = 'newline_delimited', records = false, ` +
    `columns = {'m': 'MAP(VARCHAR, JSON)'}, maximum_object_size = ${MAX_LINE_BYTES}, ` +
    `compression = '${gzip ? 'gzip' : 'uncompressed'}') WITH ORDINALITY AS t(m, line_no)`;
  const taken = [
    `${member('kind')} = '"Event"'`,
    `starts_with(${member('apiVersion')}, '"audit.k8s.io/')`,
    `${member('level')} = '"Metadata"'`,
    // Every key known, once, and none null (a key twice or null is one key more than the members
    // found, another key one more): what the columns and the body are built from is all there is.
    `len(k) = ${MEMBERS.map((m) => `(${member(m)} IS NOT NULL)::INTEGER`).join(' + ')}`,
    ...['auditID', 'stage', 'requestURI', 'verb', 'userAgent', 'requestReceivedTimestamp'].map((m) =>
      absentOr(member(m), '"'),
    ),
    ...['user', 'impersonatedUser', 'responseStatus', 'annotations', 'objectRef'].map((m) =>
      absentOr(member(m), '{'),
    ),
    absentOr(member('sourceIPs'), '['),
    `regexp_full_match(coalesce(${unquoted(member('stageTimestamp'))}, ''), '${UTC_MICROS_RE}')`,
    `(ref IS NULL OR (strlen(${member('objectRef')}) = ${refLength} AND ${refStrings} ` +
      // A group without a version would stay in the body: the line-by-line reader does that.
      `AND (ref.apiGroup IS NULL OR coalesce(${unquoted('ref.apiVersion')}, '') <> '')))`,
    ...order,
  ].join(' AND ');
  // Each member looked up once (a MAP lookup is a search of its keys).
  const members = MEMBERS.map((m) => `m[${sqlString(m)}] AS ${member(m)}`).join(', ');
  const positions = BODY_MEMBERS.map((m) => `list_position(k, ${sqlString(m)}) AS ${at(m)}`).join(', ');
  return (
    `SELECT ${fileNo}, line_no, ${unquoted(id)}, ` +
    `CASE ${unquoted(member('stage'))} WHEN 'ResponseStarted' THEN 1 WHEN 'ResponseComplete' THEN 2 WHEN 'Panic' THEN 3 ELSE 0 END, ` +
    `${receivedForm}, CAST(${unquoted(member('stageTimestamp'))} AS TIMESTAMPTZ), ` +
    ['stage', 'verb', 'requestURI', 'userAgent'].map((m) => unquoted(member(m))).join(', ') +
    ', ' +
    BODY_MEMBERS.map(member).join(', ') +
    ', ' +
    REF_MEMBERS.map((m) => unquoted(`ref."${m}"`)).join(', ') +
    `, ${taken} AS taken FROM (SELECT *, json_transform(${member('objectRef')}, ${refStructure}) AS ref, ${positions} ` +
    `FROM (SELECT line_no, map_keys(m) AS k, ${members} FROM ${read}))`
  );
}
