// `kstory simulate --batch N -o DIR`: a corpus of labelled bundles, every built-in scenario in turn
// with seeds of its own (src/simulate/batch.ts). Its flags checked here, its progress and summary said.

import { KstoryError } from '../errors.ts';

export interface BatchFlags {
  batch: string;
  output?: string;
  seed?: string;
  scale?: string;
  force?: boolean;
  json?: boolean;
}

export async function simulateBatch(scenario: string | undefined, flags: BatchFlags): Promise<void> {
  if (!/^[1-9]\d*$/.test(flags.batch))
    throw new KstoryError(`--batch ${flags.batch}: expected a positive whole number`, {
      hint: 'e.g. --batch 100',
    });
  if (scenario || flags.scale !== undefined)
    throw new KstoryError('--batch simulates every built-in scenario: give no scenario and no --scale', {
      hint: 'e.g. kstory simulate --batch 100 -o corpus/',
    });
  if (!flags.output)
    throw new KstoryError('no output directory given', { hint: 'Add -o <directory>, e.g. -o corpus/' });
  if (flags.seed !== undefined && !/^\d+$/.test(flags.seed))
    throw new KstoryError(`--seed ${flags.seed}: expected a non-negative integer`, {
      hint: 'e.g. --seed 42',
    });
  const { runSimulateBatch } = await import('../simulate/batch.ts');
  const { StatusLine } = await import('./status-line.ts');
  const status = new StatusLine(true);
  try {
    const result = await runSimulateBatch({
      count: Number(flags.batch),
      seed: flags.seed === undefined ? 1 : Number(flags.seed),
      dir: flags.output,
      force: flags.force,
      onProgress: (done, total) => status.set(`simulated ${done} of ${total} bundles`),
    });
    status.done();
    if (flags.json) {
      const { printJson } = await import('./output.ts');
      printJson(result.bundles);
    } else
      process.stderr.write(
        `simulated ${result.bundles.length} bundles (${new Set(result.bundles.map((b) => b.scenario)).size} scenarios) → ${flags.output}\n`,
      );
  } finally {
    status.done();
  }
}
