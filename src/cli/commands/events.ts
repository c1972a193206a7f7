// `kstory events`: kubectl events over a bundle, as the Events stood at any instant.
// Wiring only; the state engine is in src/serve/, the output in src/report/.

import type { Command } from 'commander';
import { helpText } from '../help.ts';
import { atOption, bundleOption } from './get.ts';

interface EventsFlags {
  bundle?: string[];
  namespace?: string;
  allNamespaces?: boolean;
  for?: string;
  types?: string;
  at?: string;
}

export function defineEventsCommand(program: Command): void {
  const command = program
    .command('events')
    .description('list Events of a bundle as kubectl events would, as they stood at any instant');
  bundleOption(command);
  atOption(command);
  command
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .option('-A, --all-namespaces', 'every namespace')
    .option('--for <type/name>', 'only the Events about this object, e.g. pod/web-1')
    .option('--types <types>', 'only these types, e.g. Warning or Normal,Warning')
    .addHelpText(
      'after',
      helpText(`
Examples:
  kstory events -A --types Warning -b incident.parquet
  kstory events -n shop --for deployment/checkout --at 2026-03-02T09:15:00Z \\
      -b incident.parquet`),
    )
    .action(async (flags: EventsFlags) => {
      const { bundlePaths, instantOf, openState } = await import('../../serve/offline.ts');
      const { listEvents } = await import('../../serve/events-list.ts');
      const { renderEvents } = await import('../../report/events-text.ts');
      const state = await openState(bundlePaths(flags.bundle));
      try {
        const at = instantOf(state, flags.at);
        const events = await listEvents(state, { ...flags, at });
        if (events.length === 0) {
          process.stderr.write(
            `No events found${flags.allNamespaces ? '' : ` in ${flags.namespace ?? 'default'} namespace`}.\n`,
          );
          return;
        }
        process.stdout.write(renderEvents(events, at, flags.allNamespaces === true));
      } finally {
        state.bundle.close();
      }
    });
}
