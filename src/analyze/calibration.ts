// An incident's confidence as a probability: what the analysis knows of it (the evidence score of
// its root and chain, how many effects corroborate it, how grave it is, how much of a cluster's
// evidence the bundle holds) mapped to the chance that its root cause is right by a logistic model
// fitted on labelled incidents (scripts/calibrate.ts).

import type { Severity } from '../vocab/severity.ts';
import { CALIBRATION_MODEL } from './calibration-model.ts';
import type { Coverage } from './report.ts';

/** What the model reads of an incident, each a number computed the same way when fitting. */
export const FEATURES = ['evidence', 'corroboration', 'severity', 'snapshot', 'coverage'] as const;
export type Feature = (typeof FEATURES)[number];
export type Features = Record<Feature, number>;

export interface CalibrationModel {
  /** What the model was fitted on and when (shown in docs/accuracy.md). */
  fitted_on: string;
  generated_at: string;
  incidents: number;
  right: number;
  /** The L2 penalty on the weights (not on the intercept) that keeps a small corpus from being
   * learnt by heart. */
  l2: number;
  intercept: number;
  weights: Features;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Keeps the logit finite: the evidence score is a product of figures in [0.05, 0.99]. */
const EVIDENCE_FLOOR = 0.02;
const EVIDENCE_CEILING = 0.98;

/**
 * The numbers the model reads: `evidence`, the log-odds of the evidence score (the root finding's
 * confidence times the geometric mean of its links); `corroboration`, log2(1 + effects that carry
 * the chain), since the first corroborating effect says more than the tenth; `severity`, 0 (info)
 * to 4 (critical); `snapshot`, 1 when the bundle has no history (a dump, a must-gather);
 * `coverage`, the share of a cluster's kinds of evidence the bundle holds (coverageShare).
 */
export function featuresOf(input: {
  evidence: number;
  effects: number;
  severity: Severity;
  snapshot: boolean;
  coverage: number;
}): Features {
  const p = Math.min(EVIDENCE_CEILING, Math.max(EVIDENCE_FLOOR, input.evidence));
  return {
    evidence: Math.log(p / (1 - p)),
    corroboration: Math.log2(1 + input.effects),
    severity: SEVERITY_RANK[input.severity],
    snapshot: input.snapshot ? 1 : 0,
    coverage: input.coverage,
  };
}

/** The rows a bundle holds of each source (Coverage.sources), and of its objects those an import
 * rebuilt from an audit log's writes (Coverage.from_audit, none when not said). */
type HeldSources = {
  sources: readonly Pick<Coverage['sources'][number], 'source' | 'rows'>[];
  from_audit?: number;
};

/** The sources a bundle holds rows of as its own evidence: object versions rebuilt from an audit
 * log's writes are the audit's, not objects read from the API (a recording's history, a dump). */
function heldSources(coverage: HeldSources): Set<string> {
  const fromAudit = coverage.from_audit ?? 0;
  return new Set(
    coverage.sources
      .filter((s) => (s.source === 'object' ? s.rows - fromAudit : s.rows) > 0)
      .map((s) => s.source),
  );
}

/** The sources a situation names, in this order, by the word it uses. */
const SOURCE_WORDS: Record<Coverage['sources'][number]['source'], string> = {
  object: 'objects',
  event: 'Events',
  log: 'logs',
  metric: 'metrics',
  audit: 'audit',
};

/**
 * The evidence a bundle holds, named as a situation: `history` for one with a timeline of its
 * objects' states (a recording, a watch); `snapshot:` and the sources it holds rows of for a snapshot
 * (`snapshot: objects+Events`); for a bundle without any object, the sources it holds alone
 * (`audit only`, `Events+logs only`), whose timeline is of requests or lines, never of the state a
 * fault left. An audit log's writes may leave objects (Request and RequestResponse levels): they are
 * its requests seen as objects, only the versions some write left, and count as the audit's. The
 * confidence says it, and calibration is told apart by it.
 */
export function evidenceSituation(snapshot: boolean, coverage: HeldSources): string {
  const held = heldSources(coverage);
  const words = (Object.keys(SOURCE_WORDS) as (keyof typeof SOURCE_WORDS)[])
    .filter((source) => held.has(source))
    .map((source) => SOURCE_WORDS[source]);
  if (snapshot) return `snapshot: ${words.length > 0 ? words.join('+') : 'nothing'}`;
  if (held.has('object')) return 'history';
  return words.length > 0 ? `${words.join('+')} only` : 'nothing';
}

/**
 * Whether the calibration reads the bundle as one without the history of its objects' states: a
 * snapshot, and also a bundle that holds no object at all (audit entries, logs or alerts alone).
 * The model's history term was fitted on recordings, which hold every object's versions; a bundle
 * without them is not one.
 */
export function withoutStateHistory(snapshot: boolean, coverage: HeldSources): boolean {
  return evidenceSituation(snapshot, coverage) !== 'history';
}

/** What the calibration reads of the evidence a bundle holds: its situation (evidenceSituation)
 * and its coverage (coverageShare). */
export interface HeldEvidence {
  situation: string;
  coverage: number;
  /** Why the situation is not what the bundle's sources seem to say, when it is not. */
  because?: string;
}

/** A bundle's evidence as the calibration reads it. */
export function heldEvidence(snapshot: boolean, coverage: HeldSources): HeldEvidence {
  const held = {
    situation: evidenceSituation(snapshot, coverage),
    coverage: coverageShare(snapshot, coverage),
  };
  const fromAudit = coverage.from_audit ?? 0;
  if (held.situation === evidenceSituation(snapshot, { ...coverage, from_audit: 0 })) return held;
  const versions = `${fromAudit} object version${fromAudit === 1 ? '' : 's'}`;
  return {
    ...held,
    because: `${versions} rebuilt from the audit log's writes, only what each write left, not a history of states`,
  };
}

/** What a recording holds, when nothing says otherwise: every source and their history. */
export const FULL_EVIDENCE: HeldEvidence = { situation: 'history', coverage: 1 };

/** The kinds of evidence coverage counts: each source a bundle may hold rows of, and the history of
 * its objects' states (a recording's timeline rather than a snapshot's last versions). */
export const COVERAGE_PARTS = Object.keys(SOURCE_WORDS).length + 1;

/**
 * The share of those kinds the bundle holds, in [0, 1]: a recording of every source is 1, a dump of
 * objects and Events 2/6, Events alone 1/6. Partial evidence hides causes (the change of a ConfigMap
 * a snapshot cannot show, the OOM kill no Event was kept of), so the model reads it; it may never
 * lower a confidence for holding more (fitModel's signs).
 */
export function coverageShare(snapshot: boolean, coverage: HeldSources): number {
  const held = heldSources(coverage);
  const sources = (Object.keys(SOURCE_WORDS) as (keyof typeof SOURCE_WORDS)[]).filter((s) => held.has(s));
  const history = evidenceSituation(snapshot, coverage) === 'history' ? 1 : 0;
  return (sources.length + history) / COVERAGE_PARTS;
}

/** The model's probability for these features. */
export function predict(features: Features, model: CalibrationModel = CALIBRATION_MODEL): number {
  let z = model.intercept;
  for (const name of FEATURES) z += model.weights[name] * features[name];
  return 1 / (1 + Math.exp(-z));
}

/** The figure reported: the probability, kept off 0 and 1 (no analysis is ever certain), two decimals. */
export function calibratedConfidence(
  features: Features,
  model: CalibrationModel = CALIBRATION_MODEL,
): number {
  return Math.round(Math.min(0.99, Math.max(0.01, predict(features, model))) * 100) / 100;
}

/**
 * Fits the model by maximum likelihood with an L2 penalty on the weights (Newton's method: the
 * problem is convex and small, so a few steps reach the optimum). Features are centred and scaled
 * for the fit, and the weights returned for the raw features.
 */
/** How to fit: the L2 penalty, what the model says it was fitted on, and the features the corpus
 * cannot teach (their weights held at 0, as if the feature were absent). */
export interface FitOptions {
  l2: number;
  fitted_on: string;
  leftOut?: readonly Feature[];
}

export function fitModel(
  samples: readonly { features: Features; right: boolean }[],
  options: FitOptions,
): CalibrationModel {
  // Stronger evidence, more corroboration and more of the cluster's evidence never lower the
  // figure: a weight the data would give the wrong sign is held at 0 (its feature left out) and the
  // others fitted again.
  const held = new Set<Feature>(options.leftOut);
  for (;;) {
    const model = fitFree(samples, options, held);
    const wrong = (Object.keys(MONOTONE) as Feature[]).filter(
      (f) => !held.has(f) && model.weights[f] * MONOTONE[f]! < 0,
    );
    if (wrong.length === 0) return model;
    for (const f of wrong) held.add(f);
  }
}

/** The sign each constrained weight must have: more evidence, corroboration or coverage raise the
 * figure; a snapshot (no history), the less of coverage, never raises it. */
const MONOTONE: Partial<Record<Feature, 1 | -1>> = {
  evidence: 1,
  corroboration: 1,
  coverage: 1,
  snapshot: -1,
};

function fitFree(
  samples: readonly { features: Features; right: boolean }[],
  options: FitOptions,
  held: ReadonlySet<Feature>,
): CalibrationModel {
  const n = samples.length;
  if (n === 0) throw new RangeError('no incident to fit the calibration on');
  const d = FEATURES.length;
  const mean = FEATURES.map((f) => samples.reduce((s, x) => s + x.features[f], 0) / n);
  const scale = FEATURES.map((f, j) => {
    const variance = samples.reduce((s, x) => s + (x.features[f] - mean[j]!) ** 2, 0) / n;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  const rows = samples.map((x) => [
    1,
    ...FEATURES.map((f, j) => (held.has(f) ? 0 : (x.features[f] - mean[j]!) / scale[j]!)),
  ]);
  const y = samples.map((x) => (x.right ? 1 : 0));
  let beta = new Array<number>(d + 1).fill(0);
  for (let step = 0; step < 50; step++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    rows.forEach((x, i) => {
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, j) => s + v * beta[j]!, 0)));
      const w = p * (1 - p);
      for (let j = 0; j <= d; j++) {
        gradient[j]! += (y[i]! - p) * x[j]!;
        for (let k = 0; k <= d; k++) hessian[j]![k]! += w * x[j]! * x[k]!;
      }
    });
    for (let j = 1; j <= d; j++) {
      gradient[j]! -= options.l2 * beta[j]!;
      hessian[j]![j]! += options.l2;
    }
    const delta = solve(hessian, gradient);
    beta = beta.map((b, j) => b + delta[j]!);
    if (Math.max(...delta.map(Math.abs)) < 1e-9) break;
  }
  const weights = Object.fromEntries(FEATURES.map((f, j) => [f, beta[j + 1]! / scale[j]!])) as Features;
  const intercept = beta[0]! - FEATURES.reduce((s, f, j) => s + weights[f] * mean[j]!, 0);
  return {
    fitted_on: options.fitted_on,
    generated_at: new Date().toISOString(),
    incidents: n,
    right: y.reduce<number>((s, v) => s + v, 0),
    l2: options.l2,
    intercept: round6(intercept),
    weights: Object.fromEntries(FEATURES.map((f) => [f, round6(weights[f])])) as Features,
  };
}

/** The penalties `chooseL2` tries. */
export const L2_GRID = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16] as const;

/**
 * The penalty that predicts best what it was not fitted on: for each group (a scenario, whose
 * recording and snapshot share their incidents' story), fit on the others and score the group's
 * incidents by log-loss; the penalty with the lowest mean wins.
 */
export function chooseL2(
  samples: readonly { features: Features; right: boolean; group: string }[],
  grid: readonly number[] = L2_GRID,
  leftOut: readonly Feature[] = [],
): { l2: number; logLoss: number } {
  const groups = [...new Set(samples.map((s) => s.group))];
  let best = { l2: grid[0]!, logLoss: Number.POSITIVE_INFINITY };
  for (const l2 of grid) {
    let loss = 0;
    for (const group of groups) {
      const rest = samples.filter((s) => s.group !== group);
      if (rest.length === 0) continue;
      const model = fitModel(rest, { l2, fitted_on: 'cross-validation', leftOut });
      for (const s of samples.filter((x) => x.group === group)) {
        const p = Math.min(0.99, Math.max(0.01, predict(s.features, model)));
        loss -= Math.log(s.right ? p : 1 - p);
      }
    }
    const logLoss = loss / samples.length;
    if (logLoss < best.logLoss) best = { l2, logLoss };
  }
  return best;
}

/** Gaussian elimination with partial pivoting; the penalised Hessian is positive definite. */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / p;
      for (let c = col; c <= n; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
