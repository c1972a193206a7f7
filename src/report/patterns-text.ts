// What `kstory patterns list` and `kstory patterns test` print: the catalogue, and the results of the
// patterns' fixture tests, as text or (for scripts) as the values printed as JSON. Computes nothing.

import type { ChalkInstance } from 'chalk';
import type { PatternTestResult } from '../analyze/pattern-tests.ts';
import type { LoadedPattern } from '../patterns/load.ts';
import { forTerminal } from './neutralize.ts';
import { wrap } from './width.ts';

/** A line per pattern: id, severity, and its title, wrapped under itself to the width. */
export function renderPatternList(patterns: readonly LoadedPattern[], width: number): string {
  const idWidth = Math.max(...patterns.map((p) => p.id.length));
  const lines = patterns.flatMap((p) =>
    wrap(p.title, 0, width, `${p.id.padEnd(idWidth)}  ${p.severity.padEnd(8)}  `),
  );
  return `${[...lines, `${patterns.length} patterns`].join('\n')}\n`;
}

export function patternListJson(patterns: readonly LoadedPattern[]): unknown {
  return patterns.map((p) => ({
    id: p.id,
    severity: p.severity,
    status: p.status,
    title: p.title,
    file: p.file,
    tests: p.tests.length,
  }));
}

/** One line per test, the patterns that have none, and the count of passed and failed. */
export function renderPatternTests(
  given: readonly PatternTestResult[],
  patterns: readonly LoadedPattern[],
  chalk: ChalkInstance,
  width: number,
): string {
  // What a test bundle holds (its names, its messages) is shown inert.
  const results = forTerminal(given);
  const lines = results.flatMap((r) =>
    wrap(
      `${r.pattern} #${r.index + 1} ${r.match ? 'finds' : 'ignores'} ${r.bundle}: ${r.detail}`,
      0,
      width,
      `${r.passed ? chalk.green('ok  ') : chalk.red('FAIL')} `,
    ),
  );
  const untested = patterns.filter((p) => p.tests.length === 0).map((p) => p.id);
  if (untested.length > 0) lines.push(chalk.yellow(`no tests: ${untested.join(', ')}`));
  const failed = results.filter((r) => !r.passed).length;
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}
