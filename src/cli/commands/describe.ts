// `kstory describe`: kubectl describe over a bundle at any instant, events included.
// Wiring only; the state engine is in src/serve/, the output in src/report/describe/.

import type { Command } from 'commander';
import { helpText } from '../help.ts';
import { atOption, bundleOption } from './get.ts';

interface DescribeFlags {
  bundle?: string[];
  namespace?: string;
  at?: string;
}

export function defineDescribeCommand(program: Command): void {
  const command = program
    .command('describe')
    .description('describe an object of a bundle as kubectl describe would, at any instant, with its events')
    .argument('<type>', 'pod, deployment, node... or TYPE/NAME')
    .argument('[name]', 'the object’s name');
  bundleOption(command);
  atOption(command);
  command
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .addHelpText(
      'after',
      helpText(`
Examples:
  kstory describe pod checkout-64c8d548db-5jtrj -n shop -b incident.parquet
  kstory describe deployment/checkout -n shop --at 2026-03-02T09:12:00Z \\
      -b incident.parquet
  kstory describe node worker-1 --at +10m -b incident.parquet`),
    )
    .action(async (type: string, name: string | undefined, flags: DescribeFlags) => {
      const { KstoryError } = await import('../../errors.ts');
      const { bundlePaths, instantOf, openState, resolveTypes, splitTypeName } = await import(
        '../../serve/offline.ts'
      );
      const { describeObject } = await import('../../serve/describe.ts');
      const { renderDescribe } = await import('../../report/describe/index.ts');
      const { escapeControl } = await import('../../report/escape.ts');
      const split = name === undefined ? splitTypeName(type) : { type, name };
      if (!split.type || !split.name)
        throw new KstoryError('say what to describe, e.g. kstory describe pod web-1');
      const state = await openState(bundlePaths(flags.bundle));
      try {
        const resource = resolveTypes(state, split.type)[0]!;
        const namespace = resource.namespaced ? (flags.namespace ?? 'default') : null;
        const at = instantOf(state, flags.at);
        const input = await describeObject(
          state,
          resource,
          namespace,
          split.name,
          at,
          flags.at !== undefined,
        );
        if (input.note) process.stderr.write(`${escapeControl(input.note, { singleLine: true })}\n`);
        process.stdout.write(renderDescribe(input));
      } finally {
        state.bundle.close();
      }
    });
}
