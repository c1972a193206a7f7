// An evaluation notices that kstory's code, patterns or labels changed while it ran, and its
// renderers say its figures are invalid instead of presenting them as kstory's.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { changedFiles, fingerprintOf } from '../../src/eval/fingerprint.ts';
import { type EvalResult, runEval } from '../../src/eval/run.ts';
import { renderEvalMarkdown } from '../../src/report/eval-markdown.ts';
import { renderEvalText } from '../../src/report/eval-text.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

describe('the fingerprint of what an evaluation runs', () => {
  it('names each file added, removed or rewritten, even with the same content', () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'a/node_modules'), { recursive: true });
    writeFileSync(path.join(root, 'a/one.ts'), 'one');
    writeFileSync(path.join(root, 'a/two.ts'), 'two');
    writeFileSync(path.join(root, 'a/node_modules/dep.js'), 'dep');
    const before = fingerprintOf([path.join(root, 'a'), path.join(root, 'absent')]);
    expect([...before.keys()].map((f) => path.relative(root, f))).toEqual(['a/one.ts', 'a/two.ts']);
    expect(changedFiles(before, fingerprintOf([path.join(root, 'a')]))).toEqual([]);

    writeFileSync(path.join(root, 'a/one.ts'), 'uno');
    writeFileSync(path.join(root, 'a/three.ts'), 'three');
    writeFileSync(path.join(root, 'a/node_modules/dep.js'), 'changed');
    expect(changedFiles(before, fingerprintOf([path.join(root, 'a')])).map((f) => path.basename(f))).toEqual([
      'one.ts',
      'three.ts',
    ]);
  });
});

describe('an evaluation during which its patterns change', () => {
  it('lists what changed, and its renderers say the figures are invalid', async () => {
    // A sample whose input is missing: the run is quick, and the change lands while it imports.
    const samples = tempDir();
    writeFileSync(
      path.join(samples, 'labels.yaml'),
      'samples:\n  - id: gone\n    inputs: [missing.json]\n    quiet: true\n',
    );
    const patterns = tempDir();
    const result: EvalResult = await runEval({
      corpus: 'real',
      samplesDir: samples,
      patternDirs: [patterns],
      onProgress: (text) => {
        if (text.includes('importing'))
          writeFileSync(path.join(patterns, 'edited.yaml'), '# edited meanwhile\n');
      },
    });
    expect(result.cases.map((c) => c.outcome)).toEqual(['not-imported']);
    expect(result.changed_during_run).toEqual([path.join(patterns, 'edited.yaml')]);
    const markdown = renderEvalMarkdown(result);
    expect(markdown).toContain('These results are invalid: 1 file of kstory');
    expect(renderEvalText(result, { chalk: new Chalk({ level: 0 }), width: 200, explain: false })).toContain(
      'edited.yaml), so its samples were analysed',
    );
  });
});
