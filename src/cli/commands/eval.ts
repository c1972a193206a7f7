// `kstory eval`: measure how often analysis names the labelled root cause, and how well its
// confidence figures are calibrated, over the simulator's scenarios and labelled real samples.

import type { Command } from 'commander';
import { Option } from 'commander';
import { invalidNote } from '../../report/eval-format.ts';
import { EVAL_RENDERERS } from '../../report/eval-renderers.ts';
import { chosenRenderer, formatOptions } from '../formats.ts';
import { helpText } from '../help.ts';
import { commaList } from '../options.ts';

interface EvalFlags {
  corpus: 'simulated' | 'real' | 'all';
  only?: string[];
  samples?: string;
  patterns?: string[];
  bundles?: string;
  snapshots?: boolean;
  views?: boolean;
  format?: string;
  output?: string;
  progress?: boolean;
}

export function defineEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description(
      'measure analysis on labelled incidents: root-cause accuracy (top-1, top-3), chain recall, noise and calibration',
    )
    .addOption(
      new Option('--corpus <which>', 'which labelled samples to run')
        .choices(['simulated', 'real', 'all'])
        .default('all'),
    )
    .option(
      '--only <ids>',
      'only these samples: scenario names or real sample ids (comma-separated)',
      commaList,
    )
    .option(
      '--samples <dir>',
      'folder of labelled real samples: labels.yaml and the artifacts it names (default ../shared/real-samples beside kstory)',
    )
    .option(
      '--patterns <dir>',
      'add your own patterns from this directory (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--snapshots',
      'also every scenario seen as a snapshot taken at its end (<scenario>@snapshot): what a dump of it would give',
    )
    .option(
      '--views',
      'also every scenario seen through each partial view (<scenario>@<view>): a snapshot, objects, Events, logs or audit log alone, kubectl describe text',
    )
    .option(
      '--bundles <dir>',
      'keep each sample’s bundle here as <id>.parquet, to analyse it again; one already there, built from the same code and inputs, is analysed without being built again',
    );
  for (const option of formatOptions(EVAL_RENDERERS, 'the result')) command.addOption(option);
  command
    .option('-o, --output <file>', 'write the result to this file instead of stdout (replaced if it exists)')
    .option('--no-progress', 'do not show what it is doing on stderr')
    .addHelpText(
      'after',
      helpText(`
A sample whose inputs cannot be imported counts as a miss ("not imported"), never as an error.
When the real-samples folder is absent, --corpus all runs the scenarios only and says so.
With --bundles, each bundle is stamped (<id>.build.json) with what built it: the code that simulates,
imports and writes bundles, the scenario or the real sample's inputs. A later run with the same folder
analyses a bundle again without building it while its stamp holds (a change to analysis or patterns
keeps it), builds it again otherwise, and says which bundles it reused.

Examples:
  kstory eval --corpus simulated
  kstory eval --only node-lost,dump-notready --bundles /tmp/eval
  kstory eval --json | jq '.summary.all.top1'
  kstory eval --markdown -o accuracy.md
  npm run eval        # every corpus, written to docs/accuracy.md`),
    )
    .action(async (flags: EvalFlags) => {
      const renderer = chosenRenderer(EVAL_RENDERERS, flags);
      const { checkReportOutput } = await import('../output.ts');
      checkReportOutput(flags.output);
      const { runEval } = await import('../../eval/run.ts');
      const { VIEWS } = await import('../../eval/corpus.ts');
      const { StatusLine } = await import('../status-line.ts');
      const status = new StatusLine(flags.progress !== false);
      let result: Awaited<ReturnType<typeof runEval>>;
      try {
        result = await runEval({
          corpus: flags.corpus,
          only: flags.only,
          samplesDir: flags.samples,
          patternDirs: flags.patterns,
          bundlesDir: flags.bundles,
          snapshots: flags.snapshots,
          views: flags.views ? VIEWS : undefined,
          kubectlText: flags.views ? (await import('../kubectl-view.ts')).writeKubectlText : undefined,
          onProgress: (text) => status.set(text),
        });
      } finally {
        status.done();
      }
      const skipped = result.corpora.real?.skipped;
      if (skipped && renderer.produces !== 'terminal') process.stderr.write(`kstory eval: ${skipped}\n`);
      const { renderContextFor, writeRendered } = await import('../output.ts');
      writeRendered(renderer.render(result, renderContextFor(renderer, flags.output)), flags.output);
      if (result.changed_during_run.length > 0) {
        // The figures mix versions of kstory: a script reading them must not take them.
        if (renderer.produces !== 'terminal') process.stderr.write(`kstory eval: ${invalidNote(result)}\n`);
        process.exitCode = 1;
      }
    });
}
