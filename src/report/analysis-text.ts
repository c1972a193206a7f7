// Renders an analysis Report for a terminal, fitted to its width (80 columns off a terminal).
// Computes nothing.

import type { ChalkInstance } from 'chalk';
import type { Report, ReportIncident } from '../analyze/report.ts';
import { formatDuration } from '../vocab/duration.ts';
import { formatSubject } from '../vocab/object-ref.ts';
import type { Severity } from '../vocab/severity.ts';
import { formatTime } from '../vocab/units.ts';
import { alertLines, unexplainedAlertsHeading } from './alerts-text.ts';
import { workloadLabels } from './impact-workloads.ts';
import { forTerminal } from './neutralize.ts';
import type { RenderContext, Renderer } from './renderer.ts';
import { troubleLines, unexplainedTroubleHeading } from './trouble-text.ts';
import { fitLines, padEnd, truncate, wrap } from './width.ts';
import {
  lookedAt,
  nothingToAnalyze,
  rebuiltRows,
  skippedAtImport,
  unreadMetrics,
} from './window-coverage-text.ts';

const EVIDENCE_PER_STEP = 3;

export const textRenderer: Renderer = {
  name: 'text',
  description: 'for the terminal',
  produces: 'terminal',
  render: (report, context) => renderAnalysisText(forTerminal(report), context),
};

function severityLabel(severity: Severity, chalk: ChalkInstance): string {
  const label = severity.toUpperCase().padEnd(8);
  if (severity === 'critical' || severity === 'high') return chalk.red.bold(label);
  if (severity === 'medium') return chalk.yellow(label);
  return chalk.dim(label);
}

function clock(iso: string): string {
  return formatTime(iso).slice(11);
}

function renderIncident(report: Report, incident: ReportIncident, context: RenderContext): string[] {
  const { chalk, width } = context;
  const lines: string[] = [];
  const confidence = `confidence ${incident.confidence.toFixed(2)}`;
  const head = `${String(incident.rank).padStart(2)}. `;
  const titleWidth = Math.max(10, width - head.length - 9 - confidence.length - 1);
  lines.push(
    `${head}${severityLabel(incident.severity, chalk)} ${chalk.bold(padEnd(truncate(incident.title, titleWidth), titleWidth))} ${chalk.cyan(confidence)}`,
  );

  const impact = incident.impact;
  const parts = [
    impact.pods.length > 0 ? `${impact.pods.length} pod${impact.pods.length > 1 ? 's' : ''}` : null,
    ...workloadLabels(impact),
    ...impact.services.map((s) => `Service ${s}`),
    ...impact.nodes.map((n) => `Node ${n}`),
  ].filter((p): p is string => p !== null);
  const span = `${formatTime(impact.start)} → ${clock(impact.end)} (${formatDuration(impact.duration_seconds * 1000)})`;
  lines.push(
    ...wrap(`Impact: ${parts.join(', ') || 'none recorded'}; ${span}`, 4, width).map((l) => chalk.dim(l)),
  );

  lines.push(`    ${chalk.bold('What happened')}`);
  // The same failure on several pods reads once, with the others named after it.
  const groups = new Map<string, { step: (typeof incident.chain)[number]; others: string[] }>();
  for (const step of incident.chain) {
    const finding = report.findings[step.finding]!;
    const key = `${finding.pattern}|${finding.variant ?? ''}|${step.via ? 'effect' : 'root'}`;
    const group = groups.get(key);
    if (group) group.others.push(finding.subject.name);
    else groups.set(key, { step, others: [] });
  }
  for (const { step, others } of groups.values()) {
    const finding = report.findings[step.finding]!;
    const prefix = `${clock(finding.first)} ${step.via ? '→ ' : ''}`;
    lines.push(...wrap(finding.summary, 6, width, prefix));
    if (others.length > 0) {
      const named =
        others.slice(0, 3).join(', ') + (others.length > 3 ? `, and ${others.length - 3} more` : '');
      lines.push(...wrap(`The same on ${others.length} more: ${named}.`, 6 + prefix.length, width));
    }
    if (step.via) {
      lines.push(
        ...wrap(
          `(${step.via.description}; link ${step.via.link}, ${step.via.strength.toFixed(2)})`,
          6 + prefix.length,
          width,
        ).map((l) => chalk.dim(l)),
      );
    }
  }

  lines.push(`    ${chalk.bold('Evidence')}`);
  for (const step of incident.chain) {
    const finding = report.findings[step.finding]!;
    for (const item of finding.evidence.slice(-EVIDENCE_PER_STEP)) {
      lines.push(
        `      ${truncate(`${clock(item.ts)} ${item.source.padEnd(6)} ${item.excerpt}`, width - 6)}`,
      );
    }
  }
  for (const line of alertLines(incident.alerts)) lines.push(...wrap(line, 6, width, 'alert  '));

  lines.push(`    ${chalk.bold('Remediation')}`);
  for (const step of incident.remediation.slice(0, 5)) lines.push(...wrap(step, 6, width, '- '));

  if (incident.alternatives.length > 0) {
    lines.push(`    ${chalk.bold('Alternative explanations')}`);
    for (const alternative of incident.alternatives.slice(0, 3)) {
      const cause = report.findings[alternative.finding]!;
      lines.push(
        ...wrap(
          `${alternative.confidence.toFixed(2)} ${cause.title} (${formatSubject(cause.subject)}): ${alternative.why}`,
          6,
          width,
          '- ',
        ),
      );
    }
  }
  if (context.explain) {
    lines.push(`    ${chalk.bold('How confident')}`);
    for (const step of incident.chain) {
      const finding = report.findings[step.finding]!;
      lines.push(...wrap(`${finding.pattern}: ${finding.confidence_reasons.join('; ')}`, 6, width, '- '));
    }
    for (const reason of incident.confidence_reasons) lines.push(...wrap(reason, 6, width, '- '));
  }
  return lines;
}

export function renderAnalysisText(report: Report, context: RenderContext): string {
  const { chalk, width } = context;
  const lines: string[] = [];
  const files =
    report.bundle.files.length === 1 ? report.bundle.files[0] : `${report.bundle.files.length} files`;
  // The file name whole, even past the width: it is copied, not read.
  lines.push(chalk.bold(`kstory analysis of ${files}`));
  const cluster = report.bundle.cluster.name ? `cluster ${report.bundle.cluster.name}, ` : '';
  const span = formatDuration(Date.parse(report.window.end) - Date.parse(report.window.start));
  const summary = `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} in ${report.incidents.length} incident${report.incidents.length === 1 ? '' : 's'}`;
  lines.push(
    ...wrap(
      `${cluster}${formatTime(report.window.start)} → ${formatTime(report.window.end)} (${span}), ${report.patterns.loaded} patterns, ${summary}`,
      0,
      width,
    ).map((l) => chalk.dim(l)),
  );
  if (report.bundle.snapshot) {
    lines.push(
      ...wrap(
        'This bundle is a snapshot without watch history: timelines are partial and rest on restart counts, last states and event counts.',
        0,
        width,
      ).map((l) => chalk.yellow(l)),
    );
  }
  for (const reason of report.bundle.partial) {
    lines.push(...wrap(`The analysis is partial: ${reason}.`, 0, width).map((l) => chalk.yellow(l)));
  }
  if (report.bundle.gaps.length > 0) {
    lines.push(
      ...wrap(
        `The recording has ${report.bundle.gaps.length} gap(s) where it may be incomplete (kstory bundle info lists them).`,
        0,
        width,
      ).map((l) => chalk.yellow(l)),
    );
  }
  lines.push(...wrap(lookedAt(report.coverage), 0, width).map((l) => chalk.dim(l)));
  const derived = rebuiltRows(report.coverage);
  if (derived) lines.push(...wrap(derived, 0, width).map((l) => chalk.dim(l)));
  const unread = unreadMetrics(report.coverage);
  if (unread) lines.push(...wrap(unread, 0, width).map((l) => chalk.dim(l)));
  const skipped = skippedAtImport(report.coverage);
  if (skipped) lines.push(...wrap(skipped, 0, width).map((l) => chalk.yellow(l)));
  lines.push('');
  if (report.coverage.nothing_to_analyze) {
    lines.push(
      ...wrap(nothingToAnalyze(report.coverage, report.window), 0, width).map((l) => chalk.red.bold(l)),
    );
  } else if (report.incidents.length === 0) {
    const text = 'No incidents: none of the patterns found a failure in what it looked at (above)';
    // An all-clear is not said beside alerts or signs of trouble nothing explains.
    const unsaid = [
      report.unexplained_alerts.length > 0 ? 'alerts fired' : null,
      report.unexplained_trouble.length > 0 ? 'the bundle shows trouble no pattern judged' : null,
    ].filter((s) => s !== null);
    if (unsaid.length === 0) lines.push(...wrap(`${text}.`, 0, width).map((l) => chalk.green(l)));
    else
      lines.push(
        ...wrap(`${text}, but ${unsaid.join(' and ')} (below).`, 0, width).map((l) => chalk.yellow(l)),
        '',
      );
  } else {
    for (const incident of report.incidents) lines.push(...renderIncident(report, incident, context), '');
  }
  if (report.unexplained_alerts.length > 0) {
    lines.push(
      ...wrap(unexplainedAlertsHeading(report.unexplained_alerts), 0, width).map((l) => chalk.yellow.bold(l)),
    );
    for (const line of alertLines(report.unexplained_alerts)) lines.push(...wrap(line, 2, width, '- '));
    lines.push('');
  }
  if (report.unexplained_trouble.length > 0) {
    lines.push(
      ...wrap(unexplainedTroubleHeading(report.unexplained_trouble, report.coverage), 0, width).map((l) =>
        chalk.yellow.bold(l),
      ),
    );
    for (const line of troubleLines(report.unexplained_trouble)) lines.push(...wrap(line, 2, width, '- '));
    lines.push('');
  }
  if (report.changes.length > 0) {
    lines.push(chalk.bold('Changes in the window that explain no failure'));
    for (const change of report.changes.slice(0, 10))
      lines.push(`  ${truncate(`${clock(change.first)} ${change.summary}`, width - 2)}`);
    if (report.changes.length > 10)
      lines.push(chalk.dim(`  and ${report.changes.length - 10} more (see --json)`));
    lines.push('');
  }
  if (report.transient > 0) {
    lines.push(
      chalk.dim(
        `${report.transient} transient incident(s) that cleared by themselves within minutes are not shown (--all shows them).`,
      ),
    );
  }
  if (report.omitted > 0)
    lines.push(
      chalk.dim(`${report.omitted} more incident(s) left out by the filters, --min-confidence or --top.`),
    );
  // What no layout above could fit: wrapped at its spaces, but for the file name of the first line.
  const [title, ...rest] = lines;
  return `${title}\n${fitLines(rest.join('\n').trimEnd(), width)}\n`;
}
