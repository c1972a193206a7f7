// `npm run calibrate`: fits the confidence model (src/analyze/calibration.ts) on the simulated
// corpus, every scenario recorded and seen through partial views users bring (src/eval/corpus.ts):
// each incident at medium or above, right when its root is the scenario's labelled one. The L2
// penalty is the one that predicts best the scenario left out (leave-one-scenario-out). Writes
// src/analyze/calibration-model.ts and says ECE and Brier per view before (the model in force) and
// after (each scenario predicted by the model fitted without it).
//
// `--views` names the views fitted on (comma-separated, or `all`); the default is `snapshot`, the
// fit in force. With every view, the fit is better on the simulated views and worse on the real
// samples (ECE 0.145 -> 0.184): the simulated views hold one or two kinds of evidence or all of them,
// where real dumps sit in between, so the coverage weight they teach overrates real mid-coverage
// bundles. A feature the samples cannot tell apart from another (coverage, when every view is a
// recording or its snapshot) is left out of the fit, its weight 0.
//
// The bundles are kept in bench/work/calibration-bundles (`--bundles DIR`), so a fit after a change
// of analysis only analyses them again; `--from eval.json` fits on a saved `kstory eval --corpus
// simulated --views --json` instead (its views filtered by `--views`). The real samples check it:
// `npm run eval`.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CalibrationModel,
  calibratedConfidence,
  chooseL2,
  type Feature,
  type Features,
  fitModel,
} from '../src/analyze/calibration.ts';
import { writeKubectlText } from '../src/cli/kubectl-view.ts';
import { reportError } from '../src/cli/main.ts';
import { StatusLine } from '../src/cli/status-line.ts';
import { KstoryError } from '../src/errors.ts';
import { VIEWS, type View } from '../src/eval/corpus.ts';
import { calibrationOf, type Prediction } from '../src/eval/metrics.ts';
import { type EvalResult, runEval } from '../src/eval/run.ts';
import { CALIBRATION_SEVERITY } from '../src/eval/summary.ts';
import { severityAtLeast } from '../src/vocab/severity.ts';

const output = fileURLToPath(new URL('../src/analyze/calibration-model.ts', import.meta.url));
const DEFAULT_BUNDLES = fileURLToPath(new URL('../bench/work/calibration-bundles', import.meta.url));
const RECORDING = 'recording';

const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

interface Sample {
  features: Features;
  right: boolean;
  /** The scenario: its recording and views share their incidents' story. */
  group: string;
  view: string;
  /** The confidence the model in force gave it. */
  confidence: number;
}

const status = new StatusLine(true);
try {
  const from = argument('--from');
  const bundlesDir = path.resolve(argument('--bundles') ?? DEFAULT_BUNDLES);
  const fitted = viewsOf(argument('--views') ?? 'snapshot');
  const result: EvalResult = from
    ? (JSON.parse(readFileSync(from, 'utf8')) as EvalResult)
    : await runEval({
        corpus: 'simulated',
        views: fitted,
        kubectlText: fitted.includes('kubectl') ? writeKubectlText : undefined,
        bundlesDir,
        onProgress: (text) => status.set(text),
      });
  status.done();
  if (result.bundles)
    process.stderr.write(
      `bundles in ${result.bundles.dir}: ${result.bundles.reused.length} of ${result.samples.length} reused\n`,
    );
  const simulated = result.samples.filter((s) => {
    const view = s.id.split('@')[1] as View | undefined;
    return (
      s.corpus === 'simulated' && s.status === 'analyzed' && (view === undefined || fitted.includes(view))
    );
  });
  const samples: Sample[] = simulated.flatMap((s) => {
    const [group, view = RECORDING] = s.id.split('@') as [string, string?];
    return s.incidents
      .filter((i) => severityAtLeast(i.severity, CALIBRATION_SEVERITY))
      .map((i) => {
        if (typeof i.features.coverage !== 'number')
          throw new Error(`${s.id}: its incidents have no coverage feature; evaluate again with this kstory`);
        return { features: i.features, right: i.correct, group, view, confidence: i.confidence };
      });
  });
  const scenarios = new Set(simulated.map((s) => s.id.split('@')[0]));
  const views = [...new Set(simulated.map((s) => s.id.split('@')[1]).filter((v) => v !== undefined))];
  const leftOut: Feature[] = followsFromSnapshot(samples) ? ['coverage'] : [];
  const { l2, logLoss } = chooseL2(samples, undefined, leftOut);
  const model = fitModel(samples, {
    l2,
    leftOut,
    fitted_on: `${samples.length} incidents of ${scenarios.size} simulated scenarios, recorded and seen through ${views.length} partial views (${views.join(', ')}: ${simulated.length} bundles)${leftOut.length ? `; ${leftOut.join(', ')} not fitted (it follows from snapshot in these views)` : ''}`,
  });
  writeFileSync(
    output,
    `// The fitted calibration model (src/analyze/calibration.ts). Generated by \`npm run calibrate\`: do not
// edit, fit it again.

import type { CalibrationModel } from './calibration.ts';

export const CALIBRATION_MODEL: CalibrationModel = ${JSON.stringify(model, null, 2)};
`,
  );
  process.stderr.write(
    `${output} written: ${model.right} of ${model.incidents} incidents right; L2 ${l2} (leave-one-scenario-out log-loss ${logLoss.toFixed(3)}); weights ${JSON.stringify(model.weights)}, intercept ${model.intercept}\n`,
  );
  process.stderr.write(byView(samples, outOfFold(samples, l2, leftOut)));
} catch (error) {
  status.done();
  process.exitCode = reportError(error);
}

/** Each sample's confidence by the model fitted without its scenario: what the fit promises on
 * scenarios it has not seen. */
function outOfFold(samples: readonly Sample[], l2: number, leftOut: readonly Feature[]): number[] {
  const models = new Map<string, CalibrationModel>();
  return samples.map((s) => {
    let model = models.get(s.group);
    if (!model) {
      model = fitModel(
        samples.filter((x) => x.group !== s.group),
        { l2, fitted_on: 'cross-validation', leftOut },
      );
      models.set(s.group, model);
    }
    return calibratedConfidence(s.features, model);
  });
}

/** The views named by `--views`: comma-separated names of src/eval/corpus.ts, or `all`. */
function viewsOf(text: string): View[] {
  if (text === 'all') return [...VIEWS];
  const names = text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const unknown = names.filter((v) => !(VIEWS as readonly string[]).includes(v));
  if (unknown.length || names.length === 0)
    throw new KstoryError(`--views ${text}: no such view`, {
      hint: `name views among ${VIEWS.join(', ')}, comma-separated, or all`,
    });
  return names as View[];
}

/** Whether each sample's coverage is told by its snapshot feature alone (a recording holds every
 * source, its snapshot all but the history): then the fit cannot tell their weights apart. */
function followsFromSnapshot(samples: readonly Sample[]): boolean {
  const coverageOf = new Map<number, number>();
  return samples.every((s) => {
    const known = coverageOf.get(s.features.snapshot);
    if (known === undefined) coverageOf.set(s.features.snapshot, s.features.coverage);
    return known === undefined || known === s.features.coverage;
  });
}

/** ECE and Brier per view: before (the model in force) and after (left out of the fit). */
function byView(samples: readonly Sample[], after: readonly number[]): string {
  const figure = (v: number | null) => (v === null ? '-' : v.toFixed(3));
  const lines = ['view          n  right  ECE before  ECE after  Brier before  Brier after'];
  const groups = [...new Set(samples.map((s) => s.view)), 'all'];
  for (const view of groups) {
    const at = samples.flatMap((s, i) => (view === 'all' || s.view === view ? [i] : []));
    const before = calibrationOf(
      at.map((i): Prediction => ({ confidence: samples[i]!.confidence, correct: samples[i]!.right })),
    );
    const fitted = calibrationOf(
      at.map((i): Prediction => ({ confidence: after[i]!, correct: samples[i]!.right })),
    );
    const right = at.filter((i) => samples[i]!.right).length;
    lines.push(
      `${view.padEnd(10)} ${String(at.length).padStart(4)} ${String(right).padStart(6)}  ${figure(before.ece).padStart(10)}  ${figure(fitted.ece).padStart(9)}  ${figure(before.brier).padStart(12)}  ${figure(fitted.brier).padStart(11)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
