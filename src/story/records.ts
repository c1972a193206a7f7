// The bundle's records about the members of a batch of stories, read in one pass per view: object
// versions, Events, audit entries and log lines, joined to the members by kind, namespace and name
// (and UID where both sides have one), each with the story it belongs to.

import { VERSION_ORDER_SQL } from '../bundle/columns.ts';
import type { Bundle } from '../bundle/reader.ts';
import type { AuditColumns } from '../kube/audit-body.ts';
import { events as eventsView } from '../views/events.ts';
import type { Member } from './correlate.ts';

/** A member of one story, as the join table holds it. */
export interface MemberRow {
  story: number;
  kind: string;
  namespace: string | null;
  name: string;
  /** UIDs of the story's incarnations of the object; empty when none was recorded. */
  uids: string[];
  /** Bounds of what counts, for resources shared with other stories; null = unbounded. */
  start: string | null;
  end: string | null;
}

export interface ObjectVersion {
  story: number;
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  api_version: string | null;
  ts: string;
  watch_event: string | null;
  resource_version: string | null;
  created_at: string | null;
  deleted_at: string | null;
  phase: string | null;
  node: string | null;
  containers: ContainerState[] | null;
  conditions: { type: string; status: string; reason: string | null; message: string | null }[] | null;
  body: string | null;
  origin: string | null;
}

export interface ContainerState {
  name: string;
  init: boolean | null;
  state: string | null;
  reason: string | null;
  message: string | null;
  exit_code: number | null;
  restart_count: number | null;
  started_at: string | null;
  finished_at: string | null;
  last_reason: string | null;
  last_exit_code: number | null;
  last_started_at: string | null;
  last_finished_at: string | null;
}

export interface EventRecord {
  story: number;
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  ts: string;
  container: string | null;
  event_type: string | null;
  event_reason: string | null;
  event_message: string | null;
  event_count: number | null;
  event_source: string | null;
  /** The admission webhook the message names, read as the events view reads it. */
  webhook: string | null;
  body: string | null;
}

export interface AuditRecord extends Omit<AuditColumns, 'ts'> {
  story: number;
  /** The story's time, to the millisecond. */
  ts: string;
  /** The row's own time, to the microsecond: the entry's stageTimestamp as logged. */
  stage_ts: string;
  kind: string;
  name: string;
  body: string | null;
}

export interface LogRecord {
  story: number;
  namespace: string | null;
  name: string;
  uid: string | null;
  ts: string;
  container: string | null;
  log_stream: string | null;
  log_previous: boolean | null;
  log_line: string | null;
}

export interface GapRecord {
  ts: string;
  end: string | null;
  detail: string | null;
  origin: string | null;
}

export interface BatchRecords {
  objects: ObjectVersion[];
  events: EventRecord[];
  audit: AuditRecord[];
  logs: LogRecord[];
}

/** The events view's reading of the webhook an Event names (its columns are unambiguous in the join). */
const WEBHOOK_SQL = eventsView.signal.virtual?.webhook?.sql ?? 'NULL';

/** Every time read back as RFC 3339 with milliseconds, the story's format. */
export const TS_SQL = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

/** The join rows of a batch of stories; `window` is each story's [start, end]. */
export function memberRows(
  stories: { members: Member[]; window: { start: string; end: string } }[],
): MemberRow[] {
  const rows: MemberRow[] = [];
  stories.forEach((story, index) => {
    const byKey = new Map<string, MemberRow>();
    for (const m of story.members) {
      const key = `${m.namespace ?? ''}/${m.kind}/${m.name}`;
      let row = byKey.get(key);
      if (!row) {
        row = {
          story: index,
          kind: m.kind,
          namespace: m.namespace,
          name: m.name,
          uids: [],
          start: m.bounded ? story.window.start : null,
          end: m.bounded ? story.window.end : null,
        };
        byKey.set(key, row);
        rows.push(row);
      } else if (!m.bounded) {
        row.start = null;
        row.end = null;
      }
      if (m.uid) row.uids.push(m.uid);
    }
  });
  return rows;
}

/** Reads the records of the members; `logs` false reads no log lines at all. */
export async function readBatch(
  bundle: Bundle,
  members: MemberRow[],
  options: { logs: boolean },
): Promise<BatchRecords> {
  await bundle.db.run(
    `CREATE OR REPLACE TEMP TABLE story_members AS
     SELECT m.story, m.kind, m.namespace, m.name, m.uids, CAST(m.start AS TIMESTAMPTZ) AS start, CAST(m."end" AS TIMESTAMPTZ) AS "end"
     FROM (SELECT unnest(from_json($1::JSON, '[{"story":"INTEGER","kind":"VARCHAR","namespace":"VARCHAR","name":"VARCHAR","uids":["VARCHAR"],"start":"VARCHAR","end":"VARCHAR"}]'), recursive := true)) AS m`,
    [JSON.stringify(members)],
  );
  const join = (view: string, alias: string, kindSql = `${alias}.kind`) =>
    `FROM ${view} ${alias} JOIN story_members m
       ON ${kindSql} = m.kind AND ${alias}.name = m.name AND ${alias}.namespace IS NOT DISTINCT FROM m.namespace
     WHERE (${alias}.uid IS NULL OR len(m.uids) = 0 OR list_contains(m.uids, ${alias}.uid))
       AND (m.start IS NULL OR ${alias}.ts >= m.start) AND (m."end" IS NULL OR ${alias}.ts <= m."end")`;
  try {
    const objects = await bundle.query<ObjectVersion>(
      `SELECT m.story, o.kind, o.namespace, o.name, o.uid, o.api_version, ${TS_SQL('o.ts')} AS ts, o.watch_event,
              o.resource_version, ${TS_SQL('o.created_at')} AS created_at, ${TS_SQL('o.deleted_at')} AS deleted_at,
              o.phase, o.node, o.origin,
              list_transform(o.containers, c -> {'name': c.name, 'init': c."init", 'state': c.state, 'reason': c.reason,
                'message': c.message, 'exit_code': c.exit_code, 'restart_count': c.restart_count,
                'started_at': ${TS_SQL('c.started_at')}, 'finished_at': ${TS_SQL('c.finished_at')},
                'last_reason': c.last_reason, 'last_exit_code': c.last_exit_code,
                'last_started_at': ${TS_SQL('c.last_started_at')}, 'last_finished_at': ${TS_SQL('c.last_finished_at')}}) AS containers,
              list_transform(o.conditions, c -> {'type': c.type, 'status': c.status, 'reason': c.reason, 'message': c.message}) AS conditions,
              o.body
       ${join('objects', 'o')}
       ORDER BY story, kind, namespace, name, uid, ${VERSION_ORDER_SQL}`,
    );
    const events = await bundle.query<EventRecord>(
      `SELECT m.story, e.kind, e.namespace, e.name, e.uid, ${TS_SQL('e.ts')} AS ts, e.container, e.event_type,
              e.event_reason, e.event_message, e.event_count, e.event_source, e.body,
              ${WEBHOOK_SQL} AS webhook
       ${join('events', 'e')}`,
    );
    // Reads (get, list, watch) are how everything works, not what happened to the resource.
    const audit = await bundle.query<AuditRecord>(
      `SELECT m.story, a.kind, a.namespace, a.name, a.uid, ${TS_SQL('a.ts')} AS ts, a.audit_verb, a.audit_user,
              a.audit_impersonated_user, a.audit_subresource, a.audit_code, a.audit_uri, a.body, a.api_version,
              a.resource_version, a.audit_id, a.audit_stage, a.audit_level, a.audit_user_agent, a.audit_resource,
              a.audit_decision, strftime(a.ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS stage_ts
       ${join('audit', 'a')} AND coalesce(a.audit_verb, '') NOT IN ('get', 'list', 'watch')`,
    );
    const logs = options.logs
      ? await bundle.query<LogRecord>(
          `SELECT m.story, l.namespace, l.name, l.uid, ${TS_SQL('l.ts')} AS ts, l.container, l.log_stream,
                  l.log_previous, l.log_line
           ${join('logs', 'l', "'Pod'")}`,
        )
      : [];
    return { objects, events, audit, logs };
  } finally {
    await bundle.db.run('DROP TABLE IF EXISTS story_members');
  }
}

/** The recording's gaps: the markers a recorder wrote where it may have missed records. */
export async function readGaps(bundle: Bundle): Promise<GapRecord[]> {
  return bundle.query<GapRecord>(
    `SELECT ${TS_SQL('ts')} AS ts, ${TS_SQL('marker_end')} AS "end", marker_detail AS detail, origin
     FROM markers WHERE marker = 'gap' ORDER BY ts`,
  );
}

/** The first and last record of the bundle, the default window of a story. */
export async function readBundleWindow(bundle: Bundle): Promise<{ start: string; end: string }> {
  const [row] = await bundle.query<{ start: string | null; end: string | null }>(
    `SELECT ${TS_SQL('min(ts)')} AS start, ${TS_SQL('max(coalesce(marker_end, ts))')} AS "end" FROM bundle`,
  );
  const now = new Date().toISOString();
  return { start: row?.start ?? now, end: row?.end ?? now };
}
