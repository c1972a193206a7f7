// Confidence scoring: a finding's confidence from its pattern's base, the boosts and reductions of
// the signals present, its variant and the bundle's kind, with how it was reached, step by step.

import type { LoadedPattern } from '../patterns/load.ts';
import type { Variant } from '../patterns/schema.ts';

/** The confidence of a finding whose signals `present` hold, in [0.05, 0.99], and its reasons. */
export function scoreConfidence(
  pattern: LoadedPattern,
  variant: Variant | null,
  present: ReadonlySet<string>,
  snapshot: boolean,
): { confidence: number; reasons: string[] } {
  let score = pattern.confidence.base;
  const reasons = [`${pattern.confidence.base.toFixed(2)} base for ${pattern.id}`];
  for (const [signal, boost] of Object.entries(pattern.confidence.boost)) {
    if (present.has(signal)) {
      score += boost;
      reasons.push(`+${boost.toFixed(2)} ${pattern.detect.signals[signal]?.description ?? signal}`);
    }
  }
  for (const [signal, reduce] of Object.entries(pattern.confidence.reduce)) {
    if (present.has(signal)) {
      score -= reduce;
      reasons.push(`-${reduce.toFixed(2)} ${pattern.detect.signals[signal]?.description ?? signal}`);
    }
  }
  if (variant && variant.confidence !== 0) {
    score += variant.confidence;
    reasons.push(
      `${variant.confidence > 0 ? '+' : ''}${variant.confidence.toFixed(2)} variant ${variant.id}`,
    );
  }
  if (snapshot) {
    score -= 0.1;
    reasons.push('-0.10 snapshot bundle: no watch history, the timeline is partial');
  }
  const clamped = Math.min(0.99, Math.max(0.05, score));
  if (clamped !== score) reasons.push(`clamped to ${clamped.toFixed(2)}`);
  return { confidence: Math.round(clamped * 100) / 100, reasons };
}
