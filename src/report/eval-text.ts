// Renders the result of `kstory eval` for a terminal: one case per labelled root cause (what
// happened and why, what was expected, what was ranked first), then the figures per corpus and the
// reliability table, fitted to the width. Computes nothing.

import type { ChalkInstance } from 'chalk';
import type { EvalResult } from '../eval/run.ts';
import type { CaseResult, Outcome } from '../eval/score.ts';
import { escapeControl } from './escape.ts';
import {
  bundlesNote,
  describeBinning,
  FIGURE_HEADS,
  figureCells,
  formatFigure,
  invalidNote,
  OUTCOME_LABELS,
  summaryRows,
} from './eval-format.ts';
import { forTerminal } from './neutralize.ts';
import type { RenderContext, Renderer } from './renderer.ts';
import { padEnd, padStart, truncate, wrap } from './width.ts';

export const evalTextRenderer: Renderer<EvalResult> = {
  name: 'text',
  description: 'each case, then the figures, for a terminal',
  produces: 'terminal',
  render: (result, context) => renderEvalText(forTerminal(result), context),
};

const INDENT = 7;

/** Text from a bundle or an input file on one line, its control characters made visible. */
const line = (text: string) => escapeControl(text.replace(/\s*\n\s*/g, ' '), { singleLine: true });

function outcomeLabel(outcome: Outcome, chalk: ChalkInstance): string {
  const label = padEnd(OUTCOME_LABELS[outcome], INDENT - 1);
  if (outcome === 'hit' || outcome === 'quiet') return chalk.green(label);
  if (outcome === 'ranked') return chalk.yellow(label);
  return chalk.red(label);
}

function renderCase(c: CaseResult, { chalk, width }: RenderContext): string[] {
  const expected = c.expected
    ? `expected: ${c.expected.patterns.join(' | ')} on ${c.expected.subject}`
    : 'expected: quiet (nothing at high or above)';
  const first = c.first
    ? `first:    ${c.first.pattern} on ${c.first.subject} · ${c.first.severity.toUpperCase()} ${c.first.confidence.toFixed(2)}`
    : 'first:    (no incident)';
  const [head, ...rest] = wrap(line(`${c.id} · ${c.why}`), INDENT, width);
  return [
    `${outcomeLabel(c.outcome, chalk)} ${head!.slice(INDENT)}`,
    ...rest,
    ...[expected, first].map((text) => chalk.dim(truncate(`${' '.repeat(INDENT)}${line(text)}`, width))),
  ];
}

/** The figures with a column per corpus, so that three corpora fit in 80 columns. */
function renderFigures(result: EvalResult, chalk: ChalkInstance): string[] {
  const columns = summaryRows(result).map(([name, s]) => figureCells(name, s));
  const widths = columns.map((cells) => Math.max(...cells.map((c) => c.length)));
  const label = Math.max(...FIGURE_HEADS.map((h) => h.length));
  return FIGURE_HEADS.map((head, i) => {
    const row = `${padEnd(i === 0 ? '' : head, label)}  ${columns.map((cells, j) => padStart(cells[i]!, widths[j]!)).join('  ')}`;
    return i === 0 ? chalk.bold(row) : row;
  });
}

function renderReliability(result: EvalResult, chalk: ChalkInstance, width: number): string[] {
  const { incidents, top1 } = result.summary.all.calibration;
  const lines = [
    chalk.bold('Calibration'),
    `  ${describeBinning(result)}`,
    `  incidents at ${result.calibration.severity} or above: n=${incidents.count}, ECE ${formatFigure(incidents.ece)}, Brier ${formatFigure(incidents.brier)}`,
    `  first incident of each sample: n=${top1.count}, ECE ${formatFigure(top1.ece)}, Brier ${formatFigure(top1.brier)}`,
    `  ${padEnd('confidence', 11)} ${padStart('n', 4)}  ${padStart('mean conf', 9)}  ${padStart('right', 6)}`,
  ];
  for (const bin of incidents.bins) {
    if (bin.count === 0) continue;
    lines.push(
      `  ${padEnd(`${bin.lower.toFixed(1)}–${bin.upper.toFixed(1)}`, 11)} ${padStart(String(bin.count), 4)}  ${padStart(formatFigure(bin.confidence), 9)}  ${padStart(formatFigure(bin.accuracy), 6)}`,
    );
  }
  const situations = result.summary.all.calibration.bySituation ?? [];
  if (situations.length > 0) lines.push('  by the evidence a bundle holds:');
  for (const g of situations) {
    const text = `${line(g.situation)}: ${g.samples} sample${g.samples === 1 ? '' : 's'}, n=${g.calibration.count}, ECE ${formatFigure(g.calibration.ece)}, Brier ${formatFigure(g.calibration.brier)}`;
    lines.push(...wrap(text, 4, width));
  }
  return lines;
}

export function renderEvalText(result: EvalResult, context: RenderContext): string {
  const { chalk, width } = context;
  const real = result.corpora.real;
  const corpora = [
    result.corpora.simulated &&
      `simulated: ${result.corpora.simulated.samples} scenario${result.corpora.simulated.samples === 1 ? '' : 's'}`,
    real && (real.skipped ?? `real: ${real.samples} samples from ${real.dir}`),
  ].filter((c): c is string => typeof c === 'string');
  const lines: string[] = [chalk.bold(`kstory eval ${result.tool_version}`)];
  const invalid = invalidNote(result);
  if (invalid) lines.push(...wrap(invalid, 2, width).map((l) => chalk.red(l)));
  for (const corpus of corpora) lines.push(...wrap(line(corpus), 2, width));
  const bundles = bundlesNote(result);
  if (bundles) lines.push(...wrap(line(bundles), 2, width));
  lines.push('', ...result.cases.flatMap((c) => renderCase(c, context)), '');
  lines.push(...renderFigures(result, chalk), '', ...renderReliability(result, chalk, width));
  if (invalid) lines.push('', ...wrap(invalid, 0, width).map((l) => chalk.red(l)));
  if (result.unknown_patterns.length > 0) {
    lines.push(
      '',
      ...wrap(`Labels name patterns the catalogue lacks: ${result.unknown_patterns.join(', ')}`, 0, width),
    );
  }
  return `${lines.join('\n')}\n`;
}
