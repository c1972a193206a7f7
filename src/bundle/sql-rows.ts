// Rows a producer builds in SQL on the writer's database (an audit log read whole in DuckDB) instead
// of appending them one by one: held as a query until the writer finishes, then encoded once, into
// the bundle itself when they are all it holds, or else into sorted segments of the spool beside
// the rest.

import { rmSync } from 'node:fs';
import { KstoryError, userFacingOsError } from '../errors.ts';
import { COLUMNS, SORT_ORDER } from './columns.ts';
import { writeSegment } from './compaction.ts';
import type { Database } from './duckdb.ts';
import type { QueryRows } from './final-bundle.ts';
import { listSegments, unlockSpool } from './spool.ts';

/**
 * Rows built in SQL, handed to the writer (BundleWriter.addSqlRows), which then owns them: `select`
 * gives every column of the format in order, already redacted with the writer's redaction; `stats`
 * are its rows by source with their first and last times, which the producer knows.
 */
export interface SqlRows extends QueryRows {
  /** About their size as JSON lines (what decides the final sort). */
  bytes: number;
  /** Drop what `select` reads (its tables, its connection): the rows are written, or never will be. */
  dispose(): Promise<void>;
}

/** Every column of the format in order, as a select list: the given expressions, NULL for the rest. */
export function formatColumns(values: Readonly<Record<string, string>>): string {
  return COLUMNS.map((c) => `${values[c.name] ?? `CAST(NULL AS ${c.type})`} AS "${c.name}"`).join(', ');
}

/**
 * The rows of `values` over `from` (FROM and what follows it), every column of the format, already
 * in the format's order (QueryRows.sorted): sorted on the columns given only, the others added as
 * NULL after the sort. A sort moves every column it is handed, and an audit row leaves about 45 of
 * the format's columns NULL (lists of structs among them): sorting them too was most of its cost.
 */
export function sortedRowsSql(values: Readonly<Record<string, string>>, from: string): string {
  const given = Object.keys(values).map((name) => `${values[name]} AS "${name}"`);
  // A column left NULL is the same in every row: it orders nothing.
  const order = SORT_ORDER.filter((c) => c in values)
    .map((c) => `"${c}" NULLS FIRST`)
    .join(', ');
  const all = Object.fromEntries(Object.keys(values).map((name) => [name, `"${name}"`]));
  return `SELECT ${formatColumns(all)} FROM (SELECT ${given.join(', ')} ${from} ORDER BY ${order})`;
}

/** The SQL rows a writer holds until it finishes. */
export class PendingSqlRows {
  private readonly pending: SqlRows[] = [];

  add(rows: SqlRows): void {
    this.pending.push(rows);
  }

  /**
   * Ready for the bundle: the one query that is the whole bundle when it is (`direct` allowing) and
   * the spool holds no rows (a producer that wrote rows of its own, or one resumed, has segments):
   * its rows are then encoded once, straight into the bundle, instead of into a segment first and
   * the bundle after. Otherwise each query becomes a sorted segment of the spool, as compaction
   * writes one, numbered by `next`. Gives their bytes (what decides the final sort).
   */
  async forBundle(
    db: Database,
    spoolDir: string,
    options: { direct: boolean; next: () => number },
  ): Promise<{ query?: QueryRows; bytes: number }> {
    const sole = this.pending.length === 1 ? this.pending[0]! : null;
    if (options.direct && sole && !listSegments(spoolDir).some((s) => s.parquet !== null)) {
      return { query: sole, bytes: sole.bytes };
    }
    let bytes = 0;
    try {
      for (const rows of this.pending) {
        await writeSegment(db, spoolDir, options.next(), rows.select, rows.sorted === true);
        bytes += rows.bytes;
      }
    } catch (error) {
      const os = userFacingOsError(error);
      throw os ? abandonSpool(spoolDir, os) : error;
    }
    return { bytes };
  }

  /** Release every query's tables; the first failure is thrown once all are tried. */
  async dispose(): Promise<void> {
    const all = this.pending.splice(0);
    let failure: unknown = null;
    for (const rows of all) {
      try {
        await rows.dispose();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) throw failure;
  }
}

/**
 * Writing rows built in SQL failed (a full disk while they are encoded): the spool never held them,
 * so it is removed rather than kept for a repair that would give a bundle without them. The error
 * says so; the producer's inputs are where the rows are.
 */
export function abandonSpool(spoolDir: string, error: KstoryError): KstoryError {
  unlockSpool(spoolDir);
  rmSync(spoolDir, { recursive: true, force: true });
  return new KstoryError(error.message, {
    hint: `${error.hint ?? ''} Nothing is kept: run the same command again once there is room.`.trim(),
    cause: error,
    fatal: true,
  });
}
