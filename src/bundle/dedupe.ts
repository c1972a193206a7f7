// Several files read as one bundle may hold the same observations: a recording and the audit log of
// the same API server imported beside it, two recordings that overlap, a recording and a dump taken
// during it. Each observation with an identity of its own is kept from the first file that holds it;
// rows within one file are left as their writer wrote them (a line logged twice is two lines).

import { COLUMNS } from './columns.ts';
import type { Database } from './duckdb.ts';

/** What makes two rows of different files one observation: rows of `source` where `when` holds,
 * the same when `key` is. */
interface Identity {
  source: string;
  when: string;
  key: string;
}

const IDENTITIES: readonly Identity[] = [
  // One request.
  { source: 'audit', when: 'audit_id IS NOT NULL', key: 'audit_id' },
  // One stored state of an object.
  {
    source: 'object',
    when: 'uid IS NOT NULL AND resource_version IS NOT NULL',
    key: 'uid, resource_version',
  },
  // One state of an Event: its count and last occurrence (series included) say how far it had got,
  // whichever resourceVersion a watch or a dump saw it at.
  { source: 'event', when: 'event_uid IS NOT NULL', key: 'event_uid, event_count, event_last' },
  {
    source: 'event',
    when: 'event_uid IS NULL',
    key: 'kind, namespace, name, event_reason, event_message, event_count, event_last',
  },
  // One line of one container at one time.
  { source: 'log', when: 'log_line IS NOT NULL', key: 'namespace, name, container, ts, log_line' },
  // One sample of one series.
  {
    source: 'metric',
    when: 'metric_name IS NOT NULL',
    key: 'metric_name, CAST(metric_labels AS VARCHAR), ts',
  },
];

/** The columns the identities read: all that finding duplicates reads of a file. */
const KEY_COLUMNS = [
  'source',
  'ts',
  'kind',
  'namespace',
  'name',
  'uid',
  'container',
  'resource_version',
  'event_uid',
  'event_count',
  'event_last',
  'event_reason',
  'event_message',
  'audit_id',
  'log_line',
  'metric_name',
  'metric_labels',
];

function condition(identity: Identity): string {
  return `(source = '${identity.source}' AND ${identity.when})`;
}

/** The table of rows left out: (kstory_file, file_row_number), see findDuplicates. */
export const DROPPED_TABLE = 'kstory_dropped';

/**
 * Find, once, the rows of later files that an earlier one holds, reading only the identities'
 * columns. `selects` give each file's rows in order with every column and `file_row_number`; the
 * rows found go into DROPPED_TABLE, and the count of each file's is returned.
 */
export async function findDuplicates(db: Database, selects: readonly string[]): Promise<number[]> {
  const keys = KEY_COLUMNS.map((c) => `"${c}"`).join(', ');
  const rows = selects
    .map((select, i) => `SELECT ${keys}, file_row_number, ${i} AS kstory_file FROM (${select})`)
    .join('\nUNION ALL\n');
  const perIdentity = IDENTITIES.map(
    (identity) =>
      `SELECT kstory_file, file_row_number FROM rows WHERE ${condition(identity)}
QUALIFY kstory_file > min(kstory_file) OVER (PARTITION BY ${identity.key})`,
  );
  // A table of the in-memory database (not a temporary one): forked connections read it too.
  await db.run(`CREATE OR REPLACE TABLE ${DROPPED_TABLE} AS WITH rows AS (${rows})
${perIdentity.join('\nUNION ALL\n')}`);
  const counts = await db.all<{ file: number; n: number }>(
    `SELECT kstory_file AS file, count(*)::INTEGER AS n FROM ${DROPPED_TABLE} GROUP BY 1`,
  );
  return selects.map((_, i) => counts.find((c) => c.file === i)?.n ?? 0);
}

/** File `index`'s rows (its select, as findDuplicates took it) without those another file holds. */
export function withoutDuplicates(select: string, index: number): string {
  const columns = COLUMNS.map((c) => `"${c.name}"`).join(', ');
  return `SELECT ${columns} FROM (${select}) AS f ANTI JOIN (SELECT file_row_number AS dropped FROM ${DROPPED_TABLE} WHERE kstory_file = ${index}) AS d ON f.file_row_number = d.dropped`;
}

/**
 * The same relation for files that have no row numbers (the JSON lines of a spool being written):
 * computed whole by each query that reads it, so used only where no row number can be had.
 */
export function dedupedAcrossFiles(selects: readonly string[]): string {
  const columns = COLUMNS.map((c) => `"${c.name}"`).join(', ');
  const rows = selects
    .map((select, i) => `SELECT *, ${i} AS kstory_file FROM (${select})`)
    .join('\nUNION ALL\n');
  const withoutIdentity = `SELECT ${columns} FROM rows WHERE NOT (${IDENTITIES.map(condition).join(' OR ')})`;
  const perIdentity = IDENTITIES.map(
    (identity) =>
      `SELECT ${columns} FROM rows WHERE ${condition(identity)}
QUALIFY kstory_file = min(kstory_file) OVER (PARTITION BY ${identity.key})`,
  );
  return `WITH rows AS (${rows})\n${[withoutIdentity, ...perIdentity].join('\nUNION ALL\n')}`;
}
