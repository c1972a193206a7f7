// `kstory diff`: what changed in one object between two instants, and who changed it.
// Wiring only; the state engine is in src/serve/, the output in src/report/.

import type { Command } from 'commander';
import { KstoryError } from '../../errors.ts';
import { helpText } from '../help.ts';
import { bundleOption } from './get.ts';

interface DiffFlags {
  bundle?: string[];
  namespace?: string;
  from?: string;
  to?: string;
}

export function defineDiffCommand(program: Command): void {
  const command = program
    .command('diff')
    .description(
      'show how an object changed between two instants of a bundle, and who changed it (audit log)',
    )
    .argument('<type/name>', 'the object, e.g. deployment/checkout or configmap/checkout-config');
  bundleOption(command);
  command
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .option('--from <time>', 'the earlier instant (default: the start of the recording)')
    .option('--to <time>', 'the later instant (default: the end)')
    .addHelpText(
      'after',
      helpText(`
Times are start, end, an RFC 3339 time, 10m (before the end) or +10m (after the start).

Examples:
  kstory diff configmap/checkout-config -n shop -b incident.parquet
  kstory diff deployment/checkout -n shop --from +5m --to +15m \\
      -b incident.parquet`),
    )
    .action(async (target: string, flags: DiffFlags) => {
      const { bundlePaths, openState, resolveTypes, splitTypeName } = await import('../../serve/offline.ts');
      const { parseInstant } = await import('../../serve/instant.ts');
      const { diffObject } = await import('../../serve/diff.ts');
      const { renderDiff } = await import('../../report/diff-text.ts');
      const { chalkFor } = await import('../../report/style.ts');
      const { type, name } = splitTypeName(target);
      if (!type || !name) throw new KstoryError(`${target}: expected TYPE/NAME, e.g. deployment/checkout`);
      const state = await openState(bundlePaths(flags.bundle));
      try {
        const resource = resolveTypes(state, type)[0]!;
        const from = parseInstant(flags.from ?? 'start', state.window, '--from');
        const to = parseInstant(flags.to ?? 'end', state.window, '--to');
        const namespace = resource.namespaced ? (flags.namespace ?? 'default') : null;
        const diff = await diffObject(state, resource, namespace, name, from, to);
        process.stdout.write(renderDiff(diff, chalkFor(process.stdout)));
      } finally {
        state.bundle.close();
      }
    });
}
