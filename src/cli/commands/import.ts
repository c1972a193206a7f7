// `kstory import`: turn saved artifacts (audit logs, kubectl dumps, must-gather, Prometheus data,
// container logs) into one bundle. Wiring only; the work is in src/import/.

import type { Command } from 'commander';
import { KstoryError } from '../../errors.ts';
import type { ImportFormat, SkippedContent } from '../../import/format.ts';
import { ANONYMIZE_HELP, anonymizeOption, MAPPING_HELP } from '../anonymize-option.ts';
import { helpText } from '../help.ts';

/** A bundle was written, but files the system would not let kstory read are missing from it. */
const EXIT_PARTIAL = 1;

interface ImportFlags {
  output: string;
  pod?: string;
  container?: string;
  at?: string;
  year?: string;
  force?: boolean;
  resume?: boolean;
  json?: boolean;
  progress?: boolean;
  anonymize?: boolean;
  mapping?: string;
}

/**
 * The format registry, for the help text. Loading it loads the converters, too slow for every start
 * of kstory: it is loaded before `kstory import` runs or shows its help.
 */
let registry: { formats: readonly ImportFormat[]; skipped: readonly SkippedContent[] } | undefined;

function formatsHelp(command: Command): string {
  if (!registry) return 'Formats are recognised from content; `kstory import --help` lists them.\n';
  const help = command.createHelp();
  help.prepareContext({ helpWidth: process.stdout.isTTY ? process.stdout.columns : undefined });
  const width = Math.max(...[...registry.formats, ...registry.skipped].map((f) => f.name.length));
  const list = (heading: string, entries: readonly { name: string; description: string }[]) =>
    help.formatItemList(
      heading,
      entries.map((f) => help.formatItem(f.name, width, f.description, help)),
      help,
    );
  return [
    ...list('Formats (recognised from content; a file name never decides):', registry.formats),
    ...list('Recognised and skipped, with the reason:', registry.skipped),
  ].join('\n');
}

export function defineImportCommand(program: Command): void {
  program.hook('preSubcommand', async (_program, command) => {
    if (command.name() !== 'import' || registry) return;
    const { IMPORT_FORMATS, SKIPPED_CONTENT } = await import('../../import/formats/index.ts');
    registry = { formats: IMPORT_FORMATS, skipped: SKIPPED_CONTENT };
  });
  program
    .command('import')
    .description(
      'import saved artifacts (audit logs, kubectl dumps, must-gather, Prometheus data, logs) into a bundle',
    )
    .argument('<path...>', 'files, directories or archives (.tar, .tar.gz, .tar.xz, .gz, .zst, .zip)')
    .requiredOption('-o, --output <file>', 'the bundle to write')
    .option('--pod <namespace/name>', 'pod of plain-text log files named on the command line')
    .option('--container <name>', 'container of those log files (with --pod)')
    .option(
      '--at <time>',
      'time of snapshots that carry none, e.g. a /metrics scrape (default: the file’s time)',
    )
    .option(
      '--year <yyyy>',
      'year of logs whose times lack one (klog, syslog) (default: from the newest time imported, else the file’s date)',
    )
    .option(
      '--force',
      'replace the output file if it exists; discard the spool of an import that did not finish',
    )
    .option(
      '--resume',
      'go on from the spool of an interrupted import of the same inputs: what it holds is kept, the rest written',
    )
    .option('--anonymize', ANONYMIZE_HELP)
    .option('--mapping <file>', MAPPING_HELP)
    .option('--json', 'print the summary as JSON on stdout')
    .option('--no-progress', 'do not show progress on stderr')
    .addHelpText('after', ({ command }) => {
      return helpText(`
${formatsHelp(command)}
Directories and archives are walked (must-gather, support bundle, kubectl cluster-info dump,
kind export logs, sosreport, a node's /var/log/pods), archives and compressed files unpacked
(.zip, .tar, .gz, .zst, .xz, nested too), never to disk. Damaged lines are reported and
skipped. Exit code 1 when a bundle was written but some files could not be read (said in the
summary), 2, and no bundle, when an input gives nothing kstory reads.

Examples:
  kstory import must-gather.tar.gz -o incident.parquet
  kstory import audit.log.gz dump/ ksm_metrics --at 2026-03-01T10:42:00Z \\
      -o incident.parquet
  kstory import app.log --pod shop/checkout-7d9f8-abcde --container app \\
      -o incident.parquet`);
    })
    .action(async (paths: string[], flags: ImportFlags) => {
      if ((flags.pod === undefined) !== (flags.container === undefined)) {
        throw new KstoryError('--pod and --container go together', {
          hint: 'e.g. --pod shop/checkout-1 --container app',
        });
      }
      if (flags.pod !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(flags.pod)) {
        throw new KstoryError(`--pod ${flags.pod}: expected namespace/name`, {
          hint: 'e.g. --pod shop/checkout-7d9f8-abcde',
        });
      }
      if (flags.year !== undefined && !/^(19[7-9]\d|2\d\d\d)$/.test(flags.year)) {
        throw new KstoryError(`--year ${flags.year}: expected a year such as 2024`, {
          hint: 'It is the year of the first line of klog or syslog logs, which write none.',
        });
      }
      const { runImport } = await import('../../import/run.ts');
      const { importSummaryJson, partialImport, renderImportSummary } = await import(
        '../../report/import-summary.ts'
      );
      const { chalkFor } = await import('../../report/style.ts');
      const { ImportProgressBar } = await import('../../report/import-progress.ts');
      const result = await runImport({
        inputs: paths,
        output: flags.output,
        pod: flags.pod,
        container: flags.container,
        at: flags.at,
        year: flags.year === undefined ? undefined : Number(flags.year),
        force: flags.force,
        resume: flags.resume,
        progress:
          flags.progress !== false && ((total: number) => new ImportProgressBar(total, process.stderr)),
        anonymize: anonymizeOption(flags),
      });
      const { printJson, writeText } = await import('../output.ts');
      if (flags.json) printJson(importSummaryJson(result));
      else writeText(process.stderr, renderImportSummary(result, chalkFor(process.stderr)));
      if (!result.bundle) {
        const [first, ...more] = result.refused;
        if (!first) throw new KstoryError('nothing could be imported: no bundle was written');
        const others =
          more.length > 0
            ? ` (and ${more.length} more input${more.length === 1 ? '' : 's'} that gave nothing, above)`
            : '';
        throw new KstoryError(`no bundle was written: ${first.message}${others}`, {
          hint: `${first.hint}${result.inputs.length > result.refused.length ? ' Leave that input out to import the others.' : ''}`,
        });
      }
      if (partialImport(result)) process.exitCode = EXIT_PARTIAL;
    });
}
