// Tiny bundles in memory for tests of views and compiled signals: rows, as producers hand them to
// the writer, in a `bundle` table of the format's columns, with every view of the registry over it.

import { COLUMNS } from '../../src/bundle/columns.ts';
import { Database } from '../../src/bundle/duckdb.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { encodeRow } from '../../src/bundle/spool.ts';
import { createViews } from '../../src/views/create.ts';

/** The `bundle` table, empty: the same columns and types as a bundle read from its files. */
export async function emptyBundleDb(): Promise<Database> {
  const db = await Database.open({ memoryLimit: '256MB', threads: 1 });
  await db.run(`CREATE TABLE bundle (${COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
  return db;
}

/** Add rows to the `bundle` table, encoded as the spool encodes them. */
export async function insertRows(db: Database, rows: readonly BundleRow[]): Promise<void> {
  if (rows.length === 0) return;
  const structure = JSON.stringify(
    Object.fromEntries(COLUMNS.map((c) => [c.name, c.name === 'body' ? 'JSON' : c.type])),
  );
  await db.run(
    `INSERT INTO bundle BY NAME
     SELECT r.* REPLACE (CAST(r.body AS VARCHAR) AS body)
     FROM (SELECT unnest(from_json(?::JSON, '[${structure.replaceAll("'", "''")}]')) AS r)`,
    [`[${rows.map(encodeRow).join(',')}]`],
  );
}

/** A database holding these rows and every view over them. Close it after use. */
export async function viewsOver(rows: readonly BundleRow[]): Promise<Database> {
  const db = await emptyBundleDb();
  try {
    await insertRows(db, rows);
    await createViews(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
