// `kstory at`: tell or move the instant a running `kstory serve` shows.
// Wiring only; the client is in src/serve/at-client.ts.

import type { Command } from 'commander';
import { helpText } from '../help.ts';

interface AtFlags {
  kubeconfig?: string;
  context?: string;
}

export function defineAtCommand(program: Command): void {
  program
    .command('at')
    .description(
      'tell or move the instant a running kstory serve shows (kubectl then sees the cluster as it was then)',
    )
    .argument(
      '[time]',
      'start, end, an RFC 3339 time, 10m (before the end), +5m or -5m (from the instant shown)',
    )
    .option('--kubeconfig <file>', 'the kubeconfig kstory serve wrote (default: $KUBECONFIG)')
    .option('--context <name>', 'the context of the cluster to move (default: the current one)')
    // `kstory at -5m` is a time, not an option.
    .allowUnknownOption()
    .addHelpText(
      'after',
      helpText(`
Open watches end when the instant moves (clients list again).

Examples:
  kstory at                        # where the server stands
  kstory at 2026-03-02T09:12:00Z
  kstory at +30s                   # thirty seconds later`),
    )
    .action(async (time: string | undefined, flags: AtFlags) => {
      if (time?.startsWith('-') && !/^-\d+[smhd]$/.test(time)) {
        const { KstoryError } = await import('../../errors.ts');
        throw new KstoryError(`unknown option ${time}`, {
          hint: 'kstory at --help lists the options; a time back from the instant shown is written -5m.',
        });
      }
      const { kubeconfigPath, targetOf, timeControl } = await import('../../serve/at-client.ts');
      const { renderTimeControl } = await import('../../report/at-text.ts');
      const target = targetOf(kubeconfigPath(flags.kubeconfig), flags.context);
      const state = await timeControl(target, time);
      process.stdout.write(renderTimeControl(state));
    });
}
