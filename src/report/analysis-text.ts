// Renders an analysis Report for a terminal, readable in 80 columns. Computes nothing.

import type { ChalkInstance } from 'chalk';
import { subjectLabel } from '../analyze/detect.ts';
import type { RankedFinding, Report } from '../analyze/run.ts';
import type { Severity } from '../patterns/schema.ts';
import { formatDuration, formatTime } from './format.ts';

const WIDTH = 80;

export interface TextOptions {
  explain?: boolean;
}

export function wrap(text: string, indent: number, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l);
}

function severityLabel(severity: Severity, chalk: ChalkInstance): string {
  const label = severity.toUpperCase().padEnd(8);
  switch (severity) {
    case 'critical':
    case 'high':
      return chalk.red.bold(label);
    case 'medium':
      return chalk.yellow(label);
    default:
      return chalk.dim(label);
  }
}

function renderFinding(finding: RankedFinding, chalk: ChalkInstance, options: TextOptions): string[] {
  const lines: string[] = [];
  const confidence = `confidence ${finding.confidence.toFixed(2)}`;
  const head = `${String(finding.rank).padStart(2)}. `;
  const titleWidth = WIDTH - head.length - 9 - confidence.length - 1;
  const title =
    finding.title.length > titleWidth ? `${finding.title.slice(0, titleWidth - 1)}…` : finding.title;
  lines.push(
    `${head}${severityLabel(finding.severity, chalk)} ${chalk.bold(title.padEnd(titleWidth))} ${chalk.cyan(confidence)}`,
  );
  const span =
    finding.first === finding.last
      ? formatTime(finding.first)
      : `${formatTime(finding.first)} → ${formatTime(finding.last)}`;
  lines.push(...wrap(`${subjectLabel(finding.subject)} · ${span}`, 4).map((l) => chalk.dim(l)));
  lines.push(...wrap(finding.summary, 4));
  if (finding.evidence.length > 0) {
    lines.push(`    ${chalk.bold('Evidence')}`);
    for (const item of finding.evidence.slice(-8)) {
      const prefix = `${formatTime(item.ts).slice(11)} ${item.source.padEnd(6)} `;
      const text = `${prefix}${item.excerpt}`;
      lines.push(`      ${text.length > WIDTH - 6 ? `${text.slice(0, WIDTH - 7)}…` : text}`);
    }
  }
  lines.push(`    ${chalk.bold('Remediation')}`);
  for (const step of finding.remediation) {
    const [firstLine, ...rest] = wrap(step, 8);
    lines.push(`      - ${firstLine!.trimStart()}`, ...rest);
  }
  if (options.explain) {
    lines.push(`    ${chalk.bold('Confidence')}`);
    for (const reason of finding.confidenceReasons) lines.push(...wrap(reason, 6));
  }
  return lines;
}

export function renderAnalysisText(report: Report, chalk: ChalkInstance, options: TextOptions = {}): string {
  const lines: string[] = [];
  const files =
    report.bundle.files.length === 1 ? report.bundle.files[0] : `${report.bundle.files.length} files`;
  lines.push(chalk.bold(`kstory analysis of ${files}`));
  const cluster = report.bundle.cluster.name ? `cluster ${report.bundle.cluster.name}, ` : '';
  const span = formatDuration(Date.parse(report.window.end) - Date.parse(report.window.start));
  lines.push(
    chalk.dim(
      `${cluster}${formatTime(report.window.start)} → ${formatTime(report.window.end)} (${span}), ${report.patterns.loaded} patterns`,
    ),
  );
  if (report.bundle.snapshot) {
    lines.push(
      ...wrap(
        'This bundle is a snapshot without watch history: timelines are partial and rest on restart counts, last states and event counts.',
        0,
      ).map((l) => chalk.yellow(l)),
    );
  }
  if (report.bundle.gaps.length > 0) {
    lines.push(
      chalk.yellow(
        `The recording has ${report.bundle.gaps.length} gap(s) where it may be incomplete (kstory bundle info lists them).`,
      ),
    );
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push(chalk.green('No findings: none of the patterns matched in this window.'));
  } else {
    for (const finding of report.findings) lines.push(...renderFinding(finding, chalk, options), '');
  }
  if (report.omitted > 0)
    lines.push(chalk.dim(`${report.omitted} more finding(s) left out by --min-confidence or --top.`));
  return `${lines.join('\n').trimEnd()}\n`;
}
