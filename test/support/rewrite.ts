// A bundle rewritten as a hostile or careless producer could have written it: its columns passed
// through SQL expressions, its metadata changed, by DuckDB, as the file format allows.

import { COLUMNS } from '../../src/bundle/columns.ts';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { KV_FORMAT_VERSION, KV_METADATA } from '../../src/bundle/metadata.ts';

export async function rewriteBundle(
  source: string,
  output: string,
  change: {
    /** An SQL expression per column name, in place of the column. */
    columns?: (column: { name: string; type: string }) => string | null;
    metadata?: (metadata: Record<string, unknown>) => Record<string, unknown>;
  },
): Promise<void> {
  const db = await Database.open();
  try {
    const select = COLUMNS.map((c) => {
      const expression = change.columns?.(c) ?? null;
      return expression === null ? `"${c.name}"` : `${expression} AS "${c.name}"`;
    }).join(', ');
    const kv = await db.all<{ key: string; value: string }>(
      `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlString(source)})`,
    );
    const original = JSON.parse(kv.find((e) => e.key === KV_METADATA)!.value) as Record<string, unknown>;
    const metadata = change.metadata ? change.metadata(original) : original;
    const version = kv.find((e) => e.key === KV_FORMAT_VERSION)!.value;
    await db.run(
      `COPY (SELECT ${select} FROM read_parquet(${sqlString(source)})) TO ${sqlString(output)} ` +
        `(FORMAT parquet, KV_METADATA {${sqlString(KV_FORMAT_VERSION)}: ${sqlString(version)}, ` +
        `${sqlString(KV_METADATA)}: ${sqlString(JSON.stringify(metadata))}})`,
    );
  } finally {
    db.close();
  }
}
