// Renders the result of `kstory eval` as Markdown (docs/accuracy.md): how to read it, the figures
// per corpus, the reliability tables and every case with why it missed. Computes nothing.

import type { Calibration } from '../eval/metrics.ts';
import type { EvalResult } from '../eval/run.ts';
import type { CaseResult } from '../eval/score.ts';
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
import type { Renderer } from './renderer.ts';

/** Text from a bundle or an input file, safe in a table cell. */
function cell(text: string): string {
  return escapeControl(text.replace(/\s*\n\s*/g, ' '), { singleLine: true }).replaceAll('|', '\\|');
}

function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function howToRead(result: EvalResult): string[] {
  return [
    '## How to read this',
    '',
    '- **Case**: one labelled root cause. A simulator scenario declares its root as the first pattern of its',
    '  `expect.chain` (or of `expect.findings` when it has no chain) on the subject `expect.findings` gives it;',
    '  a real sample names its roots in `labels.yaml` (a kind, a regular expression for the name, a namespace',
    '  where it matters). A sample with several roots gives one case per root (`id#n`), each scored on its',
    '  own: is that root among the reported incidents’ roots, and at which rank. Its rank is 1 + the number',
    '  of incidents above it whose root is none of the sample’s labelled roots: three faults labelled in one',
    '  sample, reported as its first three incidents, are each ranked first.',
    '- **Root**: an incident’s root finding (its pattern id and subject). It is the labelled root when its',
    '  pattern is one the label names, or one that declares `refines:` one of them in the catalogue (a more',
    '  specific pattern for the same cause), and its subject is the labelled object, something the object',
    '  controls (a pod of the labelled Deployment) or a controller of it (the Deployment of a labelled pod).',
    '- **top-1 / top-3**: share of cases whose root is the first incident’s root / among the first three.',
    '  Incidents are those `kstory analyze` reports by default (transient ones left out).',
    '- **chain recall**: for scenarios that declare a causal chain, the share of its steps after the root',
    '  that are in the root’s incident (the pattern, on a subject the scenario expects it on).',
    '- **quiet / noise**: samples that must stay quiet (the healthy scenario, labels with `quiet: true`);',
    '  quiet counts those without any incident at high or critical, noise the number of such incidents.',
    '- **failed**: samples whose inputs could not be imported (or simulated) or analysed; each of their',
    '  labelled roots is a miss, and a quiet one does not count as quiet.',
    `- **calibration**: each incident’s confidence against whether its root is right, in ${describeBinning(result)}`,
    '  ([0, 0.1), …, [0.9, 1]). ECE = Σ over bins of (n in bin / N) × |observed accuracy − mean confidence|;',
    '  Brier = mean of (confidence − outcome)², outcome 1 when right (0 is perfect, always saying 0.5 scores',
    `  0.25). Measured on every reported incident at ${result.calibration.severity} or above (right when its root is a`,
    '  labelled root; on a quiet sample none is), and separately on the first incident of each sample. Samples',
    '  that could not be imported or analysed give no prediction: they count as misses in top-1 and top-3.',
    '- **why** (per case): `ranked first`; `root ranked k`; `wrong root` or `imported but no incident`, each',
    '  with where the labelled root went (found under another incident’s root, found but in no reported',
    '  incident because it was transient, not found); `not imported` with the importer’s error.',
  ];
}

/** How an incident's confidence is computed, with the model's figures. */
function howCalibrated(result: EvalResult): string[] {
  const model = result.calibration.model;
  const weights = Object.entries(model.weights)
    .map(([name, w]) => `${name} ${w.toFixed(3)}`)
    .join(', ');
  return [
    'An incident’s confidence is the probability that its root cause is right, as a logistic model gives it',
    'from what the analysis knows of the incident (src/analyze/calibration.ts): `evidence`, the log-odds of its',
    'evidence score (the root finding’s confidence from its pattern’s signals, times the geometric mean of',
    'each link’s strength × its effect’s confidence); `corroboration`, log2(1 + the effects that carry its',
    'chain); `severity`, 0 (info) to 4 (critical); `snapshot`, 1 when the bundle holds no history of its',
    'objects’ states: a snapshot (a dump, a must-gather, kubectl output), and also a bundle without any object',
    '(audit entries, logs or alerts alone), whose timeline is of requests or lines, never of the state a fault',
    'left; `coverage`, the share of the six kinds of evidence the bundle holds (objects, Events, audit entries,',
    'logs, metrics, and the history of the objects’ states): 1 for a recording of them all, 2/6 for a dump of',
    'objects and Events, 1/6 for Events alone. The fit is constrained so that stronger evidence, more',
    'corroboration or more coverage never lower the figure, and a snapshot never raises it.',
    '`npm run calibrate` fits it by penalised maximum likelihood on the simulated corpus: every scenario’s',
    'incidents at medium or above, from its recording and from each partial view of it users bring instead',
    '(`kstory eval --views`: a snapshot of its end, its objects alone, its Events alone, its logs alone, its',
    'audit log alone, the `kubectl describe` text of its pods, Deployments, nodes, autoscalers, Services,',
    'CronJobs, Jobs, claims and volumes imported back), each',
    'right when its root is the scenario’s labelled root. A view shows the state a fault left, never the',
    'change behind it (a change needs two versions): where a scenario’s root is a change, a view counts as',
    'right the first step of its chain that is not one (the crash loop a bad ConfigMap caused), as a person',
    'reading the dump would name it and as the labels of real dumps do. The penalty is the one that predicts',
    'best the scenario left out. The real samples are never used to fit it: their row in the summary and the',
    'tables below check it, on the same measure.',
    '',
    `Model: ${model.fitted_on} (${model.right} right), fitted ${model.generated_at.slice(0, 10)}, L2 penalty ${model.l2};`,
    `intercept ${model.intercept.toFixed(3)}, weights ${weights}.`,
  ];
}

function summaryTable(result: EvalResult): string[] {
  return table(
    FIGURE_HEADS,
    summaryRows(result).map(([name, s]) => figureCells(name, s)),
  );
}

function reliability(title: string, c: Calibration): string[] {
  return [
    `### ${title}`,
    '',
    `${c.count} predictions; ECE ${formatFigure(c.ece)}, Brier ${formatFigure(c.brier)}.`,
    '',
    ...table(
      ['confidence', 'n', 'mean confidence', 'observed accuracy'],
      c.bins.map((b) => [
        `${b.lower.toFixed(1)}–${b.upper.toFixed(1)}`,
        String(b.count),
        formatFigure(b.confidence),
        formatFigure(b.accuracy),
      ]),
    ),
  ];
}

/** Calibration by what evidence the bundles hold: where the confidence is too high or too low. */
function bySituation(result: EvalResult): string[] {
  const rows = summaryRows(result).flatMap(([corpus, s]) =>
    corpus === 'all'
      ? []
      : (s.calibration.bySituation ?? []).map((g) => [
          corpus,
          cell(g.situation),
          String(g.samples),
          String(g.calibration.count),
          formatFigure(meanOf(g.calibration)),
          formatFigure(accuracyOf(g.calibration)),
          formatFigure(g.calibration.ece),
          formatFigure(g.calibration.brier),
        ]),
  );
  return [
    '### By the evidence a bundle holds',
    '',
    'Every incident at medium or above, by what its bundle holds: `history` (a recording, a watch, an audit',
    'log: objects seen changing), a `snapshot` and the sources it has rows of, or the sources a bundle',
    'without any object holds alone (`audit only`, `Events+logs only`). Mean confidence above the observed',
    'accuracy is overconfidence; below it, underconfidence.',
    '',
    ...table(
      ['corpus', 'evidence', 'samples', 'n', 'mean confidence', 'observed accuracy', 'ECE', 'Brier'],
      rows,
    ),
  ];
}

/** The mean confidence and the observed accuracy over every bin of a calibration. */
function meanOf(c: Calibration): number | null {
  const bins = c.bins.filter((b) => b.count > 0);
  return c.count === 0 ? null : bins.reduce((s, b) => s + b.count * b.confidence!, 0) / c.count;
}
function accuracyOf(c: Calibration): number | null {
  const bins = c.bins.filter((b) => b.count > 0);
  return c.count === 0 ? null : bins.reduce((s, b) => s + b.count * b.accuracy!, 0) / c.count;
}

function caseRow(c: CaseResult): string[] {
  const expected = c.expected
    ? `${c.expected.patterns.map(code).join(' or ')} on ${cell(c.expected.subject)}`
    : 'quiet';
  const first = c.first
    ? `${code(c.first.pattern)} on ${cell(c.first.subject)}, ${c.first.severity.toUpperCase()} ${c.first.confidence.toFixed(2)}`
    : '(no incident)';
  return [code(c.id), c.corpus, expected, first, OUTCOME_LABELS[c.outcome], cell(c.why)];
}

export const evalMarkdownRenderer: Renderer<EvalResult> = {
  name: 'markdown',
  description: 'docs/accuracy.md',
  produces: 'document',
  flag: '--markdown',
  render: (result) => renderEvalMarkdown(result),
};

export function renderEvalMarkdown(result: EvalResult): string {
  const { selection } = result;
  const command = [
    'kstory eval',
    `--corpus ${selection.corpus}`,
    ...(selection.only.length ? [`--only ${selection.only.join(',')}`] : []),
  ].join(' ');
  const out: string[] = [
    '# Accuracy of kstory’s analysis',
    '',
    `Generated ${result.generated_at} by kstory ${result.tool_version} (${code(command)}).`,
    '`npm run eval` writes docs/accuracy.md this way over every simulator scenario and every labelled real',
    'sample: do not edit it, run `npm run eval` again.',
    '',
  ];
  const invalid = invalidNote(result);
  if (invalid) out.push(`> **${cell(invalid)}**`, '');
  const real = result.corpora.real;
  if (result.corpora.simulated)
    out.push(
      `- Simulated: ${result.corpora.simulated.samples} built-in scenarios, ${result.bundles?.reused.length ? 'simulated afresh or reused as said below' : 'simulated afresh'}.`,
    );
  const bundles = bundlesNote(result);
  if (bundles) out.push(`- ${cell(bundles)}`);
  if (real)
    out.push(
      real.skipped
        ? `- Real: ${cell(real.skipped)}.`
        : `- Real: ${real.samples} samples of \`labels.yaml\` in the real-samples folder, imported with \`kstory import\`.`,
    );
  out.push('', '## Summary', '', ...summaryTable(result), '', ...howToRead(result), '');
  out.push('## Calibration', '', ...howCalibrated(result), '');
  out.push(...reliability('Every incident at medium or above', result.summary.all.calibration.incidents), '');
  out.push(...reliability('The first incident of each sample', result.summary.all.calibration.top1), '');
  out.push(...bySituation(result), '');
  out.push(
    '## Cases',
    '',
    ...table(
      ['case', 'corpus', 'expected root', 'kstory’s first incident', 'result', 'why'],
      result.cases.map(caseRow),
    ),
  );
  if (result.unknown_patterns.length > 0) {
    out.push(
      '',
      '## Patterns named by labels that the catalogue lacks',
      '',
      `${result.unknown_patterns.map(code).join(', ')}: a root labelled with one of them is found only through another`,
      'pattern it names, or a pattern that declares `refines:` it.',
    );
  }
  return `${out.join('\n')}\n`;
}
