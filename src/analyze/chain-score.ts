// How sure an incident is: its root's confidence and the links and effects of its chain, mapped by
// the fitted calibration model; low-severity findings support a chain without weighing on it.

import { formatSubject } from '../vocab/object-ref.ts';
import type { Severity } from '../vocab/severity.ts';
import {
  COVERAGE_PARTS,
  calibratedConfidence,
  type Features,
  featuresOf,
  type HeldEvidence,
} from './calibration.ts';
import { CALIBRATION_MODEL } from './calibration-model.ts';
import type { ChainStep, Finding, ReportAlert } from './report.ts';

/** Low-severity findings (error lines in logs, CPU throttling) support a chain rather than carry it. */
export function isSupporting(finding: Finding): boolean {
  return finding.severity === 'low' || finding.severity === 'info';
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * The incident's confidence: its evidence score (scoreChain), with how many effects corroborate it
 * (each alert that fired about its subjects one more, by alert name), its severity, whether the
 * bundle holds the history of its objects' states and how much of a cluster's evidence it holds
 * (`held`, calibration.ts heldEvidence), mapped by the fitted calibration model to the probability
 * that its root cause is right.
 */
export function incidentConfidence(
  findings: readonly Finding[],
  root: number,
  chain: readonly ChainStep[],
  severity: Severity,
  held: HeldEvidence,
  alerts: readonly ReportAlert[],
): { confidence: number; reasons: string[]; features: Features; evidence: number } {
  const evidence = scoreChain(findings, root, chain);
  const findingEffects = chain.filter((step) => step.via && !isSupporting(findings[step.finding]!)).length;
  const alertNames = [...new Set(alerts.map((a) => a.alertname))];
  const effects = findingEffects + alertNames.length;
  const { situation, coverage, because } = held;
  const snapshot = situation !== 'history';
  const features = featuresOf({ evidence: evidence.confidence, effects, severity, snapshot, coverage });
  const confidence = calibratedConfidence(features);
  const parts = Math.round(coverage * COVERAGE_PARTS);
  const partial = [
    ...(snapshot ? [because === undefined ? situation : `${situation} (${because})`] : []),
    ...(parts < COVERAGE_PARTS ? [`coverage ${parts}/${COVERAGE_PARTS}`] : []),
  ];
  return {
    confidence,
    features,
    evidence: evidence.confidence,
    reasons: [
      ...evidence.reasons,
      ...(alertNames.length > 0
        ? [
            `corroborated by ${alertNames.length} alert${alertNames.length === 1 ? '' : 's'} that fired about its subjects: ${alertNames.join(', ')}`,
          ]
        : []),
      `calibrated: evidence ${evidence.confidence.toFixed(2)}, ${effects} corroborating effect${effects === 1 ? '' : 's'}, ${severity}${partial.map((p) => `, ${p}`).join('')} → ${confidence.toFixed(2)} (${CALIBRATION_MODEL.fitted_on})`,
    ],
  };
}

/** The root's confidence, times the geometric mean of each link's strength × its effect's confidence. */
function scoreChain(
  findings: readonly Finding[],
  root: number,
  chain: readonly ChainStep[],
): { confidence: number; reasons: string[] } {
  const rootFinding = findings[root]!;
  const reasons = [
    `${rootFinding.confidence.toFixed(2)} root cause ${rootFinding.pattern} (${formatSubject(rootFinding.subject)})`,
  ];
  const factors: number[] = [];
  for (const step of chain) {
    if (!step.via) continue;
    const effect = findings[step.finding]!;
    // Supporting signs (low-severity findings such as error lines in logs) illustrate the chain;
    // they neither strengthen nor weaken the confidence that the root caused it.
    if (isSupporting(effect)) continue;
    const factor = step.via.strength * effect.confidence;
    factors.push(factor);
    reasons.push(
      `× link ${step.via.link} (${step.via.strength.toFixed(2)}) to ${effect.pattern} (${effect.confidence.toFixed(2)}) = ${factor.toFixed(2)}`,
    );
  }
  let confidence = rootFinding.confidence;
  if (factors.length > 0) {
    const mean = factors.reduce((product, f) => product * f, 1) ** (1 / factors.length);
    confidence *= mean;
    reasons.push(
      `chain confidence ${rootFinding.confidence.toFixed(2)} × geometric mean ${mean.toFixed(2)} = ${round(confidence).toFixed(2)}`,
    );
  }
  return { confidence: round(confidence), reasons };
}
