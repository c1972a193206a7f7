// The figures of an evaluation, as pure functions over plain numbers: accuracy rates, and how well
// confidence figures are calibrated (reliability table, expected calibration error, Brier score).

/** A confidence figure kstory gave, and whether what it was about turned out right. */
export interface Prediction {
  confidence: number;
  correct: boolean;
}

/** Equal-width bins over [0, 1]: ten is the usual choice, and enough for a corpus of dozens. */
export const CALIBRATION_BINS = 10;

export interface ReliabilityBin {
  /** The bin holds confidences in [lower, upper); the last bin includes 1. */
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence and share of correct predictions in the bin; null when the bin is empty. */
  confidence: number | null;
  accuracy: number | null;
}

export interface Rate {
  hits: number;
  total: number;
  /** hits / total; null when there is nothing to count. */
  rate: number | null;
}

export function rate(hits: number, total: number): Rate {
  return { hits, total, rate: total === 0 ? null : hits / total };
}

function checked(predictions: readonly Prediction[]): readonly Prediction[] {
  for (const p of predictions) {
    if (!(p.confidence >= 0 && p.confidence <= 1))
      throw new RangeError(`confidence ${p.confidence} is outside [0, 1]`);
  }
  return predictions;
}

/** Which of `bins` equal-width bins a confidence falls in. The small epsilon keeps 0.3 (stored as
 * 0.29999…) in the bin a reader expects; 1.0 goes to the last bin. */
export function binOf(confidence: number, bins = CALIBRATION_BINS): number {
  return Math.min(bins - 1, Math.floor(confidence * bins + 1e-9));
}

export function reliabilityTable(
  predictions: readonly Prediction[],
  bins = CALIBRATION_BINS,
): ReliabilityBin[] {
  const groups: Prediction[][] = Array.from({ length: bins }, () => []);
  for (const p of checked(predictions)) groups[binOf(p.confidence, bins)]!.push(p);
  return groups.map((group, i) => ({
    lower: i / bins,
    upper: (i + 1) / bins,
    count: group.length,
    confidence: group.length === 0 ? null : mean(group.map((p) => p.confidence)),
    accuracy: group.length === 0 ? null : mean(group.map((p) => (p.correct ? 1 : 0))),
  }));
}

/**
 * Expected calibration error: Σ over bins of (bin count / N) × |accuracy − mean confidence|. 0 is
 * perfect calibration; null when there is no prediction.
 */
export function expectedCalibrationError(
  predictions: readonly Prediction[],
  bins = CALIBRATION_BINS,
): number | null {
  if (predictions.length === 0) return null;
  let sum = 0;
  for (const bin of reliabilityTable(predictions, bins)) {
    if (bin.count > 0) sum += bin.count * Math.abs(bin.accuracy! - bin.confidence!);
  }
  return sum / predictions.length;
}

/** Brier score: the mean of (confidence − outcome)², outcome 1 when right. 0 is best; always
 * answering 0.5 scores 0.25. Null when there is no prediction. */
export function brierScore(predictions: readonly Prediction[]): number | null {
  if (predictions.length === 0) return null;
  return mean(checked(predictions).map((p) => (p.confidence - (p.correct ? 1 : 0)) ** 2));
}

export interface Calibration {
  count: number;
  ece: number | null;
  brier: number | null;
  bins: ReliabilityBin[];
}

export function calibrationOf(predictions: readonly Prediction[], bins = CALIBRATION_BINS): Calibration {
  return {
    count: predictions.length,
    ece: expectedCalibrationError(predictions, bins),
    brier: brierScore(predictions),
    bins: reliabilityTable(predictions, bins),
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
