// The quality of a label: completeness, consistency, evidence and an overall score, by the formula
// docs/labels.md gives. Pure functions over the label's parts, so that the formula is tested alone.

import type { Quality } from './schema.ts';

/** The weights of the overall score; they add up to 1. */
export const QUALITY_WEIGHTS = {
  completeness: 0.3,
  consistency: 0.25,
  evidence: 0.25,
  confidence: 0.2,
} as const;
/** Evidence rows and distinct kinds of source at which the evidence part is full. */
export const FULL_EVIDENCE = { rows: 6, kinds: 3 } as const;

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Share of the parts present: each `true` counts one. */
export function completenessOf(parts: readonly boolean[]): number {
  return parts.length === 0 ? 0 : round(parts.filter(Boolean).length / parts.length);
}

export interface ChainForQuality {
  first: string;
  /** Index in the same list of the step that explains this one; null for the root. */
  causedBy: number | null;
  /** The strength of that link (0..1); null for the root. */
  strength: number | null;
}

/**
 * Half of it: the share of effects that did not begin before their cause (a minute of clock skew
 * between sources forgiven). The other half: the mean strength of the links that tie each effect to
 * its cause, i.e. how well the root explains the effects. A chain of one step is consistent.
 */
export function consistencyOf(chain: readonly ChainForQuality[]): number {
  const effects = chain.filter((s) => s.causedBy !== null);
  if (effects.length === 0) return 1;
  const skew = 60_000;
  const ordered = effects.filter(
    (s) => Date.parse(s.first) + skew >= Date.parse(chain[s.causedBy!]!.first),
  ).length;
  const strength = effects.reduce((sum, s) => sum + (s.strength ?? 0), 0) / effects.length;
  return round(0.5 * (ordered / effects.length) + 0.5 * strength);
}

/** Half for the number of rows, half for the kinds of source (object, event, audit, log, metric). */
export function evidenceQualityOf(rows: readonly { source: string }[]): number {
  const kinds = new Set(rows.map((r) => r.source)).size;
  return round(
    0.5 * Math.min(1, rows.length / FULL_EVIDENCE.rows) + 0.5 * Math.min(1, kinds / FULL_EVIDENCE.kinds),
  );
}

export function bandOf(overall: number): Quality['band'] {
  return overall >= 0.75 ? 'high' : overall >= 0.5 ? 'medium' : 'low';
}

/** The overall score from the three parts and the confidence of what the label asserts. */
export function qualityOf(parts: {
  completeness: number;
  consistency: number;
  evidence: number;
  confidence: number;
}): Quality {
  const w = QUALITY_WEIGHTS;
  const overall = round(
    w.completeness * parts.completeness +
      w.consistency * parts.consistency +
      w.evidence * parts.evidence +
      w.confidence * parts.confidence,
  );
  return {
    completeness: parts.completeness,
    consistency: parts.consistency,
    evidence: parts.evidence,
    overall,
    band: bandOf(overall),
  };
}
