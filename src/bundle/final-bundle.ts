// The bundle file itself: a spool's compacted segments written into one Parquet file with its
// metadata, sorted whole when small enough, through a temp file, an fsync and a rename.

import { chmodSync, closeSync, fdatasyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { COLUMNS } from './columns.ts';
import { DUCKDB_VECTOR_SIZE, orderBy } from './compaction.ts';
import { type Database, sqlList, sqlString } from './duckdb.ts';
import { type BundleMetadata, metadataToKeyValues } from './metadata.ts';
import { listSegments } from './spool.ts';

/** Bundles are readable by their owner only: they hold what a cluster said. */
const FILE_MODE = 0o600;

export interface FinishResult {
  path: string;
  rows: number;
  bytes: number;
  rowsBySource: Record<string, number>;
  metadata: BundleMetadata;
}

/** An empty, fully typed row set: the bundle of a producer that wrote nothing is still a bundle. */
function emptySelect(): string {
  return `SELECT ${COLUMNS.map((c) => `CAST(NULL AS ${c.type}) AS "${c.name}"`).join(', ')} WHERE false`;
}

interface FinalOptions {
  output: string;
  spoolDir: string;
  rowGroupSize: number;
  compressionLevel: number;
  globalSortMaxBytes: number;
}

/** Rows of one source, and their first and last times (as the metadata writes times). */
export interface SourceStats {
  source: string;
  n: number;
  first: string | null;
  last: string | null;
}

/** Rows a query gives (sql-rows.ts): every column of the format, their stats known. */
export interface QueryRows {
  select: string;
  stats: SourceStats[];
  /** They come in the format's order already (sortedRowsSql): nothing is sorted again. */
  sorted?: boolean;
}

/** Times as the metadata writes them, in a strftime format. */
export const STATS_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%fZ';

/**
 * The spool's segments as the bundle file; or, given `query`, the rows it gives instead (all there
 * is: rows built in SQL), sorted here and encoded once.
 */
export async function writeFinalBundle(
  db: Database,
  options: FinalOptions,
  metadata: BundleMetadata,
  spooledBytes: number,
  query?: QueryRows,
): Promise<FinishResult> {
  const parts = listSegments(options.spoolDir)
    .map((s) => s.parquet)
    .filter((p): p is string => p !== null);
  const from =
    query !== undefined
      ? `(${query.select})`
      : parts.length > 0
        ? `read_parquet(${sqlList(parts)})`
        : `(${emptySelect()})`;

  const stats =
    query?.stats ??
    (await db.all<SourceStats>(
      `SELECT source, count(*)::INTEGER AS n, strftime(min(ts), '${STATS_TIME_FORMAT}') AS first,
            strftime(max(ts), '${STATS_TIME_FORMAT}') AS last
     FROM ${from} GROUP BY source ORDER BY source`,
    ));
  const rowsBySource = Object.fromEntries(stats.map((s) => [s.source, s.n]));
  const firsts = stats
    .map((s) => s.first)
    .filter((v): v is string => v !== null)
    .sort();
  const lasts = stats
    .map((s) => s.last)
    .filter((v): v is string => v !== null)
    .sort();

  // A global sort needs memory in proportion to the data (DuckDB's sort moves the bodies too), so
  // a large bundle is written as the concatenation of its segments, each sorted at compaction: a
  // streaming copy whose memory does not grow with the bundle. The rows' JSON size measures the data
  // (Parquet's own sizes do not: dictionary encoding makes repetitive rows look tiny).
  const uncompressed = spooledBytes;
  const globalSort = uncompressed <= options.globalSortMaxBytes;
  // Rows of a query are sorted whatever their size, as a segment's are at compaction (one run).
  const sort = globalSort || query !== undefined;
  // Row groups of at most ~32 MB uncompressed: what a reader (and this copy) holds at a time. DuckDB
  // closes a row group at a whole number of its 2,048-row vectors at or past the size asked for, so
  // the size is rounded down to one (3,000 rows of 11 KB Pods made row groups of 4,096, 45 MB).
  const totalRows = stats.reduce((sum, s) => sum + s.n, 0);
  const averageRowBytes = totalRows > 0 ? uncompressed / totalRows : 1;
  const rowsIn32Mb = Math.floor((32 << 20) / averageRowBytes);
  const rowGroupSize = Math.max(
    DUCKDB_VECTOR_SIZE,
    Math.min(options.rowGroupSize, rowsIn32Mb - (rowsIn32Mb % DUCKDB_VECTOR_SIZE)),
  );

  const final: BundleMetadata = {
    ...metadata,
    row_order: sort ? 'sorted' : 'sorted-per-segment',
    window: {
      start: metadata.window.start ?? firsts[0] ?? null,
      end: metadata.window.end ?? lasts.at(-1) ?? null,
    },
    sources: [...new Set([...metadata.sources, ...stats.map((s) => s.source)])].sort(),
  };

  const keyValues = Object.entries(metadataToKeyValues(final))
    .map(([key, value]) => `${sqlString(key)}: ${sqlString(value)}`)
    .join(', ');
  const temp = path.join(
    path.dirname(options.output),
    `.${path.basename(options.output)}.${process.pid}.tmp`,
  );
  try {
    // Created before DuckDB writes it, so that it is never readable by others, not even while written.
    closeSync(openSync(temp, 'w', FILE_MODE));
    // Without it DuckDB's parallel Parquet writer interleaves row groups, and the sorted order the
    // format promises (and compression relies on) is lost.
    await db.run('SET preserve_insertion_order = true');
    // Nothing is appended any more: the global sort may use every core. A bundle too large to sort
    // is a streaming copy of its sorted segments, and one thread keeps it one: with several, each
    // buffers row groups to keep the order, which ran out of memory on 10 KB rows (50,000 Pod
    // versions), and was slower too (bench/record.ts); a large query is sorted in one thread too, as
    // compaction sorts a segment. Rows of a query are too, whatever their size: the query computes
    // them (its joins, the window over a request's stages) while they are copied, and on two threads
    // that took up to 2.5× the CPU and more wall time for the same bundle (1M audit lines: 3.8-4.4 s
    // of copy on one thread, 5.3-5.6 s and 6.8-10.4 CPU-s on two).
    await db.run(`SET threads = ${globalSort && query === undefined ? availableParallelism() : 1}`);
    await db.run(
      `COPY (SELECT * FROM ${from}${sort && query?.sorted !== true ? ` ORDER BY ${orderBy()}` : ''}) ` +
        `TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${options.compressionLevel}, ` +
        // Into the file created above: DuckDB would otherwise write a file of its own beside it
        // (tmp_…, readable by others) and rename it over this one, and leave it on a full disk.
        `ROW_GROUP_SIZE ${rowGroupSize}, KV_METADATA {${keyValues}}, USE_TMP_FILE false)`,
    );
    chmodSync(temp, FILE_MODE);
    const fd = openSync(temp, 'r');
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(temp, options.output);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return {
    path: options.output,
    rows: totalRows,
    bytes: statSync(options.output).size,
    rowsBySource,
    metadata: final,
  };
}

/**
 * The bundle file of a spool, share-safe when `anonymize`: then written plain inside the spool first
 * and rewritten into the output, so that nothing but pseudonyms ever reaches the output path.
 */
export async function writeBundleFile(
  db: Database,
  options: FinalOptions & { anonymize: boolean; memoryLimit: string; mappingFile?: string },
  metadata: BundleMetadata,
  spooledBytes: number,
  query?: QueryRows,
): Promise<FinishResult> {
  if (!options.anonymize) return writeFinalBundle(db, options, metadata, spooledBytes, query);
  const plain = path.join(options.spoolDir, 'plain.parquet');
  await writeFinalBundle(db, { ...options, output: plain }, metadata, spooledBytes, query);
  const { anonymizeBundle } = await import('./anonymize.ts');
  const spoolDir = path.join(options.spoolDir, 'anonymize.spool');
  rmSync(spoolDir, { recursive: true, force: true });
  return anonymizeBundle(plain, options.output, {
    spoolDir,
    memoryLimit: options.memoryLimit,
    mappingFile: options.mappingFile,
  });
}
