// The bundle writer. Rows are appended to a JSON-lines spool that is flushed at least every second;
// full segments are compacted into Parquet in the background (in DuckDB's threads); finish() sorts
// everything into the single bundle file through a temp file and a rename. A writer killed at any
// point leaves a spool that `kstory bundle repair` finishes (see repair.ts).

import {
  chmodSync,
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { KstoryError, messageOf, osError, osErrorIn, userFacingOsError } from '../errors.ts';
import { REDACTION_RULES, Redactor } from '../kube/redact.ts';
import { TOOL_VERSION } from '../version.ts';
import { COLUMNS, FORMAT_VERSION, readJsonColumnsLiteral, SORT_ORDER, SOURCES } from './columns.ts';
import { Database, sqlList, sqlString } from './duckdb.ts';
import {
  type BundleMetadata,
  BundleMetadataSchema,
  type Gap,
  type MetadataPatch,
  metadataToKeyValues,
} from './metadata.ts';
import type { BundleRow } from './row.ts';
import {
  listSegments,
  lockSpool,
  readSpoolState,
  SpoolLines,
  type SpoolState,
  segmentName,
  spoolRedactionKey,
  truncatePartialLine,
  unlockSpool,
  writeSpoolState,
} from './spool.ts';
import { directoryBytes } from './spool-size.ts';

export interface WriterOptions {
  /** The bundle file to write. */
  output: string;
  /** Spool directory; defaults to `<output>.spool` beside the output. */
  spoolDir?: string;
  /** Metadata the producer knows (producer name, cluster, filters, redaction...). */
  metadata: MetadataPatch & { producer: string };
  /** Continue into an existing spool instead of refusing it. */
  resume?: boolean;
  /** Flush buffered rows to the spool at least this often. At most 1000. */
  flushIntervalMs?: number;
  /** Start a new segment (and compact the old one) past this many bytes. Each segment is sorted on
   * its own during compaction, so this bounds the memory of that sort. */
  segmentMaxBytes?: number;
  /** Sort the whole bundle at finish when its rows take at most this many bytes uncompressed;
   * larger bundles keep the order of their sorted segments (see docs/bundle-format.md). */
  globalSortMaxBytes?: number;
  /** DuckDB memory limit for compaction and the final sort. */
  memoryLimit?: string;
  /** Rows per Parquet row group in the final file: bounds the memory a reader needs per group. */
  rowGroupSize?: number;
  /** zstd level of the final file. */
  compressionLevel?: number;
  /** The key of the tokens that replace credentials: only for output that must be the same on
   * every run (the simulator's fixtures). Otherwise random, and never written anywhere. */
  redactionKey?: Uint8Array;
  /** Write a share-safe bundle (see anonymize.ts); `mappingFile` receives the mapping, mode 0600. */
  anonymize?: { mappingFile?: string };
}

/** Bundles and spools are readable by their owner only: they hold what a cluster said. */
const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

export interface FinishResult {
  path: string;
  rows: number;
  bytes: number;
  rowsBySource: Record<string, number>;
  metadata: BundleMetadata;
}

/** DuckDB's memory limit for compaction and the final sort, unless the producer gives one. */
export const DEFAULT_MEMORY_LIMIT = '320MB';
/** Segment size, unless the producer gives one. */
export const DEFAULT_SEGMENT_BYTES = 64 << 20;
const MAX_BUFFERED_BYTES = 1 << 20;
const TIME_CHECK_EVERY = 256;
/** Largest spool line. DuckDB's JSON reader allocates a buffer of this size per thread, so it bounds
 * memory; objects are capped near 1.5 MB by etcd, and only a RequestResponse audit entry of a huge
 * list comes near it. A larger row keeps its typed columns and loses its body (see append). */
const MAX_OBJECT_SIZE = 16 << 20;
/** Rows per DuckDB vector: row groups are whole numbers of them. */
const DUCKDB_VECTOR_SIZE = 2048;
const TIMESTAMP_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const VALID_SOURCES = new Set<string>(SOURCES);

export class BundleWriter {
  private state: SpoolState;
  private fd: number | null = null;
  private segmentNumber: number;
  private segmentBytes = 0;
  /** Rows appended since the last flush, as spool lines. */
  private readonly lines = new SpoolLines(MAX_BUFFERED_BYTES + (MAX_BUFFERED_BYTES >> 1));
  private lastFlush = Date.now();
  private appendsSinceTimeCheck = 0;
  private timer: NodeJS.Timeout | null = null;
  private compaction: Promise<void> = Promise.resolve();
  private compactionError: unknown = null;
  private finished = false;
  /** A write into the spool failed: nothing more is written, the spool is kept as it is. */
  private failure: SpoolWriteError | null = null;
  private appended = 0;
  private readonly redactor: Redactor;

  private constructor(
    private readonly options: Required<
      Omit<WriterOptions, 'spoolDir' | 'resume' | 'redactionKey' | 'anonymize'>
    > & {
      spoolDir: string;
      mappingFile?: string;
    },
    private readonly db: Database,
    state: SpoolState,
    nextSegment: number,
    redactionKey: Uint8Array | undefined,
  ) {
    this.state = state;
    this.segmentNumber = nextSegment;
    this.redactor = new Redactor({ key: redactionKey });
  }

  static async create(options: WriterOptions): Promise<BundleWriter> {
    const output = path.resolve(options.output);
    const spoolDir = path.resolve(options.spoolDir ?? `${output}.spool`);
    const resolved = {
      output,
      spoolDir,
      metadata: options.metadata,
      flushIntervalMs: Math.min(options.flushIntervalMs ?? 1000, 1000),
      // Sized together: DuckDB sorts a segment in about three times its size, and the peak RSS of a
      // writer stays under ~768 MB with these (see docs/benchmarks.md).
      // A larger segment sorts more versions of each object together (a 1M-Pod-version bundle is
      // 188 B/record with 64 MB segments, 252 B with 32 MB) at the price of memory.
      segmentMaxBytes: options.segmentMaxBytes ?? DEFAULT_SEGMENT_BYTES,
      globalSortMaxBytes: options.globalSortMaxBytes ?? 64 << 20,
      memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      rowGroupSize: options.rowGroupSize ?? 16_384,
      compressionLevel: options.compressionLevel ?? 9,
      mappingFile: options.anonymize?.mappingFile,
    };
    if (!existsSync(path.dirname(output))) {
      throw new KstoryError(
        `cannot write ${options.output}: directory ${path.dirname(output)} does not exist`,
        {
          hint: 'Create the directory first or choose another output path.',
        },
      );
    }
    let state: SpoolState;
    let nextSegment = 1;
    if (existsSync(spoolDir)) {
      if (!options.resume) {
        throw new KstoryError(`a spool already exists at ${spoolDir}`, {
          hint: 'It holds rows of an earlier run: continue it with --resume, or turn it into a bundle with `kstory bundle repair`.',
        });
      }
      lockSpool(spoolDir);
      state = readSpoolState(spoolDir);
      state.metadata = { ...state.metadata, ...stripUndefined(options.metadata) };
      const segments = listSegments(spoolDir);
      for (const segment of segments) {
        if (segment.ndjson) truncatePartialLine(segment.ndjson);
      }
      nextSegment = (segments.at(-1)?.number ?? 0) + 1;
    } else {
      mkdirSync(spoolDir, { recursive: true, mode: DIRECTORY_MODE });
      lockSpool(spoolDir);
      state = {
        spool_version: 1,
        output,
        spooled_bytes: 0,
        anonymize: false,
        metadata: BundleMetadataSchema.parse({
          format_version: FORMAT_VERSION,
          tool_version: TOOL_VERSION,
          created_at: new Date().toISOString(),
          ...stripUndefined(options.metadata),
        }),
      };
    }
    // The writer redacts every row, whatever the producer says it did.
    state.metadata.redaction = [...REDACTION_RULES];
    if (options.anonymize) state.anonymize = true;
    writeSpoolState(spoolDir, state);
    const tempDirectory = path.join(spoolDir, 'tmp');
    const db = await openCompactionDatabase(resolved.memoryLimit, tempDirectory);
    const writer = new BundleWriter(
      resolved,
      db,
      state,
      nextSegment,
      spoolRedactionKey(spoolDir, options.redactionKey),
    );
    // Segments left as JSON lines by an earlier run are compacted right away.
    for (const segment of listSegments(spoolDir)) {
      if (segment.ndjson && !segment.parquet) {
        // Counted again if its writer had closed it: an overestimate only makes finish() more careful.
        writer.state.spooled_bytes += statSync(segment.ndjson).size;
        writer.enqueueCompaction(segment.number, segment.ndjson);
      } else if (segment.ndjson && segment.parquet) rmSync(segment.ndjson, { force: true });
    }
    writer.openSegment();
    writer.timer = setInterval(() => {
      try {
        writer.flush({ sync: true });
      } catch {
        // Kept in `failure` (or thrown again by the next flush) and said to the producer there.
      }
    }, resolved.flushIntervalMs);
    writer.timer.unref();
    return writer;
  }

  get spoolDir(): string {
    return this.options.spoolDir;
  }

  get rowsAppended(): number {
    return this.appended;
  }

  /**
   * Buffer one row, its credentials replaced by tokens (see redact.ts). Rows reach the spool within
   * `flushIntervalMs`, even in a tight loop.
   */
  append(given: BundleRow): void {
    if (this.finished) throw new Error('BundleWriter.append after finish()');
    if (this.failure) throw this.failure;
    if (!VALID_SOURCES.has(given.source)) throw new Error(`bundle row has unknown source "${given.source}"`);
    if (typeof given.ts !== 'string' || !TIMESTAMP_RE.test(given.ts)) {
      throw new Error(`bundle row has an invalid ts "${String(given.ts)}" (want RFC 3339 UTC)`);
    }
    const row = this.redactor.row(given);
    const start = this.lines.length;
    const bytes = this.lines.add(row);
    if (bytes > MAX_OBJECT_SIZE - 1024) {
      this.lines.truncate(start);
      this.lines.add({
        ...row,
        body: { kstory_body_omitted: `body of ${bytes} bytes exceeds the ${MAX_OBJECT_SIZE} byte limit` },
      });
    }
    this.appended++;
    if (this.lines.length >= MAX_BUFFERED_BYTES) {
      this.flush({ sync: false });
    } else if (++this.appendsSinceTimeCheck >= TIME_CHECK_EVERY) {
      this.appendsSinceTimeCheck = 0;
      if (Date.now() - this.lastFlush >= this.options.flushIntervalMs) this.flush({ sync: true });
    }
  }

  /** Record a period where the recording may be incomplete: in the metadata and as a marker row. */
  addGap(gap: Gap): void {
    this.state.metadata.gaps.push(gap);
    this.saveState();
    this.append({
      source: 'marker',
      ts: gap.start,
      marker: 'gap',
      marker_end: gap.end,
      marker_detail: `${gap.scope}: ${gap.reason}`,
    });
  }

  /** Update metadata the producer learns along the way (cluster version, filters...). */
  updateMetadata(patch: MetadataPatch): void {
    this.state.metadata = { ...this.state.metadata, ...stripUndefined(patch) };
    this.saveState();
  }

  /**
   * Write buffered rows to the open segment. `sync` also asks the OS to put them on disk: done for
   * the timed flush only, so that bulk writes are not slowed by one fsync per buffer.
   */
  flush(options: { sync: boolean } = { sync: true }): void {
    this.lastFlush = Date.now();
    if (this.lines.length === 0 || this.fd === null) return;
    try {
      this.segmentBytes += this.lines.writeTo(this.fd);
      if (options.sync) fdatasyncSync(this.fd);
      if (this.segmentBytes >= this.options.segmentMaxBytes) this.rotateSegment();
    } catch (error) {
      throw this.spoolFailure(error);
    }
  }

  /** spool.json rewritten (atomically: a failed write leaves the previous one). */
  private saveState(): void {
    if (this.failure) throw this.failure;
    try {
      writeSpoolState(this.options.spoolDir, this.state);
    } catch (error) {
      throw this.spoolFailure(error);
    }
  }

  /**
   * A write into the spool failed (a full disk, a quota): what was flushed before stays, a cut last
   * line is dropped when the spool is finished, so the spool is kept and the user told how to go on.
   */
  private spoolFailure(error: unknown): unknown {
    if (error instanceof SpoolWriteError) return error;
    const os = osErrorIn(error);
    if (!os) return error;
    this.failure = new SpoolWriteError(
      this.options.spoolDir,
      osError(os, { doing: 'write the spool', file: os.path ?? this.options.spoolDir }),
    );
    return this.failure;
  }

  /** Close the open segment and compact it into Parquet in the background. */
  private rotateSegment(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    const ndjson = path.join(this.options.spoolDir, segmentName(this.segmentNumber, 'ndjson'));
    this.state.spooled_bytes += this.segmentBytes;
    this.saveState();
    this.enqueueCompaction(this.segmentNumber, ndjson);
    this.segmentNumber++;
    this.openSegment();
  }

  private openSegment(): void {
    const file = path.join(this.options.spoolDir, segmentName(this.segmentNumber, 'ndjson'));
    this.fd = openSync(file, 'a', FILE_MODE);
    this.segmentBytes = statSync(file).size;
  }

  private enqueueCompaction(number: number, ndjson: string): void {
    this.compaction = this.compaction.then(async () => {
      try {
        await compactSegment(this.db, this.options.spoolDir, number, ndjson);
      } catch (error) {
        // The JSON lines stay in the spool, so nothing is lost; finish() reports the failure.
        this.compactionError ??= error;
      }
    });
  }

  /** Write the bundle file and remove the spool. */
  async finish(): Promise<FinishResult> {
    if (this.finished) throw new Error('BundleWriter.finish called twice');
    this.finished = true;
    if (this.timer) clearInterval(this.timer);
    if (this.failure) {
      await this.close();
      throw this.failure;
    }
    this.flush({ sync: true });
    this.rotateSegment();
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
      rmSync(path.join(this.options.spoolDir, segmentName(this.segmentNumber, 'ndjson')), { force: true });
    }
    await this.compaction;
    if (this.compactionError) {
      this.db.close();
      unlockSpool(this.options.spoolDir);
      const os = userFacingOsError(this.compactionError);
      if (os) throw new SpoolWriteError(this.options.spoolDir, os);
      throw new KstoryError(`could not compact the spool into Parquet: ${messageOf(this.compactionError)}`, {
        hint: `The rows are kept in ${this.options.spoolDir}; after fixing the cause run: kstory bundle repair ${this.options.spoolDir}`,
      });
    }
    try {
      // A share-safe bundle is written plain inside the spool first, then rewritten into the output:
      // nothing but pseudonyms ever reaches the output path.
      const plain = path.join(this.options.spoolDir, 'plain.parquet');
      let result = await writeFinalBundle(
        this.db,
        this.state.anonymize ? { ...this.options, output: plain } : this.options,
        this.state.metadata,
        this.state.spooled_bytes,
      );
      if (this.state.anonymize) {
        const { anonymizeBundle } = await import('./anonymize.ts');
        const spoolDir = path.join(this.options.spoolDir, 'anonymize.spool');
        rmSync(spoolDir, { recursive: true, force: true });
        result = await anonymizeBundle(plain, this.options.output, {
          spoolDir,
          memoryLimit: this.options.memoryLimit,
          mappingFile: this.options.mappingFile,
        });
      }
      unlockSpool(this.options.spoolDir);
      rmSync(this.options.spoolDir, { recursive: true, force: true });
      return result;
    } catch (error) {
      // The spool is whole until the bundle is in place: a full disk costs the bundle, not the rows.
      const os = userFacingOsError(error);
      if (!os) throw error;
      unlockSpool(this.options.spoolDir);
      throw new SpoolWriteError(this.options.spoolDir, os);
    } finally {
      this.db.close();
    }
  }

  /** Stop without writing a bundle; the spool is left for `--resume` or `bundle repair`. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    try {
      if (!this.failure) this.flush({ sync: true });
    } catch {
      // Said by whoever appended when it failed; the spool keeps what was flushed before.
    }
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.finished = true;
    await this.compaction;
    unlockSpool(this.options.spoolDir);
    this.db.close();
  }
}

/**
 * Writing the spool or the bundle failed for a reason of the system (a full disk, a quota, a
 * permission): the spool is kept, and the message says how much it holds and how to finish it.
 */
export class SpoolWriteError extends KstoryError {
  readonly spoolDir: string;

  constructor(spoolDir: string, cause: KstoryError) {
    const held = directoryBytes(spoolDir);
    super(cause.message, {
      hint:
        `The rows written before are kept in ${spoolDir} (${formatMb(held)}). Free about ` +
        `${formatMb(Math.max(held, 1 << 20))} on its file system (a bundle takes at most as much as ` +
        `its spool), then run: kstory bundle repair ${spoolDir} (with -o to write the bundle elsewhere)`,
      cause,
      fatal: true,
    });
    this.spoolDir = spoolDir;
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(bytes < 10 << 20 ? 1 : 0)} MB`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The columns in format order, `body` turned from JSON back to plain text. */
function selectList(): string {
  return COLUMNS.map((c) => (c.name === 'body' ? 'CAST(body AS VARCHAR) AS body' : `"${c.name}"`)).join(', ');
}

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
  const parquet = path.join(spoolDir, segmentName(number, 'parquet'));
  const temp = `${parquet}.tmp`;
  if (statSync(ndjson).size > 0) {
    await db.run(
      `COPY (SELECT ${selectList()} FROM read_json(${sqlString(ndjson)}, format = 'newline_delimited', ` +
        `columns = ${readJsonColumnsLiteral()}, maximum_object_size = ${MAX_OBJECT_SIZE}) ORDER BY ${orderBy()}) ` +
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
  rmSync(ndjson, { force: true });
}

function orderBy(): string {
  return SORT_ORDER.map((c) => `"${c}" NULLS FIRST`).join(', ');
}

/** An empty, fully typed row set: the bundle of a producer that wrote nothing is still a bundle. */
function emptySelect(): string {
  return `SELECT ${COLUMNS.map((c) => `CAST(NULL AS ${c.type}) AS "${c.name}"`).join(', ')} WHERE false`;
}

async function writeFinalBundle(
  db: Database,
  options: {
    output: string;
    spoolDir: string;
    rowGroupSize: number;
    compressionLevel: number;
    globalSortMaxBytes: number;
  },
  metadata: BundleMetadata,
  spooledBytes: number,
): Promise<FinishResult> {
  const parts = listSegments(options.spoolDir)
    .map((s) => s.parquet)
    .filter((p): p is string => p !== null);
  const from = parts.length > 0 ? `read_parquet(${sqlList(parts)})` : `(${emptySelect()})`;

  const stats = await db.all<{ source: string; n: number; first: string | null; last: string | null }>(
    `SELECT source, count(*)::INTEGER AS n, strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS first,
            strftime(max(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS last
     FROM ${from} GROUP BY source ORDER BY source`,
  );
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
    row_order: globalSort ? 'sorted' : 'sorted-per-segment',
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
    // versions), and was slower too (bench/record.ts).
    await db.run(`SET threads = ${globalSort ? availableParallelism() : 1}`);
    await db.run(
      `COPY (SELECT * FROM ${from}${globalSort ? ` ORDER BY ${orderBy()}` : ''}) ` +
        `TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${options.compressionLevel}, ` +
        `ROW_GROUP_SIZE ${rowGroupSize}, KV_METADATA {${keyValues}})`,
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

/** Finish the spool of a writer that did not finish (killed, crashed, or stopped with close()). */
export async function finishSpool(
  spoolDir: string,
  options: { output: string; memoryLimit?: string },
): Promise<FinishResult> {
  const state = readSpoolState(spoolDir);
  const writer = await BundleWriter.create({
    output: options.output,
    spoolDir,
    resume: true,
    metadata: { producer: state.metadata.producer, repaired: true },
    memoryLimit: options.memoryLimit,
  });
  return writer.finish();
}
