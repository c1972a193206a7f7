// `kstory bundle anonymize` and `--anonymize`: a bundle rewritten share-safe, every name, user,
// address and host a stable pseudonym (see kube/anonymize.ts). Reads the input twice (learn, then
// rewrite) and writes through a BundleWriter, so the result is sorted, redacted and described
// like any bundle; the mapping goes to the user only if asked, readable by them alone.

import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { KstoryError } from '../errors.ts';
import { Anonymizer } from '../kube/anonymize.ts';
import type { FinishResult } from './final-bundle.ts';
import type { BundleMetadata } from './metadata.ts';
import { openBundleFiles } from './reader.ts';
import type { BundleRow } from './row.ts';
import { rowsAsJsonSql } from './scan.ts';
import { BundleWriter } from './writer.ts';

export interface AnonymizeOptions {
  /** Write the mapping (original → pseudonym) here, mode 0600. */
  mappingFile?: string;
  /** Spool of the writer; default beside the output. */
  spoolDir?: string;
  memoryLimit?: string;
  /** Told now and then how many rows each pass has read. */
  onProgress?: (pass: 'learn' | 'rewrite', rows: number) => void;
}

export interface AnonymizeResult extends FinishResult {
  mapped: { words: number; ips: number; numbers: number };
}

/** Write `output`, the share-safe copy of the bundle `input`. */
export async function anonymizeBundle(
  input: string,
  output: string,
  options: AnonymizeOptions = {},
): Promise<AnonymizeResult> {
  const anonymizer = new Anonymizer();
  const bundle = await openBundleFiles([input]);
  let result: FinishResult;
  try {
    const metadata = bundle.metadata;
    anonymizer.learnName(metadata.cluster.name);
    await eachRow(
      bundle,
      (row) => anonymizer.learn(row),
      (n) => options.onProgress?.('learn', n),
    );
    const writer = await BundleWriter.create({
      output,
      spoolDir: options.spoolDir,
      memoryLimit: options.memoryLimit,
      metadata: anonymizedMetadata(metadata, anonymizer),
    });
    try {
      await eachRow(
        bundle,
        (row) => writer.append(anonymizer.row(row)),
        (n) => options.onProgress?.('rewrite', n),
      );
    } catch (error) {
      await writer.close();
      rmSync(writer.spoolDir, { recursive: true, force: true });
      throw error;
    }
    result = await writer.finish();
  } finally {
    bundle.close();
  }
  const mapping = anonymizer.pseudonyms.mapping();
  if (options.mappingFile) writeMapping(options.mappingFile, mapping);
  return {
    ...result,
    mapped: {
      words: Object.keys(mapping.words).length,
      ips: Object.keys(mapping.ips).length,
      numbers: Object.keys(mapping.numbers).length,
    },
  };
}

function writeMapping(file: string, mapping: unknown): void {
  try {
    // Created readable by its owner only; an existing file is replaced with the same mode.
    if (existsSync(file)) rmSync(file);
    writeFileSync(file, `${JSON.stringify(mapping, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new KstoryError(`cannot write the mapping to ${file}: ${(error as Error).message}`, {
      hint: 'Choose a writable path for --mapping.',
    });
  }
}

function anonymizedMetadata(metadata: BundleMetadata, anonymizer: Anonymizer): BundleMetadata {
  const text = (value: string | null) => (value === null ? null : anonymizer.text(value));
  return {
    ...metadata,
    cluster: { ...metadata.cluster, name: text(metadata.cluster.name) },
    inputs: metadata.inputs.map((i) => ({
      ...i,
      path: anonymizer.text(i.path),
      ...(i.files ? { files: i.files.map((f) => ({ ...f, path: anonymizer.text(f.path) })) } : {}),
    })),
    gaps: metadata.gaps.map((g) => ({
      ...g,
      reason: anonymizer.text(g.reason),
      scope: anonymizer.text(g.scope),
    })),
    filters: JSON.parse(anonymizer.text(JSON.stringify(metadata.filters))) as Record<string, unknown>,
    extra: JSON.parse(anonymizer.text(JSON.stringify(metadata.extra))) as Record<string, unknown>,
    anonymized: true,
  };
}

/** Every row of the bundle, as a producer would have handed it to the writer. */
async function eachRow(
  bundle: Awaited<ReturnType<typeof openBundleFiles>>,
  visit: (row: BundleRow) => void,
  progress: (rows: number) => void,
): Promise<void> {
  let rows = 0;
  for (const file of bundle.files) {
    const stream = await bundle.db.connection.stream(rowsAsJsonSql(file));
    for (;;) {
      const chunk = await stream.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      for (const text of chunk.getColumnValues(1)) {
        visit(toRow(JSON.parse(String(text)) as Record<string, unknown>));
        rows++;
      }
      progress(rows);
    }
  }
}

const DUCKDB_TS_RE = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?:\+00(?::00)?)?$/;

function toRow(json: Record<string, unknown>): BundleRow {
  const { file_row_number: _n, body, metric_value, ts, ...rest } = json;
  const row = rest as unknown as BundleRow;
  // DuckDB writes `2026-03-01 10:42:13.5+00`; the writer takes RFC 3339.
  const match = DUCKDB_TS_RE.exec(String(ts));
  row.ts = match ? `${match[1]}T${match[2]}Z` : String(ts);
  if (typeof metric_value === 'string') row.metric_value = numberOf(metric_value);
  if (typeof body === 'string') row.body = JSON.parse(body);
  for (const key of Object.keys(row) as (keyof BundleRow)[]) if (row[key] === null) delete row[key];
  return row;
}

function numberOf(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
