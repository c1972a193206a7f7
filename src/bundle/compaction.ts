// Compaction: a closed spool segment (lines, in any format it may have) becomes a sorted Parquet
// file of its own, in the writer's single-threaded DuckDB, while the producer goes on appending.

import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SORT_ORDER } from './columns.ts';
import { Database, sqlString } from './duckdb.ts';
import { segmentHasRows, segmentRowsSql } from './segment-format.ts';
import { segmentName } from './spool.ts';

/** Rows per DuckDB vector: row groups are whole numbers of them. */
export const DUCKDB_VECTOR_SIZE = 2048;

/**
 * The writer's DuckDB. One thread: the producer's JavaScript keeps the other core busy, and a single
 * thread keeps compaction's memory (one row group and one JSON buffer at a time) predictable.
 */
export async function openCompactionDatabase(memoryLimit: string, tempDirectory?: string): Promise<Database> {
  const db = await Database.open({ memoryLimit, tempDirectory, threads: 1 });
  // Memory a compaction freed goes back to the system (by the allocator's background threads, and
  // after each compaction), instead of staying in the process until the next one: a recorder's
  // peak RSS went from 750–820 MB to 600–680 MB on 10 KB Pods, and from 680–750 MB to 550–590 MB
  // on mixed traffic, at no CPU cost that the benchmark could tell apart (bench/record.ts).
  await db.run('SET allocator_background_threads = true');
  await db.run("SET allocator_flush_threshold = '16MB'");
  // DuckDB keeps what it reads of files in memory for the next query that reads them; the writer
  // reads each segment once, at finish, where that cache held about 100 MB of 10 KB Pods.
  await db.run('SET enable_external_file_cache = false');
  return db;
}

/** Compact one closed segment's JSON lines into its sorted Parquet file, then drop the lines. Exported
 * for the record benchmark, which measures it on its own. */
export async function compactSegment(
  db: Database,
  spoolDir: string,
  number: number,
  ndjson: string,
): Promise<void> {
  if (segmentHasRows(ndjson)) await writeSegment(db, spoolDir, number, segmentRowsSql(ndjson));
  rmSync(ndjson, { force: true });
}

/**
 * The rows `select` gives (every column of the format, in order), as segment `number`'s sorted
 * Parquet file; `sorted` when they come in the format's order already (sortedRowsSql).
 */
export async function writeSegment(
  db: Database,
  spoolDir: string,
  number: number,
  select: string,
  sorted = false,
): Promise<void> {
  const parquet = path.join(spoolDir, segmentName(number, 'parquet'));
  const temp = `${parquet}.tmp`;
  await db.run(
    `COPY (SELECT * FROM (${select})${sorted ? '' : ` ORDER BY ${orderBy()}`}) ` +
      // Segments are temporary and read once more at finish: the cheapest zstd level will do. The
      // order must survive (PRESERVE_ORDER): large bundles are the concatenation of these runs.
      // Row groups of 2,048 rows (DuckDB's smallest): the writer holds one while it compresses it,
      // and the final copy reads one at a time; with 4,096 rows of 10 KB Pods a recorder's peak RSS
      // was 50 MB higher, for the same bundle (bench/record.ts).
      `TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE ${DUCKDB_VECTOR_SIZE}, ` +
      `PRESERVE_ORDER true)`,
  );
  renameSync(temp, parquet);
}

/** The format's sort order as an ORDER BY list. */
export function orderBy(): string {
  return SORT_ORDER.map((c) => `"${c}" NULLS FIRST`).join(', ');
}
