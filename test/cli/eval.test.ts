// `kstory eval` end to end, as a user runs it: simulated scenarios scored against their ground
// truth (JSON, text, Markdown written with -o, the kept bundles), its errors, and a labelled real
// sample when ../shared/real-samples is there.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_MODEL } from '../../src/analyze/calibration-model.ts';
import type { EvalResult } from '../../src/eval/run.ts';
import { renderEvalMarkdown } from '../../src/report/eval-markdown.ts';
import { kstory, ROOT } from '../support/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'kstory-eval-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SAMPLES = path.resolve(ROOT, '../shared/real-samples');
const NO_SAMPLES = path.join(work, 'no-samples');

describe('kstory eval on simulated scenarios', () => {
  let result: EvalResult;
  let stderr: string;
  const bundles = path.join(work, 'bundles');
  const file = path.join(work, 'result.json');
  beforeAll(() => {
    // Written with -o, as a script keeps it: one run serves the JSON, the Markdown rendered from
    // it and the file of -o.
    const run = kstory([
      'eval',
      '--only',
      'bad-command,healthy-cluster,pv-released-failed',
      '--samples',
      NO_SAMPLES,
      '--bundles',
      bundles,
      '--json',
      '-o',
      file,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    result = JSON.parse(readFileSync(file, 'utf8')) as EvalResult;
    stderr = run.stderr;
  }, 180_000);

  it('says the real corpus is skipped when its folder is absent, and runs the scenarios', () => {
    expect(result.corpora.real).toEqual({
      dir: NO_SAMPLES,
      samples: 0,
      skipped: `${path.join(NO_SAMPLES, 'labels.yaml')} not found: real samples skipped`,
    });
    expect(result.corpora.simulated).toEqual({ samples: 3 });
    expect(stderr).toBe(
      `kstory eval: ${path.join(NO_SAMPLES, 'labels.yaml')} not found: real samples skipped\n`,
    );
  });

  it('scores one case per root: the scenario’s root ranked first, each of three faults, a quiet set', () => {
    expect(result.schema).toBe('kstory.eval/v1');
    expect(result.selection).toEqual({
      corpus: 'all',
      only: ['bad-command', 'healthy-cluster', 'pv-released-failed'],
    });
    expect(result.cases.map((c) => [c.id, c.outcome, c.rank])).toEqual([
      ['bad-command', 'hit', 1],
      ['healthy-cluster', 'quiet', null],
      ['pv-released-failed#1', 'hit', 1],
      ['pv-released-failed#2', 'hit', 1],
      ['pv-released-failed#3', 'hit', 1],
    ]);
    const bad = result.cases[0]!;
    expect(bad.expected).toEqual({
      patterns: ['crash-loop-backoff'],
      subject: 'shop/Deployment notifier, container app',
    });
    expect(bad.first).toMatchObject({ pattern: 'crash-loop-backoff', severity: 'high' });
    expect(bad.first?.subject).toMatch(/^shop\/Pod notifier-[a-z0-9]+-[a-z0-9]+, container app$/);
    expect(bad.chain).toEqual({
      expected: ['deployment-rollout-stuck'],
      found: ['deployment-rollout-stuck'],
    });
    expect(result.cases[1]).toMatchObject({ expected: null, noise: 0, first: null });
  });

  it('sums up accuracy, chain recall, noise and calibration', () => {
    const s = result.summary.simulated!;
    expect(s).toMatchObject({
      top1: { hits: 4, total: 4, rate: 1 },
      top3: { hits: 4, total: 4, rate: 1 },
      chainRecall: { hits: 1, total: 1, rate: 1 },
      quiet: { hits: 1, total: 1, rate: 1, noise: 0 },
      failed: 0,
    });
    expect(result.summary.real).toBeUndefined();
    expect(result.calibration).toEqual({ bins: 10, severity: 'medium', model: CALIBRATION_MODEL });
    // Every incident is right here: the Brier score is the mean of (1 − confidence)².
    const incidents = result.samples.flatMap((r) => r.incidents).filter((i) => i.severity !== 'low');
    expect(incidents.every((i) => i.correct)).toBe(true);
    const brier = incidents.reduce((sum, i) => sum + (1 - i.confidence) ** 2, 0) / incidents.length;
    expect(s.calibration.incidents.count).toBe(incidents.length);
    expect(s.calibration.incidents.brier).toBeCloseTo(brier, 10);
    expect(s.calibration.incidents.bins).toHaveLength(10);
    // Nothing kstory runs changed meanwhile: the figures are valid.
    expect(result.changed_during_run).toEqual([]);
    // Simulated recordings have their history: one evidence situation.
    expect(s.calibration.bySituation.map((g) => [g.situation, g.samples])).toEqual([['history', 3]]);
  });

  it('renders the result as Markdown and keeps the bundles it analysed', () => {
    const text = renderEvalMarkdown(result);
    expect(text).toContain('# Accuracy of kstory’s analysis');
    expect(text).toContain(`by kstory ${result.tool_version}`);
    expect(text).toContain('| simulated | 4/4 (100%) | 4/4 (100%) | 1/1 (100%) | 1/1 (100%) | 0 | 0 |');
    expect(text).toMatch(
      /\| `bad-command` \| simulated \| `crash-loop-backoff` on shop\/Deployment notifier, container app \| .* \| hit \| ranked first \|/,
    );
    expect(text).toContain('## How to read this');
    expect(text).toMatch(/\| simulated \| history \| 3 \| \d+ \| /);
    expect(text).toContain(
      '(`kstory eval --corpus all --only bad-command,healthy-cluster,pv-released-failed`)',
    );
    expect(text).toContain('| `healthy-cluster` | simulated | quiet | (no incident) | quiet | quiet |');
    for (const id of ['bad-command', 'healthy-cluster', 'pv-released-failed'])
      expect(existsSync(path.join(bundles, `${id}.parquet`)), id).toBe(true);
  });
});

describe('kstory eval: text output and errors', () => {
  it('prints each case and the figures, in 80 columns when not on a terminal', () => {
    // One scenario simulated and analysed, which can take minutes on a loaded machine.
    const run = kstory(['eval', '--corpus', 'simulated', '--only', 'healthy-cluster'], {
      env: { NO_COLOR: '1' },
      timeoutMs: 300_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toContain('quiet  healthy-cluster · quiet');
    expect(lines).toContain('       expected: quiet (nothing at high or above)');
    expect(run.stdout).toMatch(/^ +simulated\n(.*\n){3}quiet +1\/1 \(100%\)\nnoise +0\n/m);
    expect(lines[1]).toBe('  simulated: 1 scenario');
    expect(lines).toContain('  10 equal-width confidence bins over [0, 1]');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
  }, 330_000);

  it('refuses a sample it does not know, naming the ones it does', () => {
    const run = kstory(['eval', '--corpus', 'simulated', '--only', 'no-such-scenario']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('kstory: error: no sample named "no-such-scenario"');
    expect(run.stderr).toMatch(/hint: Samples: apiserver-throttled, /);
  });

  it('refuses --corpus real without the real samples, and an unknown corpus', () => {
    const real = kstory(['eval', '--corpus', 'real', '--samples', NO_SAMPLES]);
    expect(real.code).toBe(2);
    expect(real.stderr).toContain(`kstory: error: ${path.join(NO_SAMPLES, 'labels.yaml')} not found`);
    const bad = kstory(['eval', '--corpus', 'imaginary']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'imaginary' is invalid");
    const two = kstory(['eval', '--json', '--format', 'markdown']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/cannot be used with/);
  });
});

describe.skipIf(!existsSync(path.join(SAMPLES, 'labels.yaml')))(
  'kstory eval on a labelled real sample (skipped: ../shared/real-samples absent)',
  () => {
    it('imports it with the real importer and reports what analyze ranks first, per labelled root', () => {
      const bundles = path.join(work, 'real');
      const run = kstory([
        'eval',
        '--corpus',
        'real',
        '--only',
        'nri-minikube',
        '--bundles',
        bundles,
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as EvalResult;
      expect(result.corpora.real).toMatchObject({ dir: SAMPLES, samples: 1, skipped: null });
      expect(result.samples[0]).toMatchObject({ id: 'nri-minikube', corpus: 'real', status: 'analyzed' });
      expect(result.cases.map((c) => [c.id, c.expected])).toEqual([
        ['nri-minikube#1', { patterns: ['crash-loop-backoff'], subject: 'Pod e2e-container-creating' }],
        ['nri-minikube#2', { patterns: ['failed-scheduling'], subject: 'Pod e2e-container-pending' }],
        ['nri-minikube#3', { patterns: ['job-failed'], subject: 'Job e2e-failjob' }],
      ]);
      // What eval says kstory ranked first is what `kstory analyze` on the same bundle ranks first.
      const analyzed = kstory(['analyze', path.join(bundles, 'nri-minikube.parquet'), '--json']);
      const report = JSON.parse(analyzed.stdout) as {
        incidents: { root: number; severity: string; confidence: number }[];
        findings: { pattern: string }[];
      };
      const top = report.incidents[0]!;
      for (const c of result.cases) {
        expect(c.first).toMatchObject({
          pattern: report.findings[top.root]!.pattern,
          severity: top.severity,
          confidence: top.confidence,
        });
        expect(c.outcome === 'hit').toBe(c.rank === 1);
      }
    }, 180_000);
  },
);
