// patterns/README.md stays true: its worked example loads, passes its tests on the fixtures it names,
// and a missing test bundle fails its tests instead of stopping the others.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPatternTests } from '../../src/analyze/pattern-tests.ts';
import { loadPatternFile } from '../../src/patterns/load.ts';
import { ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

/** The YAML block of the README that holds the worked example. */
function workedExample(): string {
  const readme = readFileSync(path.join(ROOT, 'patterns/README.md'), 'utf8');
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((text) => text.startsWith('id: repeated-oom-kill'));
  if (block === undefined) throw new Error('patterns/README.md has no worked example');
  return block;
}

describe('patterns/README.md', () => {
  it('has a worked example that loads and passes its tests on the fixtures it names', async () => {
    const dir = path.join(tempDir(), 'my-patterns');
    mkdirSync(path.join(dir, 'fixtures'), { recursive: true });
    copyFileSync(path.join(ROOT, 'fixtures/oom-memory-leak.parquet'), path.join(dir, 'fixtures/oom.parquet'));
    copyFileSync(
      path.join(ROOT, 'fixtures/healthy-cluster.parquet'),
      path.join(dir, 'fixtures/healthy.parquet'),
    );
    const file = path.join(dir, 'repeated-oom-kill.yaml');
    writeFileSync(file, workedExample());
    const pattern = loadPatternFile(file, { requireTests: true });
    const results = await runPatternTests([pattern], { patternDirs: [dir] });
    expect(results.map((r) => [r.index, r.passed, r.detail])).toEqual([
      [0, true, expect.stringMatching(/^found shop\/Pod\/cart-/)],
      [1, true, 'nothing'],
    ]);
  }, 120_000);

  it('fails the tests of a bundle that is not there, and still runs the others', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'fixtures'));
    copyFileSync(
      path.join(ROOT, 'fixtures/healthy-cluster.parquet'),
      path.join(dir, 'fixtures/healthy.parquet'),
    );
    const file = path.join(dir, 'repeated-oom-kill.yaml');
    writeFileSync(file, workedExample());
    const results = await runPatternTests([loadPatternFile(file)], { patternDirs: [dir] });
    expect(results.map((r) => [r.index, r.passed, r.detail])).toEqual([
      [0, false, 'no such bundle: make it with kstory simulate, record or import'],
      [1, true, 'nothing'],
    ]);
  }, 120_000);
});
