// One place that creates DuckDB instances, so that every one of them is pinned the same way:
// built-in extensions only (nothing is ever downloaded), UTC, bounded memory and threads.

import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type * as DuckDBClient from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';

/**
 * The DuckDB client, required rather than imported: importing a CommonJS package makes Node read
 * the source of each of its modules for the names they export, which for this one costs more than
 * loading it (about 0.25 against 0.1 CPU-seconds at every start of kstory). Other modules take what
 * they need of it from here.
 */
const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDBClient;

/** A DuckDB LIST value, for a list bound as one parameter. */
export const listValue: typeof DuckDBClient.listValue = duckdb.listValue;

export interface DuckDBOptions {
  /** e.g. `1GB`. DuckDB spills sorts and joins to `tempDirectory` beyond it. */
  memoryLimit?: string;
  threads?: number;
  tempDirectory?: string;
}

export interface SandboxOptions {
  /** Files the connection may read. */
  allowedPaths: string[];
  /** Directories the connection may read and write (spill space). */
  allowedDirectories: string[];
}

export type Row = Record<string, unknown>;

/** A DuckDB connection with the few helpers the rest of kstory needs. */
export class Database {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** Whether closing this also closes the instance (false for a fork). */
    private readonly ownsInstance = true,
  ) {}

  static async open(options: DuckDBOptions = {}): Promise<Database> {
    const config: Record<string, string> = {
      // Never reach the network for an extension: json, parquet and icu are built in.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
      memory_limit: options.memoryLimit ?? '1GB',
      // Insertion order is not needed anywhere (every query orders explicitly), and keeping it
      // costs memory on large COPY statements.
      preserve_insertion_order: 'false',
    };
    if (options.threads) config.threads = String(options.threads);
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    const instance = await duckdb.DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    // Set after connecting: the ICU extension that owns the setting is loaded by then. GLOBAL, so
    // that connections forked later (after the configuration is locked) have it too.
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
    // Otherwise every query of a view reads the footers of the Parquet files it scans again (tens
    // of milliseconds for a large bundle); a Parquet file is never rewritten in place while read.
    await connection.run('SET GLOBAL parquet_metadata_cache = true');
    return new Database(instance, connection);
  }

  /**
   * Another connection to the same database: it sees the same tables and settings (the sandbox is
   * the instance's), and its queries run in parallel with this one's. Close it before this one.
   */
  async fork(): Promise<Database> {
    const connection = await this.instance.connect();
    return new Database(this.instance, connection, false);
  }

  /**
   * Lock the connection down to the given files: after this no other file can be read or
   * written, and the settings cannot be changed back (order matters: allowed paths first).
   */
  async sandbox(options: SandboxOptions): Promise<void> {
    await this.run(`SET allowed_paths = ${sqlList(options.allowedPaths)}`);
    await this.run(`SET allowed_directories = ${sqlList(options.allowedDirectories)}`);
    await this.run('SET enable_external_access = false');
    await this.run('SET lock_configuration = true');
  }

  /** Stops the query this connection is running: it fails with an interruption error. */
  interrupt(): void {
    this.connection.interrupt();
  }

  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Rows as plain JSON-friendly objects (timestamps as text, BIGINT as number when safe). */
  async all<T = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    // Converted column by column, then assembled into objects: the reader's own row-object
    // conversion looks each vector up again for every value, several times slower on the tens of
    // thousands of rows relations and existence read.
    const columns = reader.getColumnsJson();
    const names = reader.deduplicatedColumnNames();
    const rows: Row[] = new Array(reader.currentRowCount);
    for (let r = 0; r < rows.length; r++) {
      const row: Row = {};
      for (let c = 0; c < names.length; c++) row[names[c]!] = columns[c]![r];
      rows[r] = row;
    }
    return rows as T[];
  }

  close(): void {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection, now. The rows of a DuckDB result live in native memory that is freed
 * only when the collector finalizes the result's JS handles, and V8 does not count that memory, so
 * a process reading large results in turn keeps those it has read until its heap alone asks for a
 * collection, which can be gigabytes later. Between such rounds of work (batches of stories) this
 * holds the process to what one round needs, for the time of one collection of the live heap.
 */
export function collectGarbage(): void {
  if (!gc) {
    // Exposed to contexts created from now on only; the program's own global is left as it is.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** A SQL string literal. Used only where DuckDB accepts no bound parameter (COPY options, SET). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlList(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}

/** A quoted identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
