// The text of `kstory bundle scan`: where credentials are in a bundle, by file, row and column,
// never the credentials themselves.

import type { ChalkInstance } from 'chalk';
import type { ScanResult } from '../bundle/scan.ts';
import { formatCount } from '../vocab/units.ts';
import { forTerminal } from './neutralize.ts';

/** Findings listed in text; all of them are in --json. */
const SHOWN = 50;

export function renderScanText(given: ScanResult, chalk: ChalkInstance): string {
  // Names, files and columns come from the bundle: control characters are shown, not sent.
  const result = forTerminal(given);
  const files = result.files.join(', ');
  if (result.total === 0)
    return `${chalk.green('clean')}: no credential in ${formatCount(result.rows)} rows of ${files}\n`;
  const lines = [
    `${chalk.red(`${formatCount(result.total)} credential${result.total === 1 ? '' : 's'}`)} in ${formatCount(result.rowsWithFindings)} of ${formatCount(result.rows)} rows of ${files}`,
    '',
  ];
  const several = result.files.length > 1;
  for (const f of result.findings.slice(0, SHOWN)) {
    const subject = [f.kind, [f.namespace, f.name].filter(Boolean).join('/')].filter(Boolean).join(' ');
    lines.push(
      `  ${several ? `${f.file} ` : ''}row ${f.row}  ${chalk.bold(f.column)}  ${f.rule}  ${chalk.dim(`${f.source} ${subject}`.trim())}`,
    );
  }
  const hidden = result.total - Math.min(result.findings.length, SHOWN);
  if (hidden > 0) lines.push(`  … and ${formatCount(hidden)} more (all of them: --json)`);
  lines.push(
    '',
    'These values are in clear in the bundle. Write it again with a current kstory (kstory import or record),',
    'which replaces each by a keyed hash, before sharing it.',
  );
  return `${lines.join('\n')}\n`;
}
