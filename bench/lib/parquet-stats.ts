// Where the bytes of a bundle go: compressed size per top-level column (nested columns summed),
// read from the Parquet footer with DuckDB's parquet_metadata().

import { SORT_ORDER } from '../../src/bundle/columns.ts';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';

export interface ColumnBytes {
  column: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

export interface ParquetStats {
  rowGroups: number;
  rows: number;
  /** Rows whose sort key is lower than the previous row's in file order: 0 for a sorted bundle. */
  rowsOutOfOrder: number;
  columns: ColumnBytes[];
}

/** The bundle's sort key (columns.ts SORT_ORDER) as one comparable string, NULL sorting first. */
function sortKey(): string {
  return `concat_ws(chr(1), ${SORT_ORDER.map((c) => (c === 'ts' ? `coalesce(strftime(ts, '%Y%m%d%H%M%S%f'), '')` : `coalesce("${c}", '')`)).join(', ')})`;
}

/** Rows out of the documented order, reading the file in its physical order (file_row_number). */
export async function rowsOutOfOrder(db: Database, file: string): Promise<number> {
  const [r] = await db.all<{ n: number }>(
    `SELECT count(*) FILTER (WHERE k < prev)::BIGINT AS n FROM (
       SELECT k, lag(k) OVER (ORDER BY file_row_number) AS prev
       FROM (SELECT file_row_number, ${sortKey()} AS k FROM read_parquet(${sqlString(file)}, file_row_number = true)))`,
  );
  return Number(r?.n ?? 0);
}

export async function parquetStats(file: string): Promise<ParquetStats> {
  const db = await Database.open({ memoryLimit: '1GB', threads: 2 });
  try {
    const columns = await db.all<{ column: string; compressed: number; uncompressed: number }>(
      `SELECT split_part(path_in_schema, ',', 1) AS "column",
              sum(total_compressed_size)::BIGINT AS compressed,
              sum(total_uncompressed_size)::BIGINT AS uncompressed
       FROM parquet_metadata(${sqlString(file)}) GROUP BY 1 ORDER BY 2 DESC`,
    );
    const [meta] = await db.all<{ row_groups: number; rows: number }>(
      `SELECT num_row_groups::BIGINT AS row_groups, num_rows::BIGINT AS rows FROM parquet_file_metadata(${sqlString(file)})`,
    );
    return {
      rowGroups: Number(meta?.row_groups ?? 0),
      rows: Number(meta?.rows ?? 0),
      rowsOutOfOrder: await rowsOutOfOrder(db, file),
      columns: columns.map((c) => ({
        column: c.column,
        compressedBytes: Number(c.compressed),
        uncompressedBytes: Number(c.uncompressed),
      })),
    };
  } finally {
    db.close();
  }
}
