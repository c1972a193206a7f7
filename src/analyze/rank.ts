// Ranking: incidents scored by severity, evidence and how much they affected, most important
// first, then cut to --min-confidence and --top.

import { severityWeight } from '../vocab/severity.ts';
import type { Incident } from './chain.ts';
import type { Finding } from './report.ts';

/** Severity × evidence × impact: a broad, well-supported incident first. The evidence score, not
 * the calibrated confidence: within one bundle, the model's figures mostly tell how much of the
 * story a bundle of that kind can show, not which of its incidents has the stronger case. */
export function scoreIncident(incident: Incident): number {
  const affected =
    incident.impact.pods.length +
    incident.impact.workloads.length +
    incident.impact.services.length +
    incident.impact.nodes.length;
  return (
    Math.round(severityWeight(incident.severity) * incident.evidence * (1 + Math.log2(1 + affected)) * 100) /
    100
  );
}

export interface RankedIncident {
  incident: Incident;
  score: number;
}

/** Every incident with its score, most important first (earliest root first among equals). */
export function rankIncidents(
  incidents: readonly Incident[],
  findings: readonly Finding[],
): RankedIncident[] {
  return incidents
    .map((incident) => ({ incident, score: scoreIncident(incident) }))
    .sort(
      (a, b) =>
        b.score - a.score || findings[a.incident.root]!.first.localeCompare(findings[b.incident.root]!.first),
    );
}

/** The ranked incidents a reader asked for: at least `minConfidence`, the `top` first. */
export function keepIncidents(
  ranked: readonly RankedIncident[],
  options: { minConfidence?: number; top?: number },
): RankedIncident[] {
  return ranked
    .filter(({ incident }) => incident.confidence >= (options.minConfidence ?? 0))
    .slice(0, options.top ?? Number.POSITIVE_INFINITY);
}
