// Renders an analysis Report as a postmortem draft in Markdown: summary, timeline, root cause,
// impact, evidence, remediation and alternative explanations, for the most important incident,
// then the others in brief. Computes nothing.

import type { Report, ReportIncident } from '../analyze/report.ts';
import { formatDuration } from '../vocab/duration.ts';
import { formatSubject } from '../vocab/object-ref.ts';
import { formatTime } from '../vocab/units.ts';
import { alertLines, unexplainedAlertsHeading } from './alerts-text.ts';
import { workloadLabels } from './impact-workloads.ts';
import { forMarkdown } from './neutralize.ts';
import type { Renderer } from './renderer.ts';
import { troubleLines, unexplainedTroubleHeading } from './trouble-text.ts';
import {
  lookedAt,
  nothingToAnalyze,
  rebuiltRows,
  skippedAtImport,
  unreadMetrics,
} from './window-coverage-text.ts';

export const markdownRenderer: Renderer = {
  name: 'markdown',
  description: 'a postmortem draft',
  produces: 'document',
  flag: '--markdown',
  render: (report) => renderAnalysisMarkdown(forMarkdown(report)),
};

/** Markdown-safe table cell and inline text. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A code span shows its text as it is: what forMarkdown escaped for running text is put back. */
function code(text: string): string {
  const plain = text.replace(/&lt;|&gt;|&amp;|\\\[|\\\]/g, (m) => CODE_PLAIN[m]!);
  return `\`${plain.replaceAll('`', "'")}\``;
}

const CODE_PLAIN: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '\\[': '[', '\\]': ']' };

function impactLines(incident: ReportIncident): string[] {
  const impact = incident.impact;
  const lines = [
    `- **Duration:** ${formatTime(impact.start)} → ${formatTime(impact.end)} (${formatDuration(impact.duration_seconds * 1000)})`,
  ];
  if (impact.workloads.length > 0) lines.push(`- **Workloads:** ${workloadLabels(impact).join(', ')}`);
  if (impact.services.length > 0) lines.push(`- **Services:** ${impact.services.join(', ')}`);
  if (impact.pods.length > 0)
    lines.push(
      `- **Pods (${impact.pods.length}):** ${impact.pods.slice(0, 10).join(', ')}${impact.pods.length > 10 ? ', …' : ''}`,
    );
  if (impact.nodes.length > 0) lines.push(`- **Nodes:** ${impact.nodes.join(', ')}`);
  return lines;
}

function renderMain(report: Report, incident: ReportIncident): string[] {
  const root = report.findings[incident.root]!;
  const effects = incident.chain
    .filter((s) => s.finding !== incident.root)
    .map((s) => report.findings[s.finding]!);
  const out: string[] = [];
  out.push(`# Postmortem draft: ${incident.title}`, '');
  out.push(
    `> Drafted by kstory ${report.tool_version} from ${report.bundle.files.map((f) => code(f)).join(', ')}. ` +
      'Every statement below comes from the recorded evidence; check it, and add what the recording cannot know ' +
      '(detection, response, customer impact) before sharing.',
    '',
  );
  out.push('## Summary', '');
  out.push(
    `${root.summary}${effects.length > 0 ? ` It led to: ${effects.map((e) => e.title.charAt(0).toLowerCase() + e.title.slice(1)).join('; ')}.` : ''} ` +
      `Severity **${incident.severity}**, confidence **${incident.confidence.toFixed(2)}**.`,
    '',
  );
  if (report.bundle.snapshot) {
    out.push(
      '> The bundle is a snapshot without watch history: the timeline is partial and rests on restart counts, last states and event counts.',
      '',
    );
  }
  for (const reason of report.bundle.partial) out.push(`> The analysis is partial: ${reason}.`, '');

  out.push('## Timeline (UTC)', '', '| time | what happened | seen in |', '|---|---|---|');
  const rows = incident.chain.flatMap((step) => {
    const finding = report.findings[step.finding]!;
    return [
      {
        ts: finding.first,
        text: `**${finding.title}** (${formatSubject(finding.subject)})`,
        source: finding.pattern,
      },
      ...finding.evidence.map((e) => ({ ts: e.ts, text: e.excerpt, source: e.source })),
    ];
  });
  const seen = new Set<string>();
  for (const row of rows.sort((a, b) => a.ts.localeCompare(b.ts))) {
    const key = `${row.ts}|${row.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`| ${formatTime(row.ts)} | ${cell(row.text)} | ${cell(row.source)} |`);
  }
  out.push('');

  out.push('## Root cause', '', root.summary, '');
  if (root.detail) out.push(root.detail, '');
  out.push('How confident, and why:', '');
  for (const reason of [...root.confidence_reasons, ...incident.confidence_reasons]) out.push(`- ${reason}`);
  out.push('');
  if (effects.length > 0) {
    out.push('What it caused:', '');
    for (const step of incident.chain.filter((s) => s.via)) {
      const finding = report.findings[step.finding]!;
      out.push(
        `1. ${finding.summary} *(${step.via!.description}; link ${code(step.via!.link)}, strength ${step.via!.strength.toFixed(2)})*`,
      );
    }
    out.push('');
  }

  out.push('## Impact', '', ...impactLines(incident), '');

  out.push('## Evidence', '');
  for (const step of incident.chain) {
    const finding = report.findings[step.finding]!;
    out.push(`**${finding.title}** — ${formatSubject(finding.subject)}`, '');
    for (const item of finding.evidence)
      out.push(`- ${formatTime(item.ts)} ${item.source}: ${code(item.excerpt)}`);
    if (finding.evidence.length === 0) out.push('- (no rows to show)');
    out.push('');
  }
  if (incident.alerts.length > 0) {
    out.push('**Alerts that fired about it**', '');
    for (const line of alertLines(incident.alerts)) out.push(`- ${line}`);
    out.push('');
  }

  out.push('## Remediation', '');
  for (const step of incident.remediation) out.push(`- [ ] ${step}`);
  out.push('');

  out.push('## Alternative explanations', '');
  if (incident.alternatives.length === 0) {
    out.push(
      'No other recorded finding explains these effects. The cause may still lie outside what the bundle recorded.',
    );
  } else {
    for (const alternative of incident.alternatives) {
      const cause = report.findings[alternative.finding]!;
      const explains = report.findings[alternative.explains]!;
      out.push(
        `- ${cause.summary} Could explain: ${explains.title.toLowerCase()} (confidence ${alternative.confidence.toFixed(2)}, link ${code(alternative.link)}); ranks lower: ${alternative.why}.`,
      );
    }
  }
  out.push('');
  return out;
}

/** What stands against an all-clear: alerts or signs of trouble no finding explains. */
function butUnexplained(report: Report): string {
  const unsaid = [
    report.unexplained_alerts.length > 0 ? 'alerts fired that no finding explains' : null,
    report.unexplained_trouble.length > 0 ? 'the bundle shows trouble no pattern judged' : null,
  ].filter((s) => s !== null);
  return unsaid.length > 0 ? `, but ${unsaid.join(' and ')} (below)` : '';
}

export function renderAnalysisMarkdown(report: Report): string {
  const out: string[] = [];
  const [main, ...others] = report.incidents;
  if (main) {
    out.push(...renderMain(report, main));
  } else if (report.coverage.nothing_to_analyze) {
    out.push('# Postmortem draft', '', `**${nothingToAnalyze(report.coverage, report.window)}**`, '');
  } else {
    out.push(
      '# Postmortem draft',
      '',
      `kstory found no incident in this bundle: none of the patterns matched in what it looked at${butUnexplained(report)}. ${lookedAt(report.coverage)}`,
      '',
      ...report.bundle.partial.flatMap((reason) => [`> The analysis is partial: ${reason}.`, '']),
    );
  }
  if (report.unexplained_alerts.length > 0) {
    out.push(
      `## Alerts no finding explains`,
      '',
      `${unexplainedAlertsHeading(report.unexplained_alerts)}:`,
      '',
    );
    for (const line of alertLines(report.unexplained_alerts)) out.push(`- ${line}`);
    out.push('');
  }
  if (report.unexplained_trouble.length > 0) {
    out.push(
      '## Trouble no pattern explains',
      '',
      `${unexplainedTroubleHeading(report.unexplained_trouble, report.coverage)}:`,
      '',
    );
    for (const line of troubleLines(report.unexplained_trouble)) out.push(`- ${line}`);
    out.push('');
  }
  if (others.length > 0) {
    out.push('## Other incidents in the same window', '');
    for (const incident of others) {
      const root = report.findings[incident.root]!;
      out.push(
        `- **${incident.title}** (${incident.severity}, confidence ${incident.confidence.toFixed(2)}): ${root.summary}`,
      );
    }
    out.push('');
  }
  if (report.changes.length > 0) {
    out.push('## Changes in the window that explain no failure', '');
    for (const change of report.changes) out.push(`- ${formatTime(change.first)}: ${change.summary}`);
    out.push('');
  }
  out.push('## About this analysis', '');
  out.push(`- Window: ${formatTime(report.window.start)} → ${formatTime(report.window.end)}`);
  out.push(`- Coverage: ${lookedAt(report.coverage)}`);
  const derived = rebuiltRows(report.coverage);
  if (derived) out.push(`- ${derived}`);
  const unread = unreadMetrics(report.coverage);
  if (unread) out.push(`- ${unread}`);
  const skipped = skippedAtImport(report.coverage);
  if (skipped) out.push(`- ${skipped}`);
  out.push(
    `- Bundle: ${report.bundle.files.map((f) => code(f)).join(', ')} (producer ${report.bundle.producer})`,
  );
  if (report.bundle.cluster.name)
    out.push(
      `- Cluster: ${report.bundle.cluster.name}${report.bundle.cluster.server_version ? ` (${report.bundle.cluster.server_version})` : ''}`,
    );
  out.push(`- Patterns run: ${report.patterns.loaded}`);
  if (report.bundle.gaps.length > 0) {
    out.push(
      `- Gaps in the recording: ${report.bundle.gaps.map((g) => `${formatTime(g.start)} → ${formatTime(g.end)} (${g.scope}: ${g.reason})`).join('; ')}`,
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
