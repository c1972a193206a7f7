// Many bundles read in turn through one sandboxed DuckDB instance (kstory labels over a corpus):
// the instance, its sandbox and its scratch space are set up once instead of once per bundle, and
// what one bundle's reading created is dropped before the next is read, so that none sees another.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database, sqlIdent } from './duckdb.ts';
import { resolveInputs, type Source } from './inputs.ts';
import { type BundleFile, checkParquetMagic, inspectFile } from './inspect.ts';
import { mergeMetadata } from './metadata.ts';
import { Bundle, createBundleRelation } from './reader.ts';

export interface BatchReaderOptions {
  memoryLimit?: string;
  threads?: number;
  /** Run on each bundle's connection once its `bundle` relation is there (e.g. create views). */
  prepare?: (db: Database) => Promise<void>;
}

export class BatchReader {
  private reading = false;

  private constructor(
    private readonly db: Database,
    /** Each input's files, or why it cannot be read (said when it is read, not before). */
    private readonly inputs: ReadonlyMap<string, Source[] | Error>,
    private readonly scratchDir: string,
    private readonly prepare: BatchReaderOptions['prepare'],
  ) {}

  /** One instance that may read every file the inputs name, and nothing else. */
  static async open(inputs: readonly string[], options: BatchReaderOptions = {}): Promise<BatchReader> {
    const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'kstory-read-'));
    const resolved = new Map<string, Source[] | Error>();
    for (const input of inputs) {
      try {
        const sources = resolveInputs([input], scratchDir);
        for (const source of sources) if (source.format === 'parquet') checkParquetMagic(source.path);
        resolved.set(input, sources);
      } catch (error) {
        resolved.set(input, error as Error);
      }
    }
    const allowed = [...resolved.values()].flatMap((s) => (Array.isArray(s) ? s.map((x) => x.path) : []));
    let db: Database | null = null;
    try {
      db = await Database.open({
        memoryLimit: options.memoryLimit ?? '1GB',
        threads: options.threads,
        tempDirectory: scratchDir,
      });
      await db.sandbox({ allowedPaths: allowed, allowedDirectories: [scratchDir] });
      return new BatchReader(db, resolved, scratchDir, options.prepare);
    } catch (error) {
      db?.close();
      rmSync(scratchDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * `use(bundle)` with one of the inputs given to open(), read on a connection of its own. Reads
   * are one at a time: tables and views live in the instance's catalog, emptied when `use` ends.
   */
  async read<T>(input: string, use: (bundle: Bundle) => Promise<T>): Promise<T> {
    const sources = this.inputs.get(input);
    if (sources === undefined) throw new Error(`BatchReader.read: ${input} was not given to open()`);
    if (sources instanceof Error) throw sources;
    if (this.reading) throw new Error('BatchReader.read: another bundle is being read');
    this.reading = true;
    const connection = await this.db.fork();
    try {
      const warnings: string[] = [];
      const files: BundleFile[] = [];
      for (const source of sources) files.push(await inspectFile(connection, source, warnings));
      await createBundleRelation(connection, files);
      await this.prepare?.(connection);
      const metadata = mergeMetadata(files.map((f) => f.metadata));
      const bundle = new Bundle(connection, files, metadata, warnings, this.scratchDir, false);
      return await use(bundle);
    } finally {
      try {
        await clearCatalog(connection);
      } finally {
        connection.close();
        this.reading = false;
      }
    }
  }

  close(): void {
    this.db.close();
    rmSync(this.scratchDir, { recursive: true, force: true });
  }
}

/** Drops every table and view of the in-memory database: what the bundle read before created. */
async function clearCatalog(db: Database): Promise<void> {
  const objects = await db.all<{ type: string; name: string }>(
    `SELECT 'VIEW' AS type, view_name AS name FROM duckdb_views() WHERE NOT internal AND database_name = 'memory' AND schema_name = 'main'
     UNION ALL
     SELECT 'TABLE', table_name FROM duckdb_tables() WHERE database_name = 'memory' AND schema_name = 'main'`,
  );
  for (const { type, name } of objects) await db.run(`DROP ${type} IF EXISTS memory.main.${sqlIdent(name)}`);
}
