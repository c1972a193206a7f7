// `kstory record`: list and watch a live cluster into a bundle, continuously or once. Wiring only;
// the work is in src/record/.

import { type Command, InvalidArgumentError, Option } from 'commander';

interface RecordFlags {
  output: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  include?: string[];
  exclude?: string[];
  once?: boolean;
  duration?: number;
  force?: boolean;
  resume?: boolean;
  logs: 'none' | 'errors' | 'all';
  logStreams: number;
  json?: boolean;
  progress?: boolean;
}

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** `90s`, `15m`, `2h`, `1h30m`. */
function duration(value: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim());
  if (!match || value.trim() === '')
    throw new InvalidArgumentError('expected a duration such as 90s, 15m or 2h');
  const ms = (Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0)) * 1000;
  if (ms <= 0) throw new InvalidArgumentError('expected a duration longer than zero');
  return ms;
}

export function defineRecordCommand(program: Command): void {
  program
    .command('record')
    .description('record a live cluster into a bundle: list, then watch every resource until stopped')
    .requiredOption(
      '-o, --output <file>',
      'the bundle to write (a spool <file>.spool is kept beside it while recording)',
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use (default: the current one)')
    .option(
      '-n, --namespace <globs>',
      'only these namespaces (comma-separated names or globs, e.g. prod-*)',
      list,
    )
    .option(
      '--include <resources>',
      'only these resources (comma-separated: pods, deployments.apps, *.cert-manager.io)',
      list,
    )
    .option('--exclude <resources>', 'leave out these resources (same forms as --include)', list)
    .addOption(
      new Option('--logs <policy>', 'container logs: none, lines that look like errors, or all')
        .choices(['none', 'errors', 'all'])
        .default('errors'),
    )
    .option('--log-streams <n>', 'concurrent log streams; containers take turns beyond that', positiveInt, 32)
    .option('--once', 'list everything once, write the bundle and exit (a postmortem snapshot)')
    .option('--duration <time>', 'stop after this long, e.g. 30m or 2h (default: until Ctrl-C)', duration)
    .option('--force', 'replace the output file if it exists')
    .option('--resume', 'continue an interrupted recording (killed, crashed) into its spool')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--no-progress', 'do not show the live status on stderr')
    .addHelpText(
      'after',
      `
Every resource the API server lets you list and watch is recorded (built-in and custom; new
CRDs are picked up within a minute), except leases unless named by --include. Events come from
the Event resource. Logs of running containers are followed with timestamps (by default only
lines that look like errors); when a container restarts, the last 500 lines of the one that died
are kept in full. With --once, logs are read as they are now, previous containers' too.

Secret values never reach the bundle: Secrets keep their keys and type only, and
credential-looking values are redacted.

Ctrl-C or SIGTERM stops the recording and finishes the bundle; a second Ctrl-C quits at once and
leaves the spool: \`kstory record --resume -o <file>\` continues it, \`kstory bundle repair <file>\`
turns it into a bundle. A killed recording loses at most its last second. Watches that expire
are relisted: what vanished meanwhile is written as deleted, and the period is marked as a gap.

Examples:
  kstory record -o incident.parquet                          until Ctrl-C
  kstory record -o rollout.parquet --duration 30m -n 'shop,prod-*'
  kstory record -o now.parquet --once --context prod-eu      a snapshot of the cluster as it is
  kstory record -o apps.parquet --include pods,deployments.apps,events --exclude configmaps`,
    )
    .action(async (flags: RecordFlags) => {
      if (flags.once && flags.duration !== undefined) {
        const { KstoryError } = await import('../../errors.ts');
        throw new KstoryError('--once and --duration cannot be used together', {
          hint: '--once lists everything and exits; --duration bounds a continuous recording.',
        });
      }
      const { runRecord } = await import('../../record/run.ts');
      const { recordSummaryJson, renderRecordSummary, renderStatusLine } = await import(
        '../../record/summary.ts'
      );
      const { chalkFor } = await import('../../report/style.ts');
      const stop = new AbortController();
      const onSignal = (name: string) => {
        process.stderr.write(
          `\n${name}: finishing the bundle (signal again to quit at once; \`kstory bundle repair\` finishes it later)\n`,
        );
        stop.abort();
      };
      // `once`: a second signal gets the default behaviour and ends the process.
      const onInt = () => onSignal('SIGINT');
      const onTerm = () => onSignal('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      const live = flags.progress !== false && process.stderr.isTTY === true;
      let previous: Parameters<typeof renderStatusLine>[0] | null = null;
      const clearLine = () => {
        if (live) process.stderr.write('\r\x1b[2K');
      };
      try {
        const result = await runRecord({
          output: flags.output,
          kubeconfig: flags.kubeconfig,
          context: flags.context,
          namespaces: flags.namespace ?? [],
          include: flags.include ?? [],
          exclude: flags.exclude ?? [],
          once: flags.once === true,
          durationMs: flags.duration,
          force: flags.force,
          resume: flags.resume,
          logs: flags.logs,
          maxLogStreams: flags.logStreams,
          signal: stop.signal,
          log: (line) => {
            clearLine();
            process.stderr.write(`${line}\n`);
          },
          onStatus: live
            ? (status) => {
                process.stderr.write(`\r\x1b[2K${renderStatusLine(status, previous)}`);
                previous = status;
              }
            : undefined,
        });
        clearLine();
        if (flags.json) process.stdout.write(`${JSON.stringify(recordSummaryJson(result), null, 2)}\n`);
        else process.stderr.write(renderRecordSummary(result, chalkFor(process.stderr)));
      } finally {
        process.removeListener('SIGINT', onInt);
        process.removeListener('SIGTERM', onTerm);
      }
    });
}
