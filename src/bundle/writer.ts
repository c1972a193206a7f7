// The bundle writer. Rows are appended to a spool of lines that is flushed at least every second;
// full segments are compacted into Parquet in the background (in DuckDB's threads); finish() sorts
// everything into the single bundle file through a temp file and a rename. A writer killed at any
// point leaves a spool that `kstory bundle repair` finishes (see repair.ts).

import { closeSync, existsSync, fdatasyncSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { KstoryError, messageOf, osError, osErrorIn, userFacingOsError } from '../errors.ts';
import { Redactor } from '../kube/redact.ts';
import { SOURCES } from './columns.ts';
import { compactSegment, openCompactionDatabase } from './compaction.ts';
import type { Database } from './duckdb.ts';
import { type FinishResult, type QueryRows, writeBundleFile } from './final-bundle.ts';
import type { Gap, MetadataPatch } from './metadata.ts';
import type { BundleRow } from './row.ts';
import { MAX_LINE_BYTES, SEGMENT_HEADER } from './segment-format.ts';
import {
  listSegments,
  type SpoolState,
  segmentName,
  spoolRedactionKey,
  unlockSpool,
  writeSpoolState,
} from './spool.ts';
import { SpoolWriteError } from './spool-error.ts';
import { SpoolLines } from './spool-lines.ts';
import { stripUndefined, takeSpool } from './spool-open.ts';
import { abandonSpool, PendingSqlRows, type SqlRows } from './sql-rows.ts';

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
  /** Closed segments that may wait for compaction (the one being compacted included) before the
   * writer asks its producer to wait (see room()): what bounds the spool's disk when compaction
   * falls behind. */
  maxBacklogSegments?: number;
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

/** DuckDB's memory limit for compaction and the final sort, unless the producer gives one. */
export const DEFAULT_MEMORY_LIMIT = '320MB';
/** Segment size, unless the producer gives one. */
export const DEFAULT_SEGMENT_BYTES = 64 << 20;
/** Closed segments waiting for compaction before producers are asked to wait, unless given. */
export const DEFAULT_MAX_BACKLOG_SEGMENTS = 3;
const MAX_BUFFERED_BYTES = 1 << 20;
const TIME_CHECK_EVERY = 256;
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
  /** Closed segments not yet compacted (the one in compaction included), and their bytes. */
  private backlogSegments = 0;
  private backlogBytesNow = 0;
  private backlogPeak = { segments: 0, bytes: 0 };
  /** Producers waiting in room() for compaction to catch up. */
  private roomWaiters: (() => void)[] = [];
  private roomWait: Promise<void> | null = null;
  private finished = false;
  /** A write into the spool failed: nothing more is written, the spool is kept as it is. */
  private failure: SpoolWriteError | null = null;
  private appended = 0;
  private readonly redactor: Redactor;
  private readonly sqlRows = new PendingSqlRows();

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
      maxBacklogSegments: Math.max(1, options.maxBacklogSegments ?? DEFAULT_MAX_BACKLOG_SEGMENTS),
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
    const { state, nextSegment } = takeSpool(spoolDir, {
      output,
      metadata: options.metadata,
      resume: options.resume === true,
      anonymize: options.anonymize !== undefined,
    });
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
        writer.enqueueCompaction(segment.number, segment.ndjson, statSync(segment.ndjson).size);
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
    // A row too long for a spool line keeps its typed columns (see MAX_LINE_BYTES).
    if (bytes > MAX_LINE_BYTES - 1024) {
      this.lines.truncate(start);
      this.lines.add({
        ...row,
        body: { kstory_body_omitted: `body of ${bytes} bytes exceeds the ${MAX_LINE_BYTES} byte limit` },
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

  /** This bundle's redaction (its key): what a producer building rows in SQL redacts them with. */
  get redaction(): Redactor {
    return this.redactor;
  }

  /**
   * A connection to the writer's database for a producer that builds rows in SQL (its tables are
   * its own to create and drop): see addSqlRows.
   */
  sqlConnection(): Promise<Database> {
    return this.db.fork();
  }

  /**
   * Rows a producer built in SQL on a connection of the writer's database (see sqlConnection and
   * sql-rows.ts): written when the writer finishes, which then releases them (also when it stops).
   */
  addSqlRows(rows: SqlRows): void {
    if (this.finished) throw new Error('BundleWriter.addSqlRows after finish()');
    if (this.failure) throw this.failure;
    this.sqlRows.add(rows);
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
      // A segment says its format first (segment-format.ts), with its first rows.
      if (this.segmentBytes === 0) this.segmentBytes += writeSync(this.fd, SEGMENT_HEADER);
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
    this.enqueueCompaction(this.segmentNumber, ndjson, this.segmentBytes);
    this.segmentNumber++;
    this.openSegment();
  }

  private openSegment(): void {
    const file = path.join(this.options.spoolDir, segmentName(this.segmentNumber, 'ndjson'));
    this.fd = openSync(file, 'a', FILE_MODE);
    this.segmentBytes = statSync(file).size;
  }

  private enqueueCompaction(number: number, ndjson: string, bytes: number): void {
    this.backlogSegments++;
    this.backlogBytesNow += bytes;
    this.backlogPeak = {
      segments: Math.max(this.backlogPeak.segments, this.backlogSegments),
      bytes: Math.max(this.backlogPeak.bytes, this.backlogBytesNow),
    };
    this.compaction = this.compaction.then(async () => {
      try {
        await compactSegment(this.db, this.options.spoolDir, number, ndjson);
      } catch (error) {
        // The JSON lines stay in the spool, so nothing is lost; finish() reports the failure.
        this.compactionError ??= error;
      } finally {
        this.backlogSegments--;
        this.backlogBytesNow -= bytes;
        if (!this.throttled) this.releaseWaiters();
      }
    });
  }

  /**
   * True while compaction is behind: as many closed segments wait for it as the writer allows
   * (maxBacklogSegments). A producer that can wait then awaits room() before appending more; rows
   * appended meanwhile are still written (nothing is refused), only the spool grows past the bound.
   */
  get throttled(): boolean {
    return this.backlogSegments >= this.options.maxBacklogSegments && this.compactionError === null;
  }

  /**
   * Resolves once compaction has caught up (fewer closed segments wait than the bound), at once
   * when it has. A producer awaiting it between rows keeps the spool's disk (and the rows it makes
   * meanwhile) bounded however slow compaction is: its segments waiting for compaction stay within
   * maxBacklogSegments plus the rows it appends between two checks.
   */
  room(): Promise<void> {
    if (!this.throttled) return Promise.resolve();
    this.roomWait ??= new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    return this.roomWait;
  }

  /** Closed segments waiting for compaction now, and the most there ever were (segments, bytes). */
  get backlog(): { segments: number; bytes: number; peakSegments: number; peakBytes: number } {
    return {
      segments: this.backlogSegments,
      bytes: this.backlogBytesNow,
      peakSegments: this.backlogPeak.segments,
      peakBytes: this.backlogPeak.bytes,
    };
  }

  private releaseWaiters(): void {
    const waiters = this.roomWaiters.splice(0);
    this.roomWait = null;
    for (const resolve of waiters) resolve();
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
      await this.sqlRows.dispose();
      this.db.close();
      unlockSpool(this.options.spoolDir);
      const os = userFacingOsError(this.compactionError);
      if (os) throw new SpoolWriteError(this.options.spoolDir, os);
      throw new KstoryError(`could not compact the spool into Parquet: ${messageOf(this.compactionError)}`, {
        hint: `The rows are kept in ${this.options.spoolDir}; after fixing the cause run: kstory bundle repair ${this.options.spoolDir}`,
      });
    }
    try {
      // A share-safe bundle is written plain inside the spool first: its SQL rows go in segments.
      const sql = await this.sqlRows.forBundle(this.db, this.options.spoolDir, {
        direct: !this.state.anonymize,
        next: () => this.segmentNumber++,
      });
      return await this.writeBundle(sql.query, this.state.spooled_bytes + sql.bytes);
    } finally {
      await this.sqlRows.dispose();
      this.db.close();
    }
  }

  /** The bundle from the spool's segments, or from `query` when its rows are all there is. */
  private async writeBundle(query: QueryRows | undefined, spooledBytes: number): Promise<FinishResult> {
    try {
      const result = await writeBundleFile(
        this.db,
        { ...this.options, anonymize: this.state.anonymize },
        this.state.metadata,
        spooledBytes,
        query,
      );
      unlockSpool(this.options.spoolDir);
      rmSync(this.options.spoolDir, { recursive: true, force: true });
      return result;
    } catch (error) {
      // The spool is whole until the bundle is in place: a full disk costs the bundle, not the rows.
      const os = userFacingOsError(error);
      if (!os) throw error;
      if (query !== undefined) throw abandonSpool(this.options.spoolDir, os);
      unlockSpool(this.options.spoolDir);
      throw new SpoolWriteError(this.options.spoolDir, os);
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
    this.releaseWaiters();
    unlockSpool(this.options.spoolDir);
    try {
      await this.sqlRows.dispose();
    } finally {
      this.db.close();
    }
  }
}
