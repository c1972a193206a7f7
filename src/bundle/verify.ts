// `kstory bundle info --verify`: every row group of every file read whole (every column decoded), so
// that damage a footer does not show (a bad copy, a flipped bit, a cut) is found and placed: the
// file, the row group and the rows it held. The rows counted are checked against the footer's. A
// spool's JSON-lines segments are counted only: their last line may be cut, and repair drops it.

import { messageOf } from '../errors.ts';
import { Database, sqlString } from './duckdb.ts';
import type { BundleFile } from './inspect.ts';
import { segmentRowsSql } from './segment-format.ts';

export interface DamagedPart {
  file: string;
  /** Null for a spool's JSON-lines segment, read as one part. */
  row_group: number | null;
  /** The file's rows the part holds: [first, first + rows). */
  first_row: number;
  rows: number;
  error: string;
}

export interface Verification {
  files: number;
  row_groups: number;
  /** Rows read without error. */
  rows_read: number;
  /** Rows the files' footers say they hold. */
  rows_expected: number;
  damaged: DamagedPart[];
  /** Other disagreements, e.g. a row group holding another number of rows than its footer says. */
  problems: string[];
}

export async function verifyBundle(files: readonly BundleFile[]): Promise<Verification> {
  const db = await Database.open({ memoryLimit: '512MB', threads: 1 });
  const result: Verification = {
    files: files.length,
    row_groups: 0,
    rows_read: 0,
    rows_expected: 0,
    damaged: [],
    problems: [],
  };
  try {
    for (const file of files) {
      if (file.format === 'ndjson') await verifySegment(db, file.path, result);
      else await verifyParquet(db, file.path, result);
    }
  } finally {
    db.close();
  }
  return result;
}

async function verifyParquet(db: Database, file: string, result: Verification): Promise<void> {
  const groups = await db.all<{ id: number; rows: number }>(
    `SELECT row_group_id::INTEGER AS id, max(row_group_num_rows)::BIGINT::DOUBLE AS rows
     FROM parquet_metadata(${sqlString(file)}) GROUP BY 1 ORDER BY 1`,
  );
  let first = 0;
  for (const group of groups) {
    result.row_groups++;
    result.rows_expected += group.rows;
    try {
      // hash() of the whole row decodes every column: a count alone would read none of them.
      const [read] = await db.all<{ n: number }>(
        `SELECT count(*)::DOUBLE AS n, sum(hash(t))::VARCHAR AS h FROM (SELECT * FROM read_parquet(${sqlString(file)}, file_row_number = true)
         WHERE file_row_number >= ${first} AND file_row_number < ${first + group.rows}) t`,
      );
      const n = read?.n ?? 0;
      result.rows_read += n;
      if (n !== group.rows)
        result.problems.push(`${file}: row group ${group.id} holds ${n} rows, its footer says ${group.rows}`);
    } catch (error) {
      result.damaged.push({
        file,
        row_group: group.id,
        first_row: first,
        rows: group.rows,
        error: withoutFile(messageOf(error), file),
      });
    }
    first += group.rows;
  }
}

async function verifySegment(db: Database, file: string, result: Verification): Promise<void> {
  try {
    const [read] = await db.all<{ n: number }>(
      `SELECT count(*)::DOUBLE AS n FROM (${segmentRowsSql(file, { tolerant: true })})`,
    );
    result.rows_read += read?.n ?? 0;
    result.rows_expected += read?.n ?? 0;
  } catch (error) {
    result.damaged.push({
      file,
      row_group: null,
      first_row: 0,
      rows: 0,
      error: withoutFile(messageOf(error), file),
    });
  }
}

/** DuckDB's `Invalid Input Error: Failed to read file "<file>": <why>` → `<why>`. */
function withoutFile(message: string, file: string): string {
  const quoted = `"${file}": `;
  const at = message.indexOf(quoted);
  return at >= 0 ? message.slice(at + quoted.length) : message;
}
