// Renders `kstory bundle info` (the numbers come from describeBundle) and what `kstory bundle repair`
// and `bundle anonymize` wrote, for a terminal. Computes nothing.

import type { ChalkInstance } from 'chalk';
import type { AnonymizeResult } from '../bundle/anonymize.ts';
import type { FinishResult } from '../bundle/final-bundle.ts';
import type { BundleInfo } from '../bundle/info.ts';
import type { Verification } from '../bundle/verify.ts';
import { formatDuration } from '../vocab/duration.ts';
import { formatBytes, formatCount, formatTime } from '../vocab/units.ts';
import { CAPTURED_FROM } from './captured-from.ts';
import { forTerminal } from './neutralize.ts';

export function renderInfoText(given: BundleInfo, chalk: ChalkInstance): string {
  const info = forTerminal(given);
  const m = info.metadata;
  const lines: string[] = [];
  const field = (label: string, value: string) => lines.push(`${chalk.bold(label.padEnd(11))} ${value}`);

  for (const file of info.files) {
    field('File', `${file.path} (${formatBytes(file.bytes)}, ${file.format} format ${file.format_version})`);
    if (file.missing_columns.length > 0) {
      lines.push(
        `${' '.repeat(12)}${chalk.dim(`older format: ${file.missing_columns.length} newer columns read as empty`)}`,
      );
    }
  }
  field('Producer', `${m.producer}, kstory ${m.tool_version}, written ${formatTime(m.created_at)}`);
  const cluster = [
    m.cluster.name ?? 'unnamed cluster',
    m.cluster.server_version ? `Kubernetes ${m.cluster.server_version}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  field('Cluster', cluster);
  const span =
    m.window.start && m.window.end
      ? ` (${formatDuration(Date.parse(m.window.end) - Date.parse(m.window.start))})`
      : '';
  field('Window', `${formatTime(m.window.start)} → ${formatTime(m.window.end)}${span}`);
  if (m.snapshot) field('Snapshot', chalk.yellow('yes: no watch history, the timeline is partial'));
  if (m.repaired)
    field('Repaired', chalk.yellow('yes: rebuilt from the spool of a writer that did not finish'));
  field('Redaction', m.redaction.length > 0 ? m.redaction.join(', ') : 'none recorded');
  if (Object.keys(m.filters).length > 0) field('Filters', JSON.stringify(m.filters));
  for (const input of m.inputs) {
    field(
      'Input',
      `${input.path} (${input.format}, ${formatCount(input.records)} records, ${formatCount(input.skipped)} skipped)`,
    );
    const skipped = Object.entries(input.skipped_by_reason ?? {}).sort((a, b) => b[1] - a[1]);
    for (const [reason, n] of skipped) {
      lines.push(
        `${' '.repeat(12)}${chalk.yellow(`skipped ${formatCount(n)} file${n === 1 ? '' : 's'}: ${reason}`)}`,
      );
    }
    if (input.damaged)
      lines.push(
        `${' '.repeat(12)}${chalk.yellow(`skipped ${formatCount(input.damaged)} damaged line${input.damaged === 1 ? '' : 's'} or document${input.damaged === 1 ? '' : 's'}`)}`,
      );
    if (input.files && input.files_seen !== undefined) {
      lines.push(
        `${' '.repeat(12)}${chalk.dim(`rows from ${formatCount(input.files.length)} of its ${formatCount(input.files_seen)} file${input.files_seen === 1 ? '' : 's'} (--json lists each with its rows)`)}`,
      );
    }
    if (input.captured_at) {
      const source = input.captured_at_source ? CAPTURED_FROM[input.captured_at_source] : 'source unknown';
      const text = `captured ${formatTime(input.captured_at)} (${source})`;
      lines.push(
        `${' '.repeat(12)}${input.captured_at_source === 'file-time' ? chalk.yellow(text) : chalk.dim(text)}`,
      );
    }
  }

  lines.push('');
  field('Rows', `${formatCount(info.rows)}, ${formatTime(info.first)} → ${formatTime(info.last)}`);
  const width = Math.max(6, ...info.by_source.map((s) => s.source.length));
  for (const s of info.by_source) {
    lines.push(
      `  ${s.source.padEnd(width)} ${formatCount(s.rows).padStart(12)}   ${formatTime(s.first)} → ${formatTime(s.last)}`,
    );
  }

  const kinds = info.by_kind.filter(
    (k) => k.kind !== null && (k.source === 'object' || k.source === 'event'),
  );
  if (kinds.length > 0) {
    lines.push('');
    lines.push(chalk.bold('By kind'));
    for (const source of ['object', 'event']) {
      const rows = kinds.filter((k) => k.source === source);
      if (rows.length === 0) continue;
      const shown = rows.slice(0, 12).map((k) => `${k.kind} ${formatCount(k.rows)}`);
      if (rows.length > 12) shown.push(`and ${rows.length - 12} more kinds`);
      lines.push(`  ${source.padEnd(width)} ${shown.join(' · ')}`);
    }
  }

  lines.push('');
  if (info.gaps.length === 0) {
    field('Gaps', 'none recorded');
  } else {
    field('Gaps', chalk.yellow(`${info.gaps.length} period(s) where the recording may be incomplete`));
    for (const gap of info.gaps) {
      lines.push(`  ${formatTime(gap.start)} → ${formatTime(gap.end)}  ${gap.scope}: ${gap.reason}`);
    }
  }
  for (const warning of info.warnings) lines.push(chalk.yellow(`warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}

/** `bundle info --verify`: what was read, and each damaged part with the rows it held. */
export function renderVerificationText(given: Verification, chalk: ChalkInstance): string {
  const v = forTerminal(given);
  const out: string[] = [];
  const read = `${formatCount(v.rows_read)} of ${formatCount(v.rows_expected)} rows in ${formatCount(v.row_groups)} row groups of ${formatCount(v.files)} file${v.files === 1 ? '' : 's'} read`;
  if (v.damaged.length === 0 && v.problems.length === 0) {
    out.push(`${'Verified'.padEnd(12)}${chalk.green(`every part readable: ${read}`)}`);
  } else {
    out.push(`${'Verified'.padEnd(12)}${chalk.red(`damaged: ${read}`)}`);
    for (const part of v.damaged) {
      const where =
        part.row_group === null
          ? part.file
          : `${part.file} row group ${part.row_group} (rows ${formatCount(part.first_row)}–${formatCount(part.first_row + part.rows - 1)})`;
      out.push(chalk.red(`  ${where}: ${part.error}`));
    }
    for (const problem of v.problems) out.push(chalk.red(`  ${problem}`));
    out.push(
      chalk.dim(
        '  The rows of a damaged part are lost from this copy: copy the bundle again from where it was made, if it still is.',
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

export function renderRepairSummary(result: FinishResult): string {
  return `repaired ${formatCount(result.rows)} rows into ${result.path} (${formatBytes(result.bytes)})\n`;
}

export function renderAnonymizeSummary(result: AnonymizeResult, mappingFile: string | undefined): string {
  return (
    `wrote ${formatCount(result.rows)} rows to ${result.path} (${formatBytes(result.bytes)}): ` +
    `${formatCount(result.mapped.words)} name words, ${formatCount(result.mapped.ips)} addresses replaced` +
    `${mappingFile ? `; mapping in ${mappingFile}` : ''}\n`
  );
}
