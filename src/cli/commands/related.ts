// `kstory related`: from a start (an object, an alert, a metric series, a finding), the related signals by
// the correlation rules of patterns/correlation/. Wiring only; the engine is src/story/related/.

import type { Command } from 'commander';
import { RELATED_RENDERERS } from '../../report/related-formats.ts';
import { chosenRenderer, formatOptions } from '../formats.ts';
import { commaList, positiveInt } from '../options.ts';

interface RelatedFlags {
  goal?: string[];
  depth?: number;
  since?: string;
  until?: string;
  rules?: string[];
  output?: string;
  format?: string;
  findings: boolean;
  progress: boolean;
}

export function defineRelatedCommand(program: Command): void {
  const command = program
    .command('related')
    .description(
      'what is related to an object, an alert, a metric series or a finding, by the correlation rules',
    )
    .argument(
      '<bundle-and-start...>',
      'bundle files, then the start: Kind/namespace/name, an alert name (KubePodCrashLooping), a metric series (name{pod="x",namespace="y"}) or a finding id of analyze --format json',
    );
  for (const option of formatOptions(RELATED_RENDERERS, 'what is related')) command.addOption(option);
  command
    .option(
      '--goal <classes>',
      'the shortest rule paths to these classes (Pod, events, logs, metrics, alerts, findings…; comma-separated)',
      commaList,
    )
    .option('--depth <n>', 'how many rules to follow (default 2; 3 with --goal)', positiveInt)
    .option('--since <time>', 'only signals at or after this RFC 3339 time')
    .option('--until <time>', 'only signals at or before this RFC 3339 time')
    .option(
      '--rules <dir>',
      'add your own rules from this directory (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--no-findings', 'do not run the pattern catalogue (no findings; faster)')
    .option('--no-progress', 'do not show what it is doing on stderr')
    .addHelpText(
      'after',
      `
Examples:
  kstory related incident.parquet PersistentVolumeClaim/shop/data-orders-db-0 --goal Pod,events
  kstory related incident.parquet 'container_memory_working_set_bytes{namespace="shop",pod="cart-5d9c"}' --goal logs
  kstory related incident.parquet deployment/shop/checkout --depth 3 --format mermaid`,
    )
    .action(async (args: string[], flags: RelatedFlags) => {
      const renderer = chosenRenderer(RELATED_RENDERERS, flags);
      const { KstoryError } = await import('../../errors.ts');
      if (args.length < 2)
        throw new KstoryError('give a bundle, then where to start', {
          hint: 'e.g. kstory related incident.parquet Pod/shop/checkout-x --goal logs',
        });
      for (const [flag, value] of [
        ['--since', flags.since],
        ['--until', flags.until],
      ] as const)
        if (value !== undefined && Number.isNaN(Date.parse(value)))
          throw new KstoryError(`${flag} ${value}: not an RFC 3339 time`, {
            hint: 'e.g. 2026-03-02T09:10:00Z',
          });
      const { findRelated } = await import('../../story/related/run.ts');
      const { StatusLine } = await import('../status-line.ts');
      const { checkReportOutput, refuseToOverwriteInputs, renderContextFor, writeRendered } = await import(
        '../output.ts'
      );
      checkReportOutput(flags.output);
      refuseToOverwriteInputs(flags.output, args.slice(0, -1));
      const status = new StatusLine(flags.progress !== false);
      try {
        const result = await findRelated(args.slice(0, -1), args.at(-1)!, {
          goals: flags.goal,
          depth: flags.depth,
          since: flags.since,
          until: flags.until,
          ruleDirs: flags.rules,
          findings: flags.findings,
          onProgress: (stage) => status.set(stage),
        });
        status.done();
        writeRendered(renderer.render(result, renderContextFor(renderer, flags.output)), flags.output);
      } finally {
        status.done();
      }
    });
}
