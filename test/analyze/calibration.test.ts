// The confidence model: its features, its fit (penalised logistic regression) and the figure it gives.

import { describe, expect, it } from 'vitest';
import {
  COVERAGE_PARTS,
  calibratedConfidence,
  chooseL2,
  coverageShare,
  evidenceSituation,
  type Features,
  featuresOf,
  fitModel,
  heldEvidence,
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
    // Objects an audit log's writes left are its requests seen as objects: no history of states.
    const rebuilt = (fromAudit: number) => ({ ...holding('object', 'audit'), from_audit: fromAudit });
    expect(evidenceSituation(false, rebuilt(5))).toBe('audit only');
    expect(coverageShare(false, rebuilt(5))).toBeCloseTo(1 / 6, 9);
    expect(heldEvidence(false, rebuilt(5)).because).toContain('5 object versions rebuilt');
    // Beside objects read from the cluster (a watch), the history is theirs.
    expect(evidenceSituation(false, rebuilt(3))).toBe('history');
    expect(heldEvidence(false, rebuilt(3)).because).toBeUndefined();
    expect(heldEvidence(true, rebuilt(3))).toEqual({ situation: 'snapshot: objects+audit', coverage: 2 / 6 });
  });

  it('counts the share of the kinds of evidence a bundle holds: each source, and its history', () => {
    const holding = (...sources: string[]) => ({
      sources: (['object', 'event', 'audit', 'log', 'metric'] as const).map((source) => ({
        source,
        rows: sources.includes(source) ? 5 : 0,
      })),
    });
    expect(COVERAGE_PARTS).toBe(6);
    expect(coverageShare(false, holding('object', 'event', 'audit', 'log', 'metric'))).toBe(1);
    expect(coverageShare(true, holding('object', 'event', 'audit', 'log', 'metric'))).toBeCloseTo(5 / 6, 9);
    expect(coverageShare(true, holding('object', 'event'))).toBeCloseTo(2 / 6, 9);
    expect(coverageShare(false, holding('object'))).toBeCloseTo(2 / 6, 9);
    expect(coverageShare(false, holding('event'))).toBeCloseTo(1 / 6, 9);
    expect(coverageShare(false, holding())).toBe(0);
    expect(heldEvidence(true, holding('object', 'event'))).toEqual({
      situation: 'snapshot: objects+Events',
      coverage: 2 / 6,
    });
  });

  it('reads the evidence as log-odds, kept finite, and the effects on a log scale', () => {
    const f = featuresOf({ evidence: 0.5, effects: 3, severity: 'critical', snapshot: true, coverage: 0.5 });
    expect(f).toEqual({ evidence: 0, corroboration: 2, severity: 4, snapshot: 1, coverage: 0.5 });
    const certain = featuresOf({ evidence: 1, effects: 0, severity: 'info', snapshot: false, coverage: 1 });
    expect(Number.isFinite(certain.evidence)).toBe(true);
    expect(certain.evidence).toBeCloseTo(Math.log(0.98 / 0.02), 6);
  });
});

describe('fitting the model', () => {
  it('recovers the weights of the process that labelled the incidents', () => {
    const next = random(7);
    const truth = { intercept: -0.5, evidence: 1.5, snapshot: -1.2, coverage: 2 };
    const samples = Array.from({ length: 4000 }, () => {
      const features: Features = {
        evidence: next() * 6 - 3,
        corroboration: Math.log2(1 + Math.floor(next() * 4)),
        severity: 2 + Math.floor(next() * 3),
        snapshot: next() < 0.5 ? 1 : 0,
        coverage: Math.floor(next() * 7) / 6,
      };
      const z =
        truth.intercept +
        truth.evidence * features.evidence +
        truth.snapshot * features.snapshot +
        truth.coverage * features.coverage;
      return { features, right: next() < 1 / (1 + Math.exp(-z)) };
    });
    const model = fitModel(samples, { l2: 0.01, fitted_on: 'test' });
    expect(model.weights.evidence).toBeCloseTo(truth.evidence, 0);
    expect(model.weights.snapshot).toBeCloseTo(truth.snapshot, 0);
    expect(model.weights.coverage).toBeCloseTo(truth.coverage, 0);
    expect(Math.abs(model.weights.corroboration)).toBeLessThan(0.3);
    expect(model.incidents).toBe(4000);
  });

  it('keeps the figures off 0 and 1 when every incident was right, and ignores a constant feature', () => {
    const samples = [0.2, 0.5, 0.8].map((evidence) => ({
      features: featuresOf({ evidence, effects: 1, severity: 'high', snapshot: false, coverage: 1 }),
      right: true,
    }));
    const model = fitModel(samples, { l2: 2, fitted_on: 'test' });
    expect(model.weights.snapshot).toBe(0);
    expect(model.weights.coverage).toBe(0);
    const figure = calibratedConfidence(samples[0]!.features, model);
    expect(figure).toBeGreaterThan(0.5);
    expect(figure).toBeLessThanOrEqual(0.99);
  });

  it('holds at 0 a weight of evidence the data would make negative', () => {
    const samples = [0.2, 0.4, 0.6, 0.8].flatMap((evidence, i) =>
      [0, 1].map((k) => ({
        features: featuresOf({ evidence, effects: k, severity: 'high', snapshot: false, coverage: 1 }),
        right: (i + k) % 4 < 2 === evidence < 0.5,
      })),
    );
    const model = fitModel(samples, { l2: 0.1, fitted_on: 'test' });
    expect(model.weights.evidence).toBe(0);
  });

  it('never lets more coverage, or the history of a snapshot lacks, lower the figure', () => {
    // Incidents where bundles holding less were right more often: the data would weigh coverage
    // down and a snapshot up; both are held at 0 and the rest fitted.
    const samples = [1 / 6, 2 / 6, 4 / 6, 1].flatMap((coverage, i) =>
      [0.3, 0.6, 0.9].flatMap((evidence) =>
        [true, false].map((snapshot) => ({
          features: featuresOf({ evidence, effects: 1, severity: 'high', snapshot, coverage }),
          right: i < 2 === evidence > 0.5 || (snapshot && evidence > 0.5),
        })),
      ),
    );
    const free = fitModel(samples, { l2: 0.1, fitted_on: 'test' });
    expect(free.weights.coverage).toBe(0);
    expect(free.weights.snapshot).toBe(0);
    expect(free.weights.evidence).toBeGreaterThan(0);
  });

  it('holds at 0 the weight of a feature left out, in the fit and in the choice of its penalty', () => {
    const next = random(11);
    const samples = Array.from({ length: 800 }, (_, i) => {
      const coverage = Math.floor(next() * 7) / 6;
      const features = featuresOf({
        evidence: next(),
        effects: 0,
        severity: 'high',
        snapshot: false,
        coverage,
      });
      return { features, right: next() < coverage, group: `g${i % 10}` };
    });
    expect(fitModel(samples, { l2: 0.1, fitted_on: 'test' }).weights.coverage).toBeGreaterThan(1);
    const model = fitModel(samples, { l2: 0.1, fitted_on: 'test', leftOut: ['coverage'] });
    expect(model.weights.coverage).toBe(0);
    const free = chooseL2(samples, [0.1, 10]);
    const held = chooseL2(samples, [0.1, 10], ['coverage']);
    expect(held.logLoss).toBeGreaterThan(free.logLoss);
  });

  it('refuses to fit on nothing', () => {
    expect(() => fitModel([], { l2: 1, fitted_on: 'test' })).toThrow(/no incident/);
  });
});

describe('the shipped model', () => {
  it('never says less for stronger evidence, more corroboration or more coverage, everything else equal', () => {
    const at = (evidence: number, effects: number, coverage = 2 / 6, snapshot = true) =>
      predict(featuresOf({ evidence, effects, severity: 'high', snapshot, coverage }), CALIBRATION_MODEL);
    expect(at(0.9, 1)).toBeGreaterThanOrEqual(at(0.3, 1));
    expect(at(0.5, 3)).toBeGreaterThanOrEqual(at(0.5, 0));
    expect(at(0.5, 1, 5 / 6)).toBeGreaterThanOrEqual(at(0.5, 1, 1 / 6));
    expect(at(0.5, 1, 1, false)).toBeGreaterThanOrEqual(at(0.5, 1, 5 / 6, true));
  });

  it('gives a figure in [0.01, 0.99] with two decimals', () => {
    for (const snapshot of [false, true]) {
      const figure = calibratedConfidence(
        featuresOf({
          evidence: 0.99,
          effects: 9,
          severity: 'critical',
          snapshot,
          coverage: snapshot ? 0 : 1,
        }),
      );
      expect(figure).toBeGreaterThanOrEqual(0.01);
      expect(figure).toBeLessThanOrEqual(0.99);
      expect(Math.round(figure * 100) / 100).toBe(figure);
    }
  });
});
