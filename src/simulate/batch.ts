// `kstory simulate --batch N`: a corpus of labelled bundles for training and evaluation, every
// built-in scenario in turn, each bundle with its own seed (so that names, timings and the
// background's noise differ), named `<scenario>-<seed>.parquet` in one directory.

import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { KstoryError } from '../errors.ts';
import { runSimulate } from './run.ts';
import { listBuiltinScenarios } from './scenario/load.ts';

export interface BatchOptions {
  count: number;
  /** The first bundle's seed; the i-th gets seed + i. */
  seed: number;
  dir: string;
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface BatchResult {
  bundles: { scenario: string; seed: number; path: string; bytes: number }[];
}

export async function runSimulateBatch(options: BatchOptions): Promise<BatchResult> {
  const scenarios = listBuiltinScenarios();
  if (scenarios.length === 0) throw new KstoryError('no built-in scenario found');
  if (existsSync(options.dir) && readdirSync(options.dir).length > 0 && !options.force)
    throw new KstoryError(`${options.dir} is not empty`, {
      hint: 'Choose an empty or new directory, or pass --force to write into it (bundles of the same name replaced).',
    });
  mkdirSync(options.dir, { recursive: true });
  const bundles: BatchResult['bundles'] = [];
  for (let i = 0; i < options.count; i++) {
    const scenario = scenarios[i % scenarios.length]!;
    const seed = options.seed + i;
    const output = path.join(options.dir, `${scenario.name}-${seed}.parquet`);
    const result = await runSimulate({ scenario: scenario.file, output, seed, force: true });
    bundles.push({ scenario: scenario.name, seed, path: output, bytes: result.bundle.bytes });
    options.onProgress?.(i + 1, options.count);
  }
  return { bundles };
}
