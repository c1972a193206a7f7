// The end-of-import summary: per input, the format detected, records by source, duplicates, and
// what was skipped or damaged and why (with file:line), as text for stderr or JSON for scripts.

import type { ChalkInstance } from 'chalk';
import type { Resumed } from '../import/resume.ts';
import type { ImportResult } from '../import/run.ts';
import { formatBytes, formatCount } from '../vocab/units.ts';
import { CAPTURED_FROM } from './captured-from.ts';
import { escapeControl } from './escape.ts';
import { forTerminal } from './neutralize.ts';

const SOURCES = ['object', 'event', 'audit', 'log', 'metric'] as const;
const EXAMPLES_PER_REASON = 3;
const ISSUES_SHOWN = 10;

export function renderImportSummary(given: ImportResult, chalk: ChalkInstance): string {
  // File and member names, damaged lines' reasons and clusters come from the inputs.
  const result = forTerminal(given);
  const out: string[] = [];
  for (const s of result.inputs) {
    // Files are shown relative to their input, which heads the block.
    const short = (file: string) =>
      file.startsWith(`${s.input}!`)
        ? file.slice(s.input.length + 1)
        : file.startsWith(`${s.input}/`)
          ? file.slice(s.input.length + 1)
          : file;
    out.push(`${chalk.bold(s.input)}  ${chalk.dim(s.format)}`);
    const counts = SOURCES.map((source) => `${source}s ${formatCount(s.records[source] ?? 0)}`).join('  ');
    out.push(
      `  ${counts}${s.duplicates > 0 ? chalk.dim(`  (${formatCount(s.duplicates)} duplicates merged)`) : ''}`,
    );
    for (const cluster of s.clusterNames) {
      out.push(chalk.dim(`  cluster ${escapeControl(cluster, { singleLine: true })}`));
    }
    if (!s.history && s.capturedAt !== null && Object.keys(s.records).length > 0) {
      const text = `  snapshot taken ${s.capturedAt} (${s.capturedSource ? CAPTURED_FROM[s.capturedSource] : 'source unknown'})`;
      out.push(s.capturedSource === 'file-time' ? chalk.yellow(text) : chalk.dim(text));
    }
    for (const [reason, files] of Object.entries(s.skippedFiles).sort((a, b) => b[1].length - a[1].length)) {
      const examples = files.slice(0, EXAMPLES_PER_REASON).map(short).join(', ');
      const more =
        files.length > EXAMPLES_PER_REASON
          ? `, … ${formatCount(files.length - EXAMPLES_PER_REASON)} more`
          : '';
      out.push(
        chalk.yellow(
          `  skipped ${formatCount(files.length)} file${files.length === 1 ? '' : 's'}: ${reason}`,
        ) + chalk.dim(` (${examples}${more})`),
      );
    }
    for (const cut of s.cut) {
      out.push(
        chalk.yellow(
          `  ${short(cut.file)}: ${escapeControl(cut.reason, { singleLine: true })}: ` +
            `${cut.lines === 0 ? 'nothing could be read' : `${formatCount(cut.lines)} line${cut.lines === 1 ? '' : 's'} read`}, the rest of the file is lost`,
        ),
      );
    }
    for (const n of s.notes.slice(0, ISSUES_SHOWN)) {
      out.push(chalk.dim(`  note: ${short(n.file)}${n.line !== undefined ? `:${n.line}` : ''}: ${n.reason}`));
    }
    const hint = s.unreadable.find((u) => u.hint)?.hint;
    if (hint) out.push(chalk.dim(`  hint: ${escapeControl(hint)}`));
    if (s.issueCount > 0) {
      out.push(
        chalk.yellow(
          `  ${formatCount(s.issueCount)} damaged line${s.issueCount === 1 ? '' : 's'} or document${s.issueCount === 1 ? '' : 's'} skipped:`,
        ),
      );
      for (const issue of s.issues.slice(0, ISSUES_SHOWN)) {
        out.push(
          `    ${short(issue.file)}${issue.line !== undefined ? `:${issue.line}` : ''}: ${issue.reason}`,
        );
      }
      if (s.issueCount > ISSUES_SHOWN) {
        const listed = s.issues.length;
        out.push(
          chalk.dim(
            `    … ${formatCount(s.issueCount - ISSUES_SHOWN)} more (${listed === s.issueCount ? 'all of them' : `the first ${formatCount(listed)}`}: --json)`,
          ),
        );
      }
    }
  }
  if (result.resumed) out.push(describeResumed(result.resumed));
  const partial = partialImport(result);
  if (partial && result.bundle) out.push(chalk.yellow(`the import is partial: ${partial}`));
  const bundle = result.bundle;
  if (bundle) {
    const bySource = Object.entries(bundle.rowsBySource)
      .map(([source, n]) => `${source} ${formatCount(n)}`)
      .join(', ');
    out.push(
      `wrote ${formatCount(bundle.rows)} rows to ${bundle.path} (${formatBytes(bundle.bytes)}): ${bySource}${result.snapshot ? chalk.dim(' · snapshot (no history)') : ''}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** What a resumed import kept of its spool, and that it read its inputs again. */
export function describeResumed(resumed: Resumed): string {
  const bySource = Object.entries(resumed.rowsBySource)
    .map(([source, n]) => `${source} ${formatCount(n)}`)
    .join(', ');
  return (
    `resumed from ${resumed.spool}: its ${formatCount(resumed.rows)} rows (${bySource || 'none'}) were kept and ` +
    'not written again; every input was read again to find where it had stopped'
  );
}

/**
 * Why the bundle holds less than the inputs do: files the system would not let kstory read, files
 * whose compressed data stops partway (the exit code says so); null when every file was read to
 * its end. Damaged lines are counted, not partial: real logs always hold a few.
 */
export function partialImport(result: ImportResult): string | null {
  const unreadable = result.inputs.reduce((n, s) => n + s.unreadable.length, 0);
  const cut = result.inputs.reduce((n, s) => n + s.cut.length, 0);
  const parts = [
    unreadable > 0 ? `${formatCount(unreadable)} file${unreadable === 1 ? '' : 's'} could not be read` : '',
    cut > 0 ? `${formatCount(cut)} file${cut === 1 ? ' was' : 's were'} cut short by damage` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(', ') : null;
}

/** The same, for `--json`: every issue, every skipped file. */
export function importSummaryJson(result: ImportResult): unknown {
  return {
    output: result.bundle
      ? {
          path: result.bundle.path,
          rows: result.bundle.rows,
          bytes: result.bundle.bytes,
          rows_by_source: result.bundle.rowsBySource,
        }
      : null,
    snapshot: result.snapshot,
    refused: result.refused,
    resumed: result.resumed
      ? {
          spool: result.resumed.spool,
          rows_kept: result.resumed.rows,
          rows_kept_by_source: result.resumed.rowsBySource,
        }
      : null,
    partial: partialImport(result),
    inputs: result.inputs.map((s) => ({
      path: s.input,
      format: s.format,
      layout: s.layout,
      files_seen: s.files,
      formats: s.formats,
      records: s.records,
      duplicates: s.duplicates,
      skipped_files: s.skippedFiles,
      unreadable: s.unreadable.map(({ file, reason }) => ({ file, reason })),
      damaged: s.issueCount,
      issues: s.issues,
      notes: s.notes,
      // Issues beyond what the import keeps in memory are counted only.
      issues_left_out: s.issueCount - s.issues.length,
      cut_short: s.cut.map(({ file, lines, reason }) => ({ file, lines_read: lines, reason })),
      captured_at: s.capturedAt,
      captured_at_source: s.capturedSource,
      clusters: s.clusters,
    })),
  };
}
