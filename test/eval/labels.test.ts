// Reading labels.yaml, the ground truth of the real samples: what it gives the evaluation, and
// errors that name the line and the field.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realSamples } from '../../src/eval/corpus.ts';
import { loadLabels } from '../../src/eval/labels.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function folderWith(labels: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-labels-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'labels.yaml'), labels);
  return dir;
}

const GOOD = `# header
samples:
  - id: notready
    inputs: [dump/cluster-info-dump.json]
    roots:
      - subject: { kind: Node, name: "worker[0-9]+" }
        patterns: [node-not-ready]
        says: No network plugin.
      - subject: { kind: Pod, namespace: kube-system, name: "coredns-.*" }
        patterns: [failed-scheduling]
  - id: healthy
    inputs: [healthy.json, more/]
    quiet: true
    says: Nothing wrong.
`;

describe('loadLabels', () => {
  it('reads each sample’s inputs (from the folder), roots and quiet flag', () => {
    const dir = folderWith(GOOD);
    expect(loadLabels(dir)).toEqual([
      {
        id: 'notready',
        inputs: [path.join(dir, 'dump/cluster-info-dump.json')],
        roots: [
          {
            patterns: ['node-not-ready'],
            subject: { kind: 'Node', name: 'worker[0-9]+', regex: true },
            says: 'No network plugin.',
          },
          {
            patterns: ['failed-scheduling'],
            subject: { kind: 'Pod', name: 'coredns-.*', regex: true, namespace: 'kube-system' },
          },
        ],
        quiet: false,
        says: null,
      },
      {
        id: 'healthy',
        inputs: [path.join(dir, 'healthy.json'), path.join(dir, 'more')],
        roots: [],
        quiet: true,
        says: 'Nothing wrong.',
      },
    ]);
  });

  it('names the line and the field of a bad regular expression', () => {
    const dir = folderWith(GOOD.replace('"coredns-.*"', '"coredns-(.*"'));
    expect(() => loadLabels(dir)).toThrow(
      /labels\.yaml:9: a regular expression \(JavaScript syntax\) \(location: samples\.0\.roots\.1\.subject\.name\)/,
    );
  });

  it('refuses a sample with neither roots nor quiet, or with both', () => {
    const neither = folderWith('samples:\n  - id: x\n    inputs: [a]\n');
    expect(() => loadLabels(neither)).toThrow(
      /labels\.yaml:2: give either roots or quiet: true \(location: samples\.0\)/,
    );
    const both = folderWith(
      `${GOOD}    roots: [{ subject: { kind: Pod, name: x }, patterns: [oom-killed] }]\n`,
    );
    expect(() => loadLabels(both)).toThrow(/give either roots or quiet: true \(location: samples\.1\)/);
  });

  it('refuses an id used twice, and YAML that does not parse', () => {
    const twice = folderWith(`${GOOD}  - id: healthy\n    inputs: [x]\n    quiet: true\n`);
    expect(() => loadLabels(twice)).toThrow(/labels\.yaml:15: sample id "healthy" is used twice/);
    const broken = folderWith('samples:\n  - id: [x\n');
    expect(() => loadLabels(broken)).toThrow(/labels\.yaml:\d+: not valid YAML/);
  });
});

describe('realSamples', () => {
  it('turns labels into samples to import, one root per labelled cause', () => {
    const { samples, skipped } = realSamples(folderWith(GOOD));
    expect(skipped).toBeNull();
    expect(samples.map((s) => [s.id, s.corpus, s.roots.length, s.quiet, 'inputs' in s.source])).toEqual([
      ['notready', 'real', 2, false, true],
      ['healthy', 'real', 0, true, true],
    ]);
  });

  it('says why there are none in a folder without labels.yaml', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-labels-'));
    dirs.push(dir);
    expect(realSamples(dir)).toEqual({
      samples: [],
      skipped: `${path.join(dir, 'labels.yaml')} not found: real samples skipped`,
    });
  });
});
