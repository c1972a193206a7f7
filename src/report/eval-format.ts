// Formatting shared by the renderers of `kstory eval` (text and Markdown): rates, figures, the
// label of each outcome, and how calibration was binned.

import type { Rate } from '../eval/metrics.ts';
import type { EvalResult } from '../eval/run.ts';
import type { Outcome } from '../eval/score.ts';
import type { EvalSummary } from '../eval/summary.ts';

/** A root ranked first is a hit; ranked lower it counts at top-3 (rank ≤ 3) only; every other
 * outcome of a labelled root is a miss, its reason in the case's `why`. */
export const OUTCOME_LABELS: Record<Outcome, string> = {
  hit: 'hit',
  ranked: 'ranked',
  'wrong-root': 'miss',
  'no-incident': 'miss',
  'not-imported': 'miss',
  'not-analyzed': 'miss',
  quiet: 'quiet',
  noisy: 'noisy',
};

/** `35/39 (90%)`, or `-` when there is nothing to count. */
export function formatRate(rate: Rate): string {
  return rate.rate === null ? '-' : `${rate.hits}/${rate.total} (${Math.round(rate.rate * 100)}%)`;
}

/** A figure in [0, 1] with two decimals (three below 0.01, so that a small error is not shown as 0). */
export function formatFigure(value: number | null): string {
  if (value === null) return '-';
  return value > 0 && value < 0.01 ? value.toFixed(3) : value.toFixed(2);
}

export function describeBinning(result: EvalResult): string {
  return `${result.calibration.bins} equal-width confidence bins over [0, 1]`;
}

/** The summary of each corpus that has samples, and of all when there are several. */
export function summaryRows(result: EvalResult): [string, EvalSummary][] {
  const rows: [string, EvalSummary][] = [];
  if (result.summary.simulated) rows.push(['simulated', result.summary.simulated]);
  if (result.summary.real) rows.push(['real', result.summary.real]);
  if (rows.length !== 1) rows.push(['all', result.summary.all]);
  return rows;
}

/** What each of figureCells is; the first names the corpus. */
export const FIGURE_HEADS = [
  'corpus',
  'top-1',
  'top-3',
  'chain recall',
  'quiet',
  'noise',
  'failed',
  'ECE',
  'Brier',
];

/** One corpus's figures, in the order of FIGURE_HEADS. */
export function figureCells(name: string, s: EvalSummary): string[] {
  return [
    name,
    formatRate(s.top1),
    formatRate(s.top3),
    formatRate(s.chainRecall),
    formatRate(s.quiet),
    String(s.quiet.noise),
    String(s.failed),
    formatFigure(s.calibration.incidents.ece),
    formatFigure(s.calibration.incidents.brier),
  ];
}

/** With --bundles, how many bundles were already there and analysed again without being built. */
export function bundlesNote(result: EvalResult): string | null {
  const kept = result.bundles;
  if (!kept) return null;
  const total = result.samples.length;
  const reused = kept.reused.length;
  if (reused === 0) return `Bundles: all ${total} built, kept in ${kept.dir}.`;
  const which = reused === total ? `all ${total}` : `${reused} of ${total}`;
  const shown = kept.reused.slice(0, 5).join(', ');
  const more = reused > 5 ? ` and ${reused - 5} more` : '';
  return `Bundles: ${which} reused from ${kept.dir} (${shown}${more}): built from the same code and inputs, analysed again without being built${reused < total ? `; ${total - reused} built` : ''}.`;
}

/** Said first when kstory's code, patterns or the labels changed during the run, else null. */
export function invalidNote(result: EvalResult): string | null {
  const changed = result.changed_during_run ?? [];
  if (changed.length === 0) return null;
  const shown = changed.slice(0, 5).join(', ');
  const more = changed.length > 5 ? ` and ${changed.length - 5} more` : '';
  return `These results are invalid: ${changed.length} file${changed.length === 1 ? '' : 's'} of kstory's code, patterns or labels changed while the evaluation ran (${shown}${more}), so its samples were analysed by different versions. Run it again on a tree nothing changes meanwhile.`;
}
