// The confidence model: its features, its fit (penalised logistic regression) and the figure it gives.

import { describe, expect, it } from 'vitest';
import {
  calibratedConfidence,
  evidenceSituation,
  type Features,
  featuresOf,
  fitModel,
  predict,
  withoutStateHistory,
} from '../../src/analyze/calibration.ts';
import { CALIBRATION_MODEL } from '../../src/analyze/calibration-model.ts';

/** A deterministic pseudo-random sequence, so that the fitted figures are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('calibration features', () => {
  it('read a bundle without any object as one without the history of their states, like a snapshot', () => {
    const holding = (...sources: string[]) =>
      ({
        sources: ['object', 'event', 'audit', 'log', 'metric'].map((source) => ({
          source,
          rows: sources.includes(source) ? 5 : 0,
        })),
      }) as unknown as Parameters<typeof withoutStateHistory>[1];
    // A recording, and a watch of objects alone: their states' history is there.
    expect(withoutStateHistory(false, holding('object', 'event', 'log', 'metric'))).toBe(false);
    expect(withoutStateHistory(false, holding('object'))).toBe(false);
    // Audit entries or logs alone have a timeline, of requests or lines, not of states.
    expect(withoutStateHistory(false, holding('audit'))).toBe(true);
    expect(withoutStateHistory(false, holding('log', 'event'))).toBe(true);
    expect(withoutStateHistory(true, holding('object', 'event'))).toBe(true);
  });

  it('names the evidence a bundle holds: its history, a snapshot of its sources, or a source alone', () => {
    const holding = (...sources: string[]) => ({
      sources: (['object', 'event', 'audit', 'log', 'metric'] as const).map((source) => ({
        source,
        rows: sources.includes(source) ? 5 : 0,
        in_window: 0,
      })),
    });
    expect(evidenceSituation(false, holding('object', 'event', 'log'))).toBe('history');
    expect(evidenceSituation(true, holding('object', 'event'))).toBe('snapshot: objects+Events');
    expect(evidenceSituation(true, holding('log'))).toBe('snapshot: logs');
    expect(evidenceSituation(false, holding('audit'))).toBe('audit only');
    expect(evidenceSituation(false, holding('log'))).toBe('logs only');
    expect(evidenceSituation(false, holding('event', 'log'))).toBe('Events+logs only');
    expect(evidenceSituation(false, holding())).toBe('nothing');
  });

  it('reads the evidence as log-odds, kept finite, and the effects on a log scale', () => {
    const f = featuresOf({ evidence: 0.5, effects: 3, severity: 'critical', snapshot: true });
    expect(f).toEqual({ evidence: 0, corroboration: 2, severity: 4, snapshot: 1 });
    const certain = featuresOf({ evidence: 1, effects: 0, severity: 'info', snapshot: false });
    expect(Number.isFinite(certain.evidence)).toBe(true);
    expect(certain.evidence).toBeCloseTo(Math.log(0.98 / 0.02), 6);
  });
});

describe('fitting the model', () => {
  it('recovers the weights of the process that labelled the incidents', () => {
    const next = random(7);
    const truth = { intercept: -0.5, evidence: 1.5, snapshot: -1.2 };
    const samples = Array.from({ length: 4000 }, () => {
      const features: Features = {
        evidence: next() * 6 - 3,
        corroboration: Math.log2(1 + Math.floor(next() * 4)),
        severity: 2 + Math.floor(next() * 3),
        snapshot: next() < 0.5 ? 1 : 0,
      };
      const z = truth.intercept + truth.evidence * features.evidence + truth.snapshot * features.snapshot;
      return { features, right: next() < 1 / (1 + Math.exp(-z)) };
    });
    const model = fitModel(samples, { l2: 0.01, fitted_on: 'test' });
    expect(model.weights.evidence).toBeCloseTo(truth.evidence, 0);
    expect(model.weights.snapshot).toBeCloseTo(truth.snapshot, 0);
    expect(Math.abs(model.weights.corroboration)).toBeLessThan(0.3);
    expect(model.incidents).toBe(4000);
  });

  it('keeps the figures off 0 and 1 when every incident was right, and ignores a constant feature', () => {
    const samples = [0.2, 0.5, 0.8].map((evidence) => ({
      features: featuresOf({ evidence, effects: 1, severity: 'high', snapshot: false }),
      right: true,
    }));
    const model = fitModel(samples, { l2: 2, fitted_on: 'test' });
    expect(model.weights.snapshot).toBe(0);
    const figure = calibratedConfidence(samples[0]!.features, model);
    expect(figure).toBeGreaterThan(0.5);
    expect(figure).toBeLessThanOrEqual(0.99);
  });

  it('holds at 0 a weight of evidence the data would make negative', () => {
    const samples = [0.2, 0.4, 0.6, 0.8].flatMap((evidence, i) =>
      [0, 1].map((k) => ({
        features: featuresOf({ evidence, effects: k, severity: 'high', snapshot: false }),
        right: (i + k) % 4 < 2 === evidence < 0.5,
      })),
    );
    const model = fitModel(samples, { l2: 0.1, fitted_on: 'test' });
    expect(model.weights.evidence).toBe(0);
  });

  it('refuses to fit on nothing', () => {
    expect(() => fitModel([], { l2: 1, fitted_on: 'test' })).toThrow(/no incident/);
  });
});

describe('the shipped model', () => {
  it('never says less for stronger evidence or more corroboration, everything else equal', () => {
    const at = (evidence: number, effects: number) =>
      predict(featuresOf({ evidence, effects, severity: 'high', snapshot: true }), CALIBRATION_MODEL);
    expect(at(0.9, 1)).toBeGreaterThanOrEqual(at(0.3, 1));
    expect(at(0.5, 3)).toBeGreaterThanOrEqual(at(0.5, 0));
  });

  it('gives a figure in [0.01, 0.99] with two decimals', () => {
    for (const snapshot of [false, true]) {
      const figure = calibratedConfidence(
        featuresOf({ evidence: 0.99, effects: 9, severity: 'critical', snapshot }),
      );
      expect(figure).toBeGreaterThanOrEqual(0.01);
      expect(figure).toBeLessThanOrEqual(0.99);
      expect(Math.round(figure * 100) / 100).toBe(figure);
    }
  });
});
