// Runs the fixture tests a pattern declares (`tests:` in its YAML): each names a bundle and whether
// the pattern must find something in it (a subject, a variant) or nothing at all. Used by
// `kstory patterns test` for the user's own patterns and by kstory's test suite for the catalogue.
// It runs the analysis, so it sits beside it, above the pattern language it tests.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_PATTERNS_DIR, type LoadedPattern } from '../patterns/load.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { openBundle } from '../views/open.ts';
import { formatObjectPath } from '../vocab/object-ref.ts';
import { Relations } from './relations.ts';
import type { ReportFinding } from './report.ts';
import { analyzeBundle } from './run.ts';

export interface PatternTestResult {
  pattern: string;
  /** Index of the test in the pattern's `tests:` list. */
  index: number;
  bundle: string;
  match: boolean;
  passed: boolean;
  /** What was found (or missing), one line. */
  detail: string;
}

/** Built-in patterns name bundles relative to the project; user patterns relative to their file. */
export function testBundlePath(pattern: LoadedPattern, bundle: string): string {
  if (path.isAbsolute(bundle)) return bundle;
  const builtin = path.dirname(pattern.file) === BUILTIN_PATTERNS_DIR;
  return path.resolve(builtin ? PACKAGE_ROOT : path.dirname(pattern.file), bundle);
}

/**
 * Each bundle is analysed once, with every pattern that has a test on it (and `all`, so that
 * transient problems count): a pattern test checks detection, not ranking.
 */
export async function runPatternTests(
  patterns: readonly LoadedPattern[],
  options: { patternDirs?: string[]; onBundle?: (bundle: string) => void } = {},
): Promise<PatternTestResult[]> {
  const byBundle = new Map<string, { pattern: LoadedPattern; index: number }[]>();
  for (const pattern of patterns) {
    pattern.tests.forEach((_, index) => {
      const file = testBundlePath(pattern, pattern.tests[index]!.bundle);
      byBundle.set(file, [...(byBundle.get(file) ?? []), { pattern, index }]);
    });
  }
  const results: PatternTestResult[] = [];
  for (const [file, tests] of byBundle) {
    if (!existsSync(file)) {
      // A test whose bundle is not there yet (a new pattern's) fails, and the others still run.
      for (const { pattern, index } of tests)
        results.push({
          pattern: pattern.id,
          index,
          bundle: file,
          match: pattern.tests[index]!.expect.match,
          passed: false,
          detail: 'no such bundle: make it with kstory simulate, record or import',
        });
      continue;
    }
    options.onBundle?.(file);
    const bundle = await openBundle([file]);
    try {
      const ids = [...new Set(tests.map((t) => t.pattern.id))];
      const report = await analyzeBundle(bundle, { only: ids, all: true, patternDirs: options.patternDirs });
      const relations = await Relations.load(bundle);
      for (const { pattern, index } of tests) {
        const { expect } = pattern.tests[index]!;
        const found = report.findings.filter(
          (f) =>
            f.pattern === pattern.id &&
            (expect.subject === undefined || relations.concerns(f.subject, expect.subject)) &&
            (expect.variant === undefined || f.variant === expect.variant),
        );
        const passed = expect.match ? found.length > 0 : found.length === 0;
        results.push({
          pattern: pattern.id,
          index,
          bundle: file,
          match: expect.match,
          passed,
          detail: describeOutcome(expect, found, report.findings, pattern.id),
        });
      }
    } finally {
      bundle.close();
    }
  }
  return results.sort((a, b) => a.pattern.localeCompare(b.pattern) || a.index - b.index);
}

function describeOutcome(
  expect: { match: boolean; subject?: string; variant?: string },
  found: ReportFinding[],
  all: ReportFinding[],
  id: string,
): string {
  const label = (f: ReportFinding) => `${formatObjectPath(f.subject)}${f.variant ? ` (${f.variant})` : ''}`;
  const wanted = [expect.subject, expect.variant && `variant ${expect.variant}`].filter(Boolean).join(', ');
  if (found.length > 0) return `found ${found.map(label).slice(0, 3).join('; ')}`;
  const others = all.filter((f) => f.pattern === id);
  if (others.length > 0) return `nothing for ${wanted}; found ${others.map(label).slice(0, 3).join('; ')}`;
  return wanted ? `nothing for ${wanted}` : 'nothing';
}
