// Incident-summary labels: a postmortem in short (what happened, when, for how long, what it
// affected, why, what to do) with its timeline, made from the same incident as its troubleshooting
// label and scored the same way.

import { formatDuration } from '../vocab/duration.ts';
import { formatSubject } from '../vocab/object-ref.ts';
import type { Report, ReportIncident } from './analysis.ts';
import { completenessOf, qualityOf } from './quality.ts';
import { type IncidentSummaryLabel, LABEL_SCHEMA, type TroubleshootingLabel } from './schema.ts';
import { mainSymptom, seenOn } from './troubleshooting.ts';

export function incidentSummaryLabel(
  report: Report,
  incident: ReportIncident,
  troubleshooting: TroubleshootingLabel,
): IncidentSummaryLabel {
  const members = incident.chain.map((step) => report.findings[step.finding]!);
  const root = members[0]!;
  const timeline = members
    .flatMap((m) => [
      { time: m.first, event: `${m.title} began`, subject: formatSubject(m.subject) },
      ...(m.resolved
        ? [{ time: m.resolved, event: `${m.title} cleared`, subject: formatSubject(m.subject) }]
        : []),
    ])
    .sort((a, b) => a.time.localeCompare(b.time) || a.event.localeCompare(b.event));
  const unique = timeline.filter(
    (e, i) =>
      i === 0 || `${e.event}|${e.subject}` !== `${timeline[i - 1]!.event}|${timeline[i - 1]!.subject}`,
  );
  const impact = incident.impact;
  const affected = [
    ...impact.workloads,
    ...impact.services.map((s) => `Service ${s}`),
    ...impact.nodes.map((n) => `Node ${n}`),
  ];
  const symptom = mainSymptom(members);
  const effects = [...new Set(members.slice(1).map((m) => m.title))].filter((t) => t !== root.title);
  const duration =
    impact.duration_seconds > 0 ? ` for ${formatDuration(impact.duration_seconds * 1000)}` : '';
  const summary =
    `From ${impact.start.slice(0, 16).replace('T', ' ')} UTC${duration}: ${symptom.title} (${seenOn(symptom)}). ` +
    `Root cause: ${root.summary} ` +
    (effects.length > 0 ? `It led to: ${effects.join('; ')}. ` : '') +
    (affected.length > 0
      ? `Affected: ${affected.join(', ')}${impact.pods.length > 0 ? ` (${impact.pods.length} pods)` : ''}. `
      : '') +
    `Confidence ${incident.confidence.toFixed(2)}.`;
  const parts = troubleshooting.quality;
  return {
    schema: LABEL_SCHEMA,
    id: troubleshooting.id.replace(/^ts-/, 'is-'),
    type: 'incident_summary',
    source: troubleshooting.source,
    quality: qualityOf({
      completeness: completenessOf([
        unique.length >= 1,
        affected.length + impact.pods.length > 0,
        root.summary.length > 0,
        incident.remediation.length > 0,
      ]),
      consistency: parts.consistency,
      evidence: parts.evidence,
      confidence: incident.confidence,
    }),
    relationships: [],
    title: incident.title,
    severity: incident.severity,
    confidence: incident.confidence,
    summary,
    timeline: unique,
    impact: { ...impact },
    root_cause: root.summary,
    actions: incident.remediation,
  };
}
