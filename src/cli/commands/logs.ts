// `kstory logs`: kubectl logs over a bundle, crashed instances (--previous) and deleted pods
// included. Wiring only; the state engine is in src/serve/.

import type { Command } from 'commander';
import { KstoryError } from '../../errors.ts';
import { helpText } from '../help.ts';
import { atOption, bundleOption } from './get.ts';

interface LogsFlags {
  bundle?: string[];
  namespace?: string;
  container?: string;
  previous?: boolean;
  timestamps?: boolean;
  tail?: string;
  sinceTime?: string;
  at?: string;
}

export function defineLogsCommand(program: Command): void {
  const command = program
    .command('logs')
    .description('print the logs a container wrote, as kubectl logs would, from a bundle')
    .argument('<pod>', 'the pod, or TYPE/NAME of a pod or workload (deployment/checkout: one of its pods)');
  bundleOption(command);
  atOption(command);
  command
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .option(
      '-c, --container <name>',
      'the container (default: the only one, or the default-container annotation’s)',
    )
    .option('-p, --previous', 'the previous, terminated instance of the container (the one that crashed)')
    .option('--timestamps', 'start each line with its timestamp')
    .option('--tail <n>', 'only the last N lines')
    .option('--since-time <time>', 'only lines at or after this RFC 3339 time')
    .addHelpText(
      'after',
      helpText(`
Without --at, a pod deleted before the end of the recording is read as it last was.

Examples:
  kstory logs checkout-64c8d548db-5jtrj -n shop --previous -b incident.parquet
  kstory logs checkout-64c8d548db-5jtrj -n shop --at 2026-03-02T09:12:00Z \\
      --timestamps -b incident.parquet`),
    )
    .action(async (podArg: string, flags: LogsFlags) => {
      const { bundlePaths, instantOf, openState } = await import('../../serve/offline.ts');
      const { offlineLogs, podFor } = await import('../../serve/logs-offline.ts');
      const { LogError, formatLogLines } = await import('../../serve/logs.ts');
      const { instantFromIso } = await import('../../serve/instant.ts');
      const { escapeControl } = await import('../../report/escape.ts');
      const tail = flags.tail === undefined ? undefined : Number(flags.tail);
      if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0))
        throw new KstoryError(`--tail ${flags.tail}: expected a number of lines`);
      const sinceTime = flags.sinceTime ? instantFromIso(flags.sinceTime) : undefined;
      if (sinceTime !== undefined && Number.isNaN(sinceTime))
        throw new KstoryError(`--since-time ${flags.sinceTime}: not an RFC 3339 time`);
      const state = await openState(bundlePaths(flags.bundle));
      try {
        const namespace = flags.namespace ?? 'default';
        const at = instantOf(state, flags.at);
        const pod = await podFor(state, podArg, namespace, at);
        if (pod.note) process.stderr.write(`${escapeControl(pod.note, { singleLine: true })}\n`);
        const name = pod.name;
        const options = {
          container: flags.container,
          previous: flags.previous,
          timestamps: flags.timestamps,
          tailLines: tail,
          sinceTime,
        };
        let logs: Awaited<ReturnType<typeof offlineLogs>>;
        try {
          logs = await offlineLogs(state, namespace, name, at, flags.at !== undefined, options);
        } catch (error) {
          if (!(error instanceof LogError)) throw error;
          throw new KstoryError(error.message, {
            hint: 'kstory describe pod shows its containers and their last states.',
          });
        }
        for (const note of logs.notes) process.stderr.write(`${escapeControl(note, { singleLine: true })}\n`);
        process.stdout.write(escapeControl(formatLogLines(logs.lines, options)));
      } finally {
        state.bundle.close();
      }
    });
}
