// `kstory simulate`: run a scenario in the deterministic cluster simulator and write its bundle.
// Wiring only; the simulator is in src/simulate/.

import type { Command } from 'commander';
import { KstoryError } from '../../errors.ts';
import { helpText } from '../help.ts';

interface SimulateFlags {
  output?: string;
  seed?: string;
  start?: string;
  list?: boolean;
  scale?: string;
  force?: boolean;
  json?: boolean;
  batch?: string;
}

export function defineSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulate an incident in a virtual cluster and write its bundle (deterministic per seed)')
    .argument('[scenario]', 'a scenario YAML file or the name of a built-in scenario')
    .option('-o, --output <file>', 'the bundle to write')
    .option('--seed <n>', 'random seed (default: the scenario’s); the same seed gives the same bundle')
    .option('--start <time>', 'start of the recorded window, RFC 3339 (default: the scenario’s)')
    .option('--list', 'list the built-in scenarios')
    .option(
      '--scale <spec>',
      'a large benchmark bundle instead of a scenario: nodes=N,pods=N,hours=N,records=N',
    )
    .option(
      '--batch <n>',
      'a corpus instead: N bundles of every built-in scenario in turn, seeds from --seed (default 1) up, into the directory of -o',
    )
    .option('--force', 'replace the output file if it exists')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText(
      'after',
      helpText(`
Examples:
  kstory simulate --list
  kstory simulate bad-config-rollout -o incident.parquet
  kstory simulate my-scenario.yaml -o out.parquet --seed 42 \\
      --start 2026-03-01T10:00:00Z
  kstory simulate --scale nodes=1000,pods=30000,hours=24,records=10M \\
      -o big.parquet`),
    )
    .action(async (scenario: string | undefined, flags: SimulateFlags) => {
      if (flags.batch !== undefined)
        return (await import('../simulate-batch.ts')).simulateBatch(scenario, {
          ...flags,
          batch: flags.batch,
        });
      if (flags.list) {
        const { listBuiltinScenarios } = await import('../../simulate/scenario/load.ts');
        const all = listBuiltinScenarios();
        const { renderScenarioList, scenarioListJson } = await import('../../report/simulate-text.ts');
        const { printJson, writeListing } = await import('../output.ts');
        if (flags.json) printJson(scenarioListJson(all));
        else writeListing(process.stdout, (width) => renderScenarioList(all, width));
        return;
      }
      if (flags.scale !== undefined && scenario) {
        throw new KstoryError('give either a scenario or --scale, not both', {
          hint: 'e.g. kstory simulate --scale nodes=100,pods=3000 -o big.parquet',
        });
      }
      if (!scenario && flags.scale === undefined)
        throw new KstoryError('no scenario given', {
          hint: 'e.g. kstory simulate bad-config-rollout -o incident.parquet (see kstory simulate --list)',
        });
      if (!flags.output)
        throw new KstoryError('no output file given', { hint: 'Add -o <file>, e.g. -o incident.parquet' });
      let seed: number | undefined;
      if (flags.seed !== undefined) {
        if (!/^\d+$/.test(flags.seed))
          throw new KstoryError(`--seed ${flags.seed}: expected a non-negative integer`, {
            hint: 'e.g. --seed 42',
          });
        seed = Number(flags.seed);
      }
      const { runSimulate, runSimulateScale } = await import('../../simulate/run.ts');
      const common = { output: flags.output, seed, start: flags.start, force: flags.force };
      const result =
        flags.scale !== undefined
          ? await runSimulateScale({ ...common, scale: flags.scale })
          : await runSimulate({ ...common, scenario: scenario ?? '' });
      const { renderSimulateSummary, simulateSummaryJson } = await import('../../report/simulate-text.ts');
      const { printJson, writeText } = await import('../output.ts');
      if (flags.json) printJson(simulateSummaryJson(result));
      else writeText(process.stderr, renderSimulateSummary(result));
    });
}
