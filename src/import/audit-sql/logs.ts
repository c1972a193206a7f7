// The audit logs of an import read in DuckDB rather than line by line: plain Kubernetes audit JSON
// lines (kube-apiserver's log at level Metadata, on disk, plain or gzip) are parsed and typed there,
// joined by request across every such log of the import, and handed to the bundle writer as one
// query of rows (rows.ts, bundle/sql-rows.ts). Cloud audit exports, other levels and any log it
// does not take whole are read line by line as before (formats/audit.ts).

import type { Database } from '../../bundle/duckdb.ts';
import type { SourceStats } from '../../bundle/final-bundle.ts';
import type { SqlRows } from '../../bundle/sql-rows.ts';
import type { Redactor } from '../../kube/redact.ts';
import type { InputStats } from '../stats.ts';
import {
  buildKindTable,
  buildMemberTables,
  buildTextTable,
  buildUriNameTable,
  MEMBER_TABLES,
} from './members.ts';
import { createLinesTable, LINES_TABLE, readAuditLog } from './read.ts';
import {
  countRows,
  FILES_TABLE,
  FLAGS_TABLE,
  flagLines,
  OTHER_IDS_TABLE,
  rowsSql,
  textColumnsSql,
} from './rows.ts';

/** What takes rows built in SQL: the bundle writer (see BundleWriter.addSqlRows). */
export interface SqlRowTarget {
  readonly redaction: Redactor;
  sqlConnection(): Promise<Database>;
  addSqlRows(rows: SqlRows): void;
}

export function isSqlRowTarget(target: object): target is SqlRowTarget {
  return 'addSqlRows' in target && 'sqlConnection' in target;
}

interface LogRead {
  origin: string;
  stats: InputStats;
}

/** Rows a log gave, for its input's counts. */
export interface LogRows extends LogRead {
  rows: number;
  repeats: number;
}

const PROGRESS_EVERY_MS = 250;

export class SqlAuditLogs {
  private db: Database | null = null;
  private readonly logs: LogRead[] = [];
  private bytes = 0;

  constructor(private readonly target: SqlRowTarget) {}

  /**
   * Read one log into the staging table; false when it is not one read here (nothing of it is kept).
   * `progress` is told how much of the file DuckDB has read (0 to 1), while it reads.
   */
  async read(
    file: { path: string; gzip: boolean; bytes: number },
    log: LogRead,
    progress: (fraction: number) => void,
  ): Promise<boolean> {
    const db = await this.database();
    const timer = setInterval(() => {
      const { percentage } = db.connection.progress;
      if (percentage >= 0) progress(Math.min(1, percentage / 100));
    }, PROGRESS_EVERY_MS);
    let taken: boolean;
    try {
      taken = await readAuditLog(db, file.path, this.logs.length, file.gzip);
    } finally {
      clearInterval(timer);
    }
    if (!taken) return false;
    this.logs.push(log);
    this.bytes += file.bytes;
    return true;
  }

  /**
   * Hand the rows of every log read to the writer, once all are: a request's stages may be in two
   * logs (a rotation between them). `otherIds` are the requests the line-by-line reader wrote (from
   * other inputs): lines of theirs here are repeats. Gives the rows and repeats of each log. The
   * tables the rows are read from are the writer's to drop from then on (see SqlRows).
   */
  async finish(otherIds: Iterable<string>): Promise<LogRows[]> {
    const db = this.db;
    if (db === null) return [];
    try {
      if (this.logs.length === 0) return [];
      const redactor = this.target.redaction;
      await db.run(`CREATE OR REPLACE TABLE ${FILES_TABLE} (file_no INTEGER, origin VARCHAR)`);
      const files = await db.connection.createAppender(FILES_TABLE);
      this.logs.forEach((log, i) => {
        files.appendInteger(i);
        files.appendVarchar(log.origin);
        files.endRow();
      });
      files.closeSync();
      const others = await this.otherIds(db, otherIds);
      await flagLines(db, others);
      await buildMemberTables(db, redactor);
      await buildKindTable(db);
      await buildUriNameTable(db);
      const redacts = (await buildTextTable(db, redactor, textColumnsSql())) > 0;
      const counts = await countRows(db);
      this.target.addSqlRows({
        select: rowsSql(redacts),
        sorted: true,
        stats: statsOf(counts),
        bytes: this.bytes,
        dispose: () => dropTables(db),
      });
      this.db = null;
      return counts.map((c) => ({ ...this.logs[c.file_no]!, rows: c.rows, repeats: c.repeats }));
    } finally {
      await this.close();
    }
  }

  /** Drop the tables and the connection (the import failed, or nothing was read). */
  async close(): Promise<void> {
    const db = this.db;
    if (db === null) return;
    this.db = null;
    await dropTables(db);
  }

  private async database(): Promise<Database> {
    if (this.db === null) {
      this.db = await this.target.sqlConnection();
      await createLinesTable(this.db);
    }
    return this.db;
  }

  private async otherIds(db: Database, ids: Iterable<string>): Promise<boolean> {
    await db.run(`CREATE OR REPLACE TABLE ${OTHER_IDS_TABLE} (id_key VARCHAR)`);
    const appender = await db.connection.createAppender(OTHER_IDS_TABLE);
    let any = false;
    for (const id of ids) {
      appender.appendVarchar(id);
      appender.endRow();
      any = true;
    }
    appender.closeSync();
    return any;
  }
}

/** The rows of all logs, and their first and last times (the texts of one format sort as times). */
function statsOf(counts: Awaited<ReturnType<typeof countRows>>): SourceStats[] {
  const n = counts.reduce((sum, c) => sum + c.rows, 0);
  if (n === 0) return [];
  const firsts = counts.map((c) => c.first).filter((t): t is string => t !== null);
  const lasts = counts.map((c) => c.last).filter((t): t is string => t !== null);
  return [{ source: 'audit', n, first: firsts.sort()[0] ?? null, last: lasts.sort().at(-1) ?? null }];
}

/** The tables the rows are read from, and their connection. */
async function dropTables(db: Database): Promise<void> {
  const tables = [
    LINES_TABLE,
    FLAGS_TABLE,
    FILES_TABLE,
    OTHER_IDS_TABLE,
    'kstory_audit_kinds',
    'kstory_audit_uri_names',
    'kstory_audit_texts',
    ...MEMBER_TABLES.map((t) => t.table),
  ];
  try {
    for (const table of tables) await db.run(`DROP TABLE IF EXISTS ${table}`);
  } finally {
    db.close();
  }
}
