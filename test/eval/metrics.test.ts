// The figures of kstory eval on tiny inputs whose expected values are worked out by hand.

import { describe, expect, it } from 'vitest';
import {
  binOf,
  brierScore,
  calibrationOf,
  expectedCalibrationError,
  type Prediction,
  rate,
  reliabilityTable,
} from '../../src/eval/metrics.ts';

const p = (confidence: number, correct: boolean): Prediction => ({ confidence, correct });

describe('calibration figures', () => {
  // Bin 9 holds 0.9 right and 0.9 wrong: mean confidence 0.9, accuracy 0.5, gap 0.4.
  // Bin 2 holds 0.2 wrong and 0.25 right: mean confidence 0.225, accuracy 0.5, gap 0.275.
  // ECE = (2 × 0.4 + 2 × 0.275) / 4 = 0.3375.
  // Brier = (0.1² + 0.9² + 0.2² + 0.75²) / 4 = (0.01 + 0.81 + 0.04 + 0.5625) / 4 = 0.355625.
  const mixed = [p(0.9, true), p(0.9, false), p(0.2, false), p(0.25, true)];

  it('expected calibration error weighs each bin’s gap by its share of predictions', () => {
    expect(expectedCalibrationError(mixed)).toBeCloseTo(0.3375, 10);
  });

  it('Brier score is the mean squared distance to the outcome', () => {
    expect(brierScore(mixed)).toBeCloseTo(0.355625, 10);
  });

  it('the reliability table lists every bin with its count, mean confidence and accuracy', () => {
    const table = reliabilityTable(mixed);
    expect(table).toHaveLength(10);
    expect(table[2]).toMatchObject({ lower: 0.2, upper: 0.3, count: 2, accuracy: 0.5 });
    expect(table[2]!.confidence).toBeCloseTo(0.225, 10);
    expect(table[9]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(table[9]!.confidence).toBeCloseTo(0.9, 10);
    expect(table[5]).toEqual({ lower: 0.5, upper: 0.6, count: 0, confidence: null, accuracy: null });
  });

  it('a confident, always right predictor is perfectly calibrated; a coin flip at 0.5 too, with Brier 0.25', () => {
    expect(expectedCalibrationError([p(1, true), p(1, true)])).toBe(0);
    expect(brierScore([p(1, true), p(1, true)])).toBe(0);
    expect(expectedCalibrationError([p(0.5, true), p(0.5, false)])).toBe(0);
    expect(brierScore([p(0.5, true), p(0.5, false)])).toBe(0.25);
  });

  it('over-confidence shows: 0.8 for something right half the time is 0.3 off', () => {
    expect(expectedCalibrationError([p(0.8, true), p(0.8, false)])).toBeCloseTo(0.3, 10);
  });

  it('bins are [lower, upper) with 1 in the last, and decimal figures land where a reader expects', () => {
    expect([0, 0.09, 0.1, 0.3, 0.7, 0.99, 1].map((c) => binOf(c))).toEqual([0, 0, 1, 3, 7, 9, 9]);
  });

  it('has no figure without predictions, and refuses a confidence outside [0, 1]', () => {
    expect(calibrationOf([])).toMatchObject({ count: 0, ece: null, brier: null });
    expect(() => brierScore([p(1.2, true)])).toThrow(/outside \[0, 1\]/);
    expect(() => expectedCalibrationError([p(Number.NaN, true)])).toThrow(/outside/);
  });
});

describe('rates', () => {
  it('are hits over total, or null when there is nothing to count', () => {
    expect(rate(3, 4)).toEqual({ hits: 3, total: 4, rate: 0.75 });
    expect(rate(0, 0)).toEqual({ hits: 0, total: 0, rate: null });
  });
});
