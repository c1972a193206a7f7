// `kstory get`: kubectl get over a bundle, at any instant of the recording, without a server.
// Wiring only; the state engine is in src/serve/, the output in src/report/.

import type { Command } from 'commander';
import { KstoryError } from '../../errors.ts';
import { helpText } from '../help.ts';

interface GetFlags {
  bundle?: string[];
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  at?: string;
  output?: string;
  headers?: boolean;
}

const OUTPUTS = ['wide', 'yaml', 'json', 'name'];

export function bundleOption(command: Command): Command {
  return command.option(
    '-b, --bundle <file>',
    'the bundle to read (repeatable; default: $KSTORY_BUNDLE)',
    (value: string, previous: string[] = []) => [...previous, value],
  );
}

export function atOption(command: Command): Command {
  return command.option(
    '--at <time>',
    'the instant to show: end (default), start, an RFC 3339 time, 10m (before the end), +10m (after the start)',
  );
}

export function defineGetCommand(program: Command): void {
  const command = program
    .command('get')
    .description('list objects of a bundle as kubectl get would, at any instant of the recording')
    .argument('<type>', 'what to list: pods, po,svc, deployments.apps, all, or TYPE/NAME')
    .argument('[names...]', 'names of the objects (default: all)');
  bundleOption(command);
  atOption(command);
  command
    .option('-n, --namespace <ns>', 'namespace (default: default)')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-l, --selector <selector>', 'label selector, e.g. app=checkout,tier!=db')
    .option('--field-selector <selector>', 'field selector, e.g. status.phase=Running,spec.nodeName=node-1')
    .option('-o, --output <format>', `output format: ${OUTPUTS.join(', ')}`)
    .option('--no-headers', 'leave out the header line')
    .addHelpText(
      'after',
      helpText(`
Examples:
  kstory get pods -A -b incident.parquet
  kstory get pods -n shop --at 2026-03-02T09:12:00Z -o wide -b incident.parquet
  KSTORY_BUNDLE=incident.parquet kstory get deploy,rs -n shop
  kstory get pod/checkout-64c8d548db-5jtrj -n shop -o yaml --at +10m \\
      -b incident.parquet`),
    )
    .action(async (type: string, names: string[], flags: GetFlags) => {
      if (flags.output && !OUTPUTS.includes(flags.output)) {
        throw new KstoryError(`--output ${flags.output}: expected one of ${OUTPUTS.join(', ')}`);
      }
      const { bundlePaths, instantOf, openState } = await import('../../serve/offline.ts');
      const { getObjects } = await import('../../serve/get.ts');
      const { printGetResult } = await import('../../report/get-text.ts');
      const state = await openState(bundlePaths(flags.bundle));
      try {
        const at = instantOf(state, flags.at);
        const sections = await getObjects(state, {
          args: [type, ...names],
          namespace: flags.namespace,
          allNamespaces: flags.allNamespaces,
          labelSelector: flags.selector,
          fieldSelector: flags.fieldSelector,
          at,
        });
        const printed = printGetResult(sections, {
          output: flags.output,
          allNamespaces: flags.allNamespaces === true,
          namespace: flags.namespace ?? 'default',
          noHeaders: flags.headers === false,
          single: names.length === 1 || type.includes('/'),
        });
        process.stdout.write(printed.stdout);
        process.stderr.write(printed.stderr);
      } finally {
        state.bundle.close();
      }
    });
}
