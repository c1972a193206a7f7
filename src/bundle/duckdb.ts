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

/** The DuckDB library's version, e.g. `v1.5.6`. */
export const DUCKDB_VERSION: string = duckdb.version();

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
    const inlined = params?.length ? withValues(sql, params) : null;
    await (inlined === null ? this.connection.run(sql, params) : this.connection.run(inlined));
  }

  /** Rows as plain JSON-friendly objects (timestamps as text, BIGINT as number when safe). */
  async all<T = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]> {
    const inlined = params?.length ? withValues(sql, params) : null;
    const reader = await (inlined === null
      ? this.connection.runAndReadAll(sql, params)
      : this.connection.runAndReadAll(inlined));
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

/** Lists longer than this stay bound: written out, they would cost more to parse than binding. */
const MAX_INLINED_LIST = 1000;

/**
 * `sql` with each `?` placeholder replaced by its value written as a SQL literal, or null when a
 * value has no exact literal (a string with a NUL, a long list, a DuckDB value object) or the
 * placeholders do not match the values: then they are bound as before. A statement with parameters
 * is prepared, bound and executed, which costs DuckDB about a quarter more CPU than the same
 * statement run as text (measured on the queries an analysis asks of a small bundle, whose rows
 * cost less than their planning): a run over a corpus of small bundles asks thousands. Values are
 * written the way DuckDB reads a literal (a string quoted with its quotes doubled, a number as
 * digits), so that no value, from a pattern or from a bundle, is ever read as SQL.
 */
export function withValues(sql: string, params: readonly DuckDBValue[]): string | null {
  const literals: string[] = [];
  for (const value of params) {
    const literal = sqlLiteral(value);
    if (literal === null) return null;
    literals.push(literal);
  }
  let out = '';
  let used = 0;
  let from = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    // Quoted text, identifiers and comments are copied whole: a `?` in them is not a placeholder.
    const end =
      c === "'" || c === '"'
        ? closingQuote(sql, i, c)
        : c === '-' && sql[i + 1] === '-'
          ? lineEnd(sql, i)
          : c === '/' && sql[i + 1] === '*'
            ? commentEnd(sql, i)
            : null;
    if (end !== null) {
      if (end < 0) return null;
      i = end;
      continue;
    }
    if (c !== '?') continue;
    if (used === literals.length) return null;
    out += sql.slice(from, i) + literals[used++];
    from = i + 1;
  }
  return used === literals.length ? out + sql.slice(from) : null;
}

/** Index of the quote that closes the one at `start` (a doubled quote is part of the text), -1 if none. */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const end = sql.indexOf(quote, i);
    if (end < 0) return -1;
    if (sql[end + 1] !== quote) return end;
    i = end + 2;
  }
}

function lineEnd(sql: string, start: number): number {
  const end = sql.indexOf('\n', start);
  return end < 0 ? sql.length - 1 : end;
}

function commentEnd(sql: string, start: number): number {
  const end = sql.indexOf('*/', start + 2);
  return end < 0 ? -1 : end + 1;
}

/** A value as the literal DuckDB reads back as the same value, or null when it has none here. */
function sqlLiteral(value: DuckDBValue): string | null {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return value.includes('\0') ? null : sqlString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return signed(String(value));
    case 'number':
      // An integer reads as one that takes the type its place asks, as a bound value does; other
      // numbers as the double they are (JavaScript prints the shortest text that reads back exact).
      if (Number.isSafeInteger(value)) return signed(String(value));
      return Number.isFinite(value) ? `CAST('${String(value)}' AS DOUBLE)` : null;
  }
  if (value instanceof duckdb.DuckDBListValue && value.items.length <= MAX_INLINED_LIST) {
    const items = value.items.map(sqlLiteral);
    return items.every((item) => item !== null) ? `[${items.join(', ')}]` : null;
  }
  return null;
}

/** A negative number in parentheses: after a minus sign in the query (`x -?`) it would begin a comment. */
function signed(digits: string): string {
  return digits.startsWith('-') ? `(${digits})` : digits;
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

/** A SQL string literal: its quotes doubled, the only escape DuckDB reads in one. */
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
