// The figures of an evaluation, from its scored samples: root-cause accuracy at ranks 1 and 3,
// chain recall, noise on what must stay quiet, and calibration of the confidence figures.

import { severityAtLeast } from '../vocab/severity.ts';
import { CORPORA, type CorpusName } from './corpus.ts';
import { type Calibration, calibrationOf, type Prediction, type Rate, rate } from './metrics.ts';
import type { SampleResult } from './score.ts';

export interface EvalSummary {
  /** Labelled root causes (cases), and those ranked first / in the first three. */
  top1: Rate;
  top3: Rate;
  /** Chain steps after the root found in the root's incident, over every expected step. */
  chainRecall: Rate;
  /** Samples that must stay quiet, those that did, and the incidents at high or above on them. */
  quiet: Rate & { noise: number };
  /** Samples whose inputs could not be imported (or simulated) or analysed. */
  failed: number;
  calibration: {
    /** Every reported incident at medium or above, right when its root is a labelled one. */
    incidents: Calibration;
    /** The first incident of each analysed sample that reported one. */
    top1: Calibration;
    /** Every reported incident at medium or above, by what evidence its bundle holds (history, a
     * snapshot of objects and Events, logs alone…), the situations sorted by name. */
    bySituation: { situation: string; samples: number; calibration: Calibration }[];
  };
}

/** Incidents below this severity are kept out of calibration: they are leads, not conclusions. */
export const CALIBRATION_SEVERITY = 'medium';

export function summarizeSamples(samples: readonly SampleResult[]): EvalSummary {
  const cases = samples.flatMap((s) => s.cases);
  const rooted = cases.filter((c) => c.expected !== null);
  const quiet = cases.filter((c) => c.expected === null);
  const chained = cases.flatMap((c) => (c.chain ? [c.chain] : []));
  const analysed = samples.filter((s) => s.status === 'analyzed');
  const predict = (i: { confidence: number; correct: boolean }): Prediction => ({
    confidence: i.confidence,
    correct: i.correct,
  });
  return {
    top1: rate(rooted.filter((c) => c.rank === 1).length, rooted.length),
    top3: rate(rooted.filter((c) => c.rank !== null && c.rank <= 3).length, rooted.length),
    chainRecall: rate(
      chained.reduce((n, c) => n + c.found.length, 0),
      chained.reduce((n, c) => n + c.expected.length, 0),
    ),
    quiet: {
      ...rate(quiet.filter((c) => c.outcome === 'quiet').length, quiet.length),
      noise: quiet.reduce((n, c) => n + (c.noise ?? 0), 0),
    },
    failed: samples.length - analysed.length,
    calibration: {
      incidents: calibrationOf(
        analysed.flatMap((s) =>
          s.incidents.filter((i) => severityAtLeast(i.severity, CALIBRATION_SEVERITY)).map(predict),
        ),
      ),
      top1: calibrationOf(analysed.flatMap((s) => (s.incidents[0] ? [predict(s.incidents[0])] : []))),
      bySituation: [...new Set(analysed.map((s) => s.situation ?? 'unknown'))].sort().map((situation) => {
        const own = analysed.filter((s) => (s.situation ?? 'unknown') === situation);
        return {
          situation,
          samples: own.length,
          calibration: calibrationOf(
            own.flatMap((s) =>
              s.incidents.filter((i) => severityAtLeast(i.severity, CALIBRATION_SEVERITY)).map(predict),
            ),
          ),
        };
      }),
    },
  };
}

/** The summary of every sample, and of each corpus that has samples. */
export function summarizeByCorpus(
  samples: readonly SampleResult[],
): { all: EvalSummary } & Partial<Record<CorpusName, EvalSummary>> {
  const out: { all: EvalSummary } & Partial<Record<CorpusName, EvalSummary>> = {
    all: summarizeSamples(samples),
  };
  for (const corpus of CORPORA) {
    const own = samples.filter((s) => s.corpus === corpus);
    if (own.length > 0) out[corpus] = summarizeSamples(own);
  }
  return out;
}
