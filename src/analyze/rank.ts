// Ranking: incidents scored by severity, evidence and how much they affected, most important
// first, then cut to --min-confidence and --top.

import { severityWeight } from '../vocab/severity.ts';
import type { Incident } from './chain.ts';
import { explanationCredits } from './impact.ts';
import type { Finding } from './report.ts';

/**
 * The root's own case, weighed by what it explains:
 *
 *   score = severity × root confidence × (1 + log2(1 + reach))
 *
 * Each finding of the chain is credited with how surely the root explains it (impact.ts: the product
 * of the link strengths from the root down to it × its own confidence; 1 for the root). `reach` is
 * the pods, workloads, Services and nodes the incident affected, each counted by the best credit of
 * a finding that affects it; `severity` the root's weight (info 1 … critical 5) or an effect's
 * weight × its credit, whichever is more. So an explained effect can only add to the score, by the
 * objects it reaches and the harm it shows, and a weak link adds little; a second account of a
 * failure already counted (the crash loop of a pod its OOM kills) adds nothing. The root's own
 * confidence, not the calibrated figure: within one bundle, the model's figures mostly tell how
 * much of the story a bundle of that kind can show, not which of its incidents has the stronger case.
 */
export function scoreIncident(incident: Incident, findings: readonly Finding[]): number {
  const root = findings[incident.root]!;
  const credits = explanationCredits(findings, incident.chain);
  let severity = severityWeight(root.severity);
  for (const [member, credit] of credits)
    severity = Math.max(severity, severityWeight(findings[member]!.severity) * credit);
  const score = severity * root.confidence * (1 + Math.log2(1 + incident.reach));
  return Math.round(score * 100) / 100;
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
    .map((incident) => ({ incident, score: scoreIncident(incident, findings) }))
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
