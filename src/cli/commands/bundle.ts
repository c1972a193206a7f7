// `kstory bundle info|repair|scan`: look inside a bundle, finish the spool of a writer that was
// killed, and check a bundle for credentials.

import type { Command } from 'commander';

export function defineBundleCommand(program: Command): void {
  const bundle = program
    .command('bundle')
    .description('inspect bundles and repair interrupted recordings')
    .addHelpText('after', '\nSee docs/bundle-format.md for what a bundle holds.');

  bundle
    .command('info')
    .description('show a bundle’s metadata, rows per source and kind, time range and gaps')
    .argument('<bundle...>', 'bundle files, spool directories or globs (read together)')
    .option('--json', 'print JSON instead of text')
    .addHelpText(
      'after',
      `
Examples:
  kstory bundle info incident.parquet
  kstory bundle info 'recordings/*.parquet' --json | jq .by_source`,
    )
    .action(async (paths: string[], options: { json?: boolean }) => {
      const { openBundle } = await import('../../bundle/reader.ts');
      const { describeBundle } = await import('../../bundle/info.ts');
      const bundle = await openBundle(paths);
      try {
        const info = await describeBundle(bundle);
        if (options.json) {
          const { printJson } = await import('../output.ts');
          printJson(info);
        } else {
          const { renderInfoText } = await import('../../report/info-text.ts');
          const { chalkFor } = await import('../../report/style.ts');
          process.stdout.write(renderInfoText(info, chalkFor(process.stdout)));
        }
      } finally {
        bundle.close();
      }
    });

  bundle
    .command('repair')
    .description('turn the spool of a writer that did not finish (killed, crashed) into a bundle')
    .argument('<spool>', 'the .spool directory, or the bundle path it belongs to')
    .option('-o, --output <file>', 'where to write the bundle (default: the path the writer was writing)')
    .addHelpText(
      'after',
      `
Everything the writer had flushed before it stopped (it flushes at least every second) is kept;
a partial last line is dropped. The bundle's metadata is marked as repaired.

Examples:
  kstory bundle repair incident.parquet.spool
  kstory bundle repair incident.parquet -o recovered.parquet`,
    )
    .action(async (spool: string, options: { output?: string }) => {
      const { repairSpool } = await import('../../bundle/repair.ts');
      const result = await repairSpool(spool, { output: options.output });
      const { formatBytes, formatCount } = await import('../../report/format.ts');
      process.stdout.write(
        `repaired ${formatCount(result.rows)} rows into ${result.path} (${formatBytes(result.bytes)})\n`,
      );
    });

  bundle
    .command('scan')
    .description('check every row of a bundle for credentials (exit 1 if any is found)')
    .argument('<bundle...>', 'bundle files, spool directories or globs')
    .option('--json', 'print every finding as JSON')
    .addHelpText(
      'after',
      `
The same detector the writer applies to every row: Secret values, values under credential names
(passwords, tokens, keys), passwords in URLs, flag values, Authorization headers, JWTs, private keys
and the token formats of secretlint's recommended rules. Findings name the file, row, column and
rule, never the value. Values the writer replaced (‹redacted:hmac:…›) are not findings.
Exit code: 0 clean, 1 credentials found, 2 the bundle could not be read.

Examples:
  kstory bundle scan incident.parquet
  kstory bundle scan 'recordings/*.parquet' --json | jq '.findings[] | .column'`,
    )
    .action(async (paths: string[], options: { json?: boolean }) => {
      const { scanBundles } = await import('../../bundle/scan.ts');
      const result = await scanBundles(paths);
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        const { renderScanText } = await import('../../report/scan-text.ts');
        const { chalkFor } = await import('../../report/style.ts');
        process.stdout.write(renderScanText(result, chalkFor(process.stdout)));
      }
      if (result.total > 0) process.exitCode = 1;
    });
}
