// The built-in catalogue: every pattern declares at least one positive and one negative fixture
// test, and every one of those tests passes against the committed fixture bundles.

import { beforeAll, describe, expect, it } from 'vitest';
import { type PatternTestResult, runPatternTests } from '../../src/analyze/pattern-tests.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternDir } from '../../src/patterns/load.ts';

const patterns = loadPatternDir(BUILTIN_PATTERNS_DIR, { requireTests: true });

describe('the pattern catalogue', () => {
  let results: PatternTestResult[] = [];
  beforeAll(async () => {
    // Every fixture analysed once: seconds on a quiet machine, minutes on a busy one.
    results = await runPatternTests(patterns);
  }, 300_000);

  it('has at least 40 patterns, each with a positive and a negative test', () => {
    expect(patterns.length).toBeGreaterThanOrEqual(40);
    for (const pattern of patterns) {
      expect(
        pattern.tests.some((t) => t.expect.match),
        pattern.id,
      ).toBe(true);
      expect(
        pattern.tests.some((t) => !t.expect.match),
        pattern.id,
      ).toBe(true);
    }
  });

  for (const pattern of patterns) {
    it(`${pattern.id}: finds what it should in its fixtures, and nothing where it should not`, () => {
      const own = results.filter((r) => r.pattern === pattern.id);
      expect(own).toHaveLength(pattern.tests.length);
      expect(own.filter((r) => !r.passed).map((r) => `#${r.index + 1} ${r.bundle}: ${r.detail}`)).toEqual([]);
    });
  }
});
