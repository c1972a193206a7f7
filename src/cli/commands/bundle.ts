// `kstory bundle info|repair|scan|anonymize`: look inside a bundle, finish the spool of a writer
// that was killed, check a bundle for credentials, and make a share-safe copy of one.

import type { Command } from 'commander';
import { helpText } from '../help.ts';

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
    .option('--verify', 'also read every row group of every file whole and report damage (exit 1 if any)')
    .addHelpText(
      'after',
      helpText(`
Examples:
  kstory bundle info incident.parquet
  kstory bundle info incident.parquet --verify     is every part of it readable?
  kstory bundle info 'recordings/*.parquet' --json | jq .by_source`),
    )
    .action(async (paths: string[], options: { json?: boolean; verify?: boolean }) => {
      const { openBundleFiles } = await import('../../bundle/reader.ts');
      const { describeBundle } = await import('../../bundle/info.ts');
      const bundle = await openBundleFiles(paths);
      try {
        const { verifyBundle } = await import('../../bundle/verify.ts');
        const verification = options.verify ? await verifyBundle(bundle.files) : undefined;
        // A damaged bundle may not even be counted: the verification says where it is damaged.
        let info: Awaited<ReturnType<typeof describeBundle>> | undefined;
        try {
          info = await describeBundle(bundle);
        } catch (error) {
          if (!verification || verification.damaged.length === 0) throw error;
        }
        const { printJson, writeText } = await import('../output.ts');
        if (options.json) {
          printJson({
            ...(info ?? { files: bundle.files.map((f) => f.path) }),
            ...(verification ? { verification } : {}),
          });
        } else {
          const { renderInfoText, renderVerificationText } = await import('../../report/info-text.ts');
          const { chalkFor } = await import('../../report/style.ts');
          const chalk = chalkFor(process.stdout);
          if (info) writeText(process.stdout, renderInfoText(info, chalk));
          if (verification) writeText(process.stdout, renderVerificationText(verification, chalk));
        }
        if (verification && (verification.damaged.length > 0 || verification.problems.length > 0))
          process.exitCode = 1;
      } finally {
        bundle.close();
      }
    });

  bundle
    .command('repair')
    .description('turn the spool of a writer that did not finish (killed, crashed) into a bundle')
    .argument('<spool>', 'the .spool directory, or the bundle path it belongs to')
    .option('-o, --output <file>', 'where to write the bundle (default: beside the spool, without .spool)')
    .option('--force', 'replace the output file if it exists')
    .addHelpText(
      'after',
      helpText(`
Everything the writer had flushed before it stopped (it flushes at least every second) is kept;
a partial last line is dropped. The bundle's metadata is marked as repaired, and kstory analyze
says its analysis is of a partial recording. The bundle is written beside the spool
(incident.parquet.spool becomes incident.parquet) or to -o, never to a path the spool names.

Examples:
  kstory bundle repair incident.parquet.spool
  kstory bundle repair incident.parquet -o recovered.parquet`),
    )
    .action(async (spool: string, options: { output?: string; force?: boolean }) => {
      const { repairSpool } = await import('../../bundle/repair.ts');
      const result = await repairSpool(spool, { output: options.output, force: options.force });
      const { renderRepairSummary } = await import('../../report/info-text.ts');
      const { writeText } = await import('../output.ts');
      writeText(process.stdout, renderRepairSummary(result));
    });

  bundle
    .command('scan')
    .description('check every row of a bundle for credentials (exit 1 if any is found)')
    .argument('<bundle...>', 'bundle files, spool directories or globs')
    .option('--json', 'print every finding as JSON')
    .addHelpText(
      'after',
      helpText(`
The same detector the writer applies to every row: Secret values, values under credential names
(passwords, tokens, keys), passwords in URLs, flag values, Authorization headers, JWTs, private keys
and the token formats of secretlint's recommended rules. Findings name the file, row, column and
rule, never the value. Values the writer replaced (‹redacted:hmac:…›) are not findings.

Exit code: 0 clean, 1 credentials found, 2 the bundle could not be read.

Examples:
  kstory bundle scan incident.parquet
  kstory bundle scan 'recordings/*.parquet' --json \\
      | jq '.findings[] | .column'`),
    )
    .action(async (paths: string[], options: { json?: boolean }) => {
      const { scanBundles } = await import('../../bundle/scan.ts');
      const result = await scanBundles(paths);
      const { printJson } = await import('../output.ts');
      if (options.json) printJson(result);
      else {
        const { renderScanText } = await import('../../report/scan-text.ts');
        const { chalkFor } = await import('../../report/style.ts');
        // One finding a line, whole, and file names never broken: read with grep as much as by eye.
        process.stdout.write(renderScanText(result, chalkFor(process.stdout)));
      }
      if (result.total > 0) process.exitCode = 1;
    });

  bundle
    .command('anonymize')
    .description('write a share-safe copy: names, namespaces, users, IPs and hosts as stable pseudonyms')
    .argument('<bundle>', 'the bundle to copy')
    .requiredOption('-o, --output <file>', 'the share-safe bundle to write')
    .option(
      '--mapping <file>',
      'also write the mapping from each original to its pseudonym (mode 0600): keep it to yourself',
    )
    .option('--force', 'replace the output file if it exists')
    .addHelpText(
      'after',
      helpText(`
The same name becomes the same pseudonym everywhere (columns, object bodies, Event messages, logs,
audit entries), so the copy analyzes to the same incidents with other names. What carries meaning
for Kubernetes stays: kube-system, default and other kube-* namespaces, system:* users, well-known
label keys, kinds, reasons, image tags and digests. The key of the pseudonyms is random and never
stored: without --mapping nobody, you included, can map them back.

Examples:
  kstory bundle anonymize incident.parquet -o incident-shareable.parquet
  kstory bundle anonymize incident.parquet -o shareable.parquet \\
      --mapping ~/incident-mapping.json`),
    )
    .action(async (input: string, options: { output: string; mapping?: string; force?: boolean }) => {
      const { existsSync, rmSync } = await import('node:fs');
      const { checkOutputPath } = await import('../../bundle/output-path.ts');
      checkOutputPath(options.output, { force: options.force });
      if (existsSync(options.output)) rmSync(options.output);
      if (options.mapping !== undefined) {
        const { checkMappingFile } = await import('../anonymize-option.ts');
        checkMappingFile(options.mapping, options.force === true);
      }
      const { anonymizeBundle } = await import('../../bundle/anonymize.ts');
      const result = await anonymizeBundle(input, options.output, { mappingFile: options.mapping });
      const { renderAnonymizeSummary } = await import('../../report/info-text.ts');
      const { writeText } = await import('../output.ts');
      writeText(process.stdout, renderAnonymizeSummary(result, options.mapping));
    });
}
