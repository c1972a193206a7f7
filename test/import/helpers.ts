// Helpers for import tests: a scratch directory per test file, small files written into it, and an
// import whose bundle is opened for queries.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Bundle, openBundle } from '../../src/bundle/reader.ts';
import { type ImportResult, type ImportRunOptions, runImport } from '../../src/import/run.ts';

export class Scratch {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-import-test-'));
  private n = 0;

  /** Write a file (parents created) and return its path. */
  write(relPath: string, content: string | Buffer): string {
    const file = path.join(this.dir, relPath);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  }

  path(relPath: string): string {
    return path.join(this.dir, relPath);
  }

  async import(
    inputs: string[],
    options: Partial<Omit<ImportRunOptions, 'inputs' | 'output'>> = {},
  ): Promise<{ result: ImportResult; bundle: Bundle | null; output: string }> {
    const output = path.join(this.dir, `out-${++this.n}.parquet`);
    const result = await runImport({ inputs, output, progress: false, ...options });
    const bundle = result.bundle ? await openBundle([output]) : null;
    return { result, bundle, output };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function jsonl(...values: unknown[]): string {
  return `${values.map((v) => JSON.stringify(v)).join('\n')}\n`;
}

/** Rows of a query with BIGINT counts turned into numbers. */
export async function rows(bundle: Bundle, sql: string): Promise<Record<string, unknown>[]> {
  const out = await bundle.query(sql);
  return out.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
  );
}
