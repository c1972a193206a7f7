// `kstory bundle scan`: every row of a bundle read back and checked by the same detector the
// writer applies, for bundles written before it existed, by another tool, or edited by hand.
// Reports where a credential is (file, row, column, path, rule), never the credential itself.

import { type Finding, Redactor } from '../kube/redact.ts';
import { sqlString } from './duckdb.ts';
import { openBundleFiles } from './reader.ts';
import type { BundleRow } from './row.ts';

export interface ScanFinding {
  file: string;
  /** Row number in the file, from 0, in file order. */
  row: number;
  /** The column, then the path inside it: `log_line`, `body.data.password`, `containers.0.message`. */
  column: string;
  rule: string;
  source: string;
  kind: string | null;
  namespace: string | null;
  name: string | null;
  ts: string;
}

export interface ScanResult {
  files: string[];
  rows: number;
  /** Every finding, in file and row order; at most `limit` of them (see `total`). */
  findings: ScanFinding[];
  total: number;
  rowsWithFindings: number;
}

export interface ScanOptions {
  /** Keep at most this many findings (all are counted). */
  limit?: number;
  /** Told of progress now and then: rows read so far. */
  onProgress?: (rows: number) => void;
}

/** Scan every row of every bundle given. */
export async function scanBundles(inputs: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const result: ScanResult = { files: [], rows: 0, findings: [], total: 0, rowsWithFindings: 0 };
  const bundle = await openBundleFiles(inputs);
  try {
    for (const file of bundle.files) {
      result.files.push(file.path);
      const stream = await bundle.db.connection.stream(rowsAsJsonSql(file));
      for (;;) {
        const chunk = await stream.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        const numbers = chunk.getColumnValues(0);
        const rows = chunk.getColumnValues(1);
        for (let i = 0; i < rows.length; i++) {
          const found = scanRow(JSON.parse(String(rows[i])) as Record<string, unknown>);
          result.rows++;
          if (found.length === 0) continue;
          result.rowsWithFindings++;
          for (const f of found) {
            result.total++;
            if (result.findings.length < limit)
              result.findings.push({ ...f, file: file.path, row: Number(numbers[i]) });
          }
        }
        options.onProgress?.(result.rows);
      }
    }
  } finally {
    bundle.close();
  }
  return result;
}

/**
 * Every row of a bundle file as JSON text, with its row number: DuckDB turns maps, structs and
 * timestamps into what a producer gave. Metric values as text, NaN and infinities included (which
 * JSON has not). Also read by `bundle anonymize`.
 */
export function rowsAsJsonSql(file: { path: string; format: string }): string {
  return (
    `SELECT file_row_number, CAST(to_json(t) AS VARCHAR) AS row FROM ` +
    `(SELECT * REPLACE (CAST(metric_value AS VARCHAR) AS metric_value) FROM ${reader(file)}) AS t`
  );
}

function reader(file: { path: string; format: string }): string {
  return file.format === 'parquet'
    ? `read_parquet(${sqlString(file.path)}, file_row_number = true)`
    : `(SELECT row_number() OVER () - 1 AS file_row_number, * FROM read_json(${sqlString(file.path)}, format = 'newline_delimited'))`;
}

type RowFinding = Omit<ScanFinding, 'file' | 'row'>;

const found: Finding[] = [];
// A redactor that only reports: what it would replace is what the bundle holds in clear.
const redactor = new Redactor({ onFinding: (f) => found.push(f) });

function scanRow(json: Record<string, unknown>): RowFinding[] {
  found.length = 0;
  const { file_row_number: _n, body, ...columns } = json;
  let parsedBody: unknown = body;
  if (typeof body === 'string') {
    try {
      parsedBody = JSON.parse(body);
    } catch {
      // Not JSON: checked as the text it is.
    }
  }
  redactor.row({ ...(columns as unknown as BundleRow), body: parsedBody });
  return found.map((f) => ({
    column: f.path.join('.'),
    rule: f.rule,
    source: String(json.source),
    kind: (json.kind as string | null) ?? null,
    namespace: (json.namespace as string | null) ?? null,
    name: (json.name as string | null) ?? null,
    ts: String(json.ts),
  }));
}
