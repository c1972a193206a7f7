// Helpers for import tests: a scratch directory per test file, small files written into it, and an
// import whose bundle is opened for queries.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.ts';
import { type ImportResult, type ImportRunOptions, runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';

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

/** The real-world samples beside the project, and what tests that need them say when they are absent. */
export const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/real-samples');
export const SAMPLES_ABSENT = '(skipped: ../shared/real-samples absent)';

/** Imports a sample (a path under SAMPLES) once for the describe block this is called in. */
export function importedSample(relPath: string): () => { result: ImportResult; bundle: Bundle } {
  let dir: string;
  let loaded: { result: ImportResult; bundle: Bundle };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-real-sample-'));
    const output = path.join(dir, 'out.parquet');
    const result = await runImport({ inputs: [path.join(SAMPLES, relPath)], output, progress: false });
    loaded = { result, bundle: await openBundle([output]) };
  });
  afterAll(() => {
    loaded?.bundle.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => loaded;
}
