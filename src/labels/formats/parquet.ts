// Parquet through DuckDB: the columns of src/labels/columns.ts typed (VARCHAR, DOUBLE), nested
// fields as JSON text, written from a JSON-lines file of rows by a connection that can read and
// write nothing else.

import { createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { Database, sqlString } from '../../bundle/duckdb.ts';
import { LABEL_COLUMNS, labelToRow, rowToLabel } from '../columns.ts';
import type { LabelFormat } from './format.ts';
import { spooledLabels } from './spool.ts';

const SQL_TYPE = { string: 'VARCHAR', json: 'VARCHAR', number: 'DOUBLE' } as const;

async function sandboxed(paths: string[], work: (db: Database) => Promise<void>): Promise<void> {
  const db = await Database.open({ threads: 1 });
  try {
    await db.sandbox({ allowedPaths: paths, allowedDirectories: [] });
    await work(db);
  } finally {
    db.close();
  }
}

export const parquetFormat: LabelFormat = {
  name: 'parquet',
  extensions: ['.parquet'],
  description: 'Parquet (zstd), nested fields as JSON text',
  binary: true,
  async write(spool, file) {
    const rows = path.join(path.dirname(spool), 'rows.jsonl');
    const out = createWriteStream(rows);
    for await (const label of spooledLabels(spool))
      if (!out.write(`${JSON.stringify(labelToRow(label))}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
    out.end();
    await finished(out);
    // An empty spool: read_json needs a row to take the columns from; none is selected.
    if (out.bytesWritten === 0) writeFileSync(rows, `${JSON.stringify({ type: null })}\n`);
    const columns = `{${LABEL_COLUMNS.map((c) => `${sqlString(c.name)}: '${SQL_TYPE[c.kind]}'`).join(', ')}}`;
    const select = LABEL_COLUMNS.map((c) => `"${c.name}"`).join(', ');
    await sandboxed([rows, file], (db) =>
      db.run(
        `COPY (SELECT ${select} FROM read_json(${sqlString(rows)}, format = 'newline_delimited', columns = ${columns}) WHERE type IS NOT NULL)
         TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
      ),
    );
  },
  async read(file) {
    let rows: Record<string, unknown>[] = [];
    await sandboxed([file], async (db) => {
      rows = await db.all(`SELECT * FROM read_parquet(${sqlString(file)})`);
    });
    return rows.map(rowToLabel);
  },
};
