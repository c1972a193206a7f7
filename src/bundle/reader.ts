// Opening bundles for reading: one or more bundle files, spool or segment directories, or globs,
// checked one by one and exposed as the `bundle` relation (every column of the format, whatever the
// files' version) in a sandboxed connection that can read nothing else. The views analysis reads are
// created over it by src/views/open.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KstoryError } from '../errors.ts';
import { COLUMNS } from './columns.ts';
import { dedupedAcrossFiles, findDuplicates, withoutDuplicates } from './dedupe.ts';
import { Database, type Row, sqlString } from './duckdb.ts';
import { resolveInputs, type Source } from './inputs.ts';
import { type BundleFile, checkParquetMagic, inspectFile } from './inspect.ts';
import { type BundleMetadata, mergeMetadata } from './metadata.ts';
import { segmentRowsSql } from './segment-format.ts';
import type { DamagedPart } from './verify.ts';

export interface OpenOptions {
  memoryLimit?: string;
  threads?: number;
  /** Damaged parts to read around (found by verifyBundle): the rest of each file is read. */
  leaveOut?: readonly DamagedPart[];
  /** Read only the files whose metadata names this cluster (see cluster-identity.ts). */
  cluster?: string;
}

export class Bundle {
  constructor(
    readonly db: Database,
    readonly files: readonly BundleFile[],
    readonly metadata: BundleMetadata,
    readonly warnings: readonly string[],
    private readonly scratchDir: string,
    /** Whether closing this removes the scratch directory (false for a fork, or a bundle of a
     * BatchReader, which owns it). */
    private readonly ownsScratch = true,
  ) {}

  query<T = Row>(sql: string, params?: Parameters<Database['all']>[1]): Promise<T[]> {
    return this.db.all<T>(sql, params);
  }

  /** The same bundle on another connection, for queries that run in parallel with this one's.
   * Closing the fork closes its connection only. */
  async fork(): Promise<Bundle> {
    return new Bundle(await this.db.fork(), this.files, this.metadata, this.warnings, this.scratchDir, false);
  }

  close(): void {
    this.db.close();
    if (this.ownsScratch) rmSync(this.scratchDir, { recursive: true, force: true });
  }
}

/** The bundle's files, read as one `bundle` relation; no other view is created. */
export async function openBundleFiles(inputs: readonly string[], options: OpenOptions = {}): Promise<Bundle> {
  if (inputs.length === 0)
    throw new KstoryError('no bundle given', {
      hint: 'Pass a bundle file, e.g. kstory bundle info incident.parquet',
    });
  const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'kstory-read-'));
  let sources: Source[];
  try {
    sources = resolveInputs(inputs, scratchDir);
    for (const source of sources) if (source.format === 'parquet') checkParquetMagic(source.path);
  } catch (error) {
    rmSync(scratchDir, { recursive: true, force: true });
    throw error;
  }
  const db = await Database.open({
    memoryLimit: options.memoryLimit ?? '1GB',
    threads: options.threads,
    tempDirectory: scratchDir,
  });
  try {
    await db.sandbox({ allowedPaths: sources.map((s) => s.path), allowedDirectories: [scratchDir] });
    const warnings: string[] = [];
    const files: BundleFile[] = [];
    for (const source of sources) {
      const file = await inspectFile(db, source, warnings);
      if (options.cluster !== undefined && file.metadata.cluster.name !== options.cluster) continue;
      const leftOut = (options.leaveOut ?? []).filter((part) => part.file === file.path);
      files.push(leftOut.length > 0 ? { ...file, leftOut } : file);
    }
    await createBundleRelation(db, files);
    return new Bundle(db, files, mergeMetadata(files.map((f) => f.metadata)), warnings, scratchDir);
  } catch (error) {
    db.close();
    rmSync(scratchDir, { recursive: true, force: true });
    throw error;
  }
}

/** The file's rows with every column of the format; `rowNumbers` adds each row's `file_row_number`
 * (Parquet files only). */
function fileSelect(file: BundleFile, rowNumbers = false): string {
  const missing = new Set(file.missingColumns);
  const columns =
    COLUMNS.map((c) => (missing.has(c.name) ? `CAST(NULL AS ${c.type}) AS "${c.name}"` : `"${c.name}"`)).join(
      ', ',
    ) + (rowNumbers ? ', file_row_number' : '');
  // An open segment may end in a partial line while its writer is running: skip what does not parse.
  if (file.format === 'ndjson') return segmentRowsSql(file.path, { tolerant: true });
  if (file.leftOut && file.leftOut.length > 0) return keptRanges(file, columns);
  return `SELECT ${columns} FROM read_parquet(${sqlString(file.path)}${rowNumbers ? ', file_row_number = true' : ''})`;
}

/**
 * A file read around its damaged row groups: one select per run of intact rows, each a positive
 * range of row numbers, which DuckDB turns into skipping whole row groups (a NOT range it would
 * read, and fail on, the damaged one).
 */
function keptRanges(file: BundleFile, columns: string): string {
  const parts = [...file.leftOut!].sort((a, b) => a.first_row - b.first_row);
  const ranges: [number, number | null][] = [];
  let from = 0;
  for (const part of parts) {
    if (part.first_row > from) ranges.push([from, part.first_row]);
    from = part.first_row + part.rows;
  }
  ranges.push([from, null]);
  const read = `read_parquet(${sqlString(file.path)}, file_row_number = true)`;
  return ranges
    .map(
      ([first, end]) =>
        `SELECT ${columns} FROM ${read} WHERE file_row_number >= ${first}${end === null ? '' : ` AND file_row_number < ${end}`}`,
    )
    .join('\nUNION ALL\n');
}

/** A compacted segment inside a spool directory. */
function isSegment(file: string): boolean {
  return /^seg-\d+\.parquet$/.test(path.basename(file));
}

/** The `bundle` relation: every column of the format, those a file lacks read as NULL. */
export async function createBundleRelation(db: Database, files: readonly BundleFile[]): Promise<void> {
  const uniform = files.every((f) => f.format === 'parquet' && f.missingColumns.length === 0 && !f.leftOut);
  const columnList = COLUMNS.map((c) => `"${c.name}"`).join(', ');
  // Files of one writer (a spool's segments) hold each observation once; separate bundles may not.
  const writers = new Set(
    files.map((f) => (f.format === 'ndjson' || isSegment(f.path) ? path.dirname(f.path) : f.path)),
  );
  if (writers.size > 1) {
    if (files.some((f) => f.format === 'ndjson')) {
      await db.run(`CREATE VIEW bundle AS ${dedupedAcrossFiles(files.map((f) => fileSelect(f)))}`);
      return;
    }
    // Duplicates are found once, reading only the columns that identify a row; each query of the
    // view then reads the files as they are, less those rows.
    const numbered = files.map((f) => fileSelect(f, true));
    const dropped = await findDuplicates(db, numbered);
    const selects = files.map((f, i) =>
      dropped[i]! > 0 ? withoutDuplicates(numbered[i]!, i) : fileSelect(f),
    );
    await db.run(`CREATE VIEW bundle AS ${selects.join('\nUNION ALL\n')}`);
    return;
  }
  const all = uniform
    ? `SELECT ${columnList} FROM read_parquet([${files.map((f) => sqlString(f.path)).join(', ')}])`
    : files.map((f) => fileSelect(f)).join('\nUNION ALL\n');
  await db.run(`CREATE VIEW bundle AS ${all}`);
}
