// `kstory eval --bundles DIR` analyses again a bundle kept there when the code and inputs that built
// it are unchanged (its stamp), builds it again when either changed, and says which it reused.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { writeKubectlText } from '../../src/cli/kubectl-view.ts';
import { buildCodeHashes, builderOf, buildStamp, stampFileOf } from '../../src/eval/build.ts';
import type { EvalSample } from '../../src/eval/corpus.ts';
import { type EvalResult, runEval } from '../../src/eval/run.ts';
import { renderEvalText } from '../../src/report/eval-text.ts';
import { ROOT } from '../support/cli.ts';
import { aPod } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-bundle-reuse-');

/** A running Pod as `kubectl get pods -o json` lists it. */
function podList(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [{ apiVersion: 'v1', ...aPod('shop', name) }],
  });
}

function realSample(input: string): EvalSample {
  return {
    id: 'pods',
    corpus: 'real',
    description: '',
    roots: [],
    quiet: true,
    chain: [],
    source: { inputs: [input] },
  };
}

describe('what a kept bundle is stamped with', () => {
  it('is the code that builds its kind of bundle, never the analysis nor the catalogue', () => {
    const code = buildCodeHashes(path.join(ROOT, 'src'));
    const files = (builder: keyof typeof code) => code[builder].files.map((f) => path.relative(ROOT, f));
    const common = ['src/eval/build.ts', 'src/bundle/writer.ts', 'package.json'];
    expect(files('simulate')).toEqual(expect.arrayContaining([...common, 'src/simulate/run.ts']));
    expect(files('simulate')).not.toContain('src/import/run.ts');
    expect(files('import')).toEqual(expect.arrayContaining([...common, 'src/import/run.ts']));
    expect(files('import')).not.toContain('src/simulate/run.ts');
    expect(files('dump')).toEqual(
      expect.arrayContaining([
        'src/simulate/run.ts',
        'src/eval/snapshot.ts',
        'src/views/pods.sql',
        'src/import/run.ts',
      ]),
    );
    expect(files('kubectl')).toEqual(
      expect.arrayContaining(['src/simulate/run.ts', 'src/cli/kubectl-view.ts', 'src/import/run.ts']),
    );
    expect(files('audit-log')).toEqual(
      expect.arrayContaining(['src/simulate/run.ts', 'src/eval/audit-log.ts', 'src/import/run.ts']),
    );
    for (const builder of ['simulate', 'import', 'dump', 'kubectl', 'audit-log'] as const) {
      for (const analysis of ['src/analyze/run.ts', 'src/analyze/calibration.ts', 'src/eval/run.ts'])
        expect(files(builder)).not.toContain(analysis);
      expect(files(builder).filter((f) => f.startsWith('patterns/'))).toEqual([]);
    }
    expect(new Set(Object.values(code).map((c) => c.hash)).size).toBe(5);
    const scenario = path.join(ROOT, 'fixtures/scenarios/healthy-cluster.yaml');
    const seen = (view?: 'events' | 'logs' | 'kubectl' | 'audit') =>
      builderOf({ ...realSample(scenario), corpus: 'simulated', source: { scenario, view } });
    expect([seen(), seen('logs'), seen('events'), seen('kubectl'), seen('audit')]).toEqual([
      'simulate',
      'simulate',
      'dump',
      'kubectl',
      'audit-log',
    ]);
    expect(builderOf(realSample(scenario))).toBe('import');
  });

  it('changes with the content of a real sample’s inputs, and with the code', () => {
    const dir = tempDir();
    const input = path.join(dir, 'pods.json');
    writeFileSync(input, podList('web-1'));
    const sample = realSample(input);
    const first = buildStamp(sample, 'code-1');
    expect(buildStamp(sample, 'code-1')).toBe(first);
    expect(buildStamp(sample, 'code-2')).not.toBe(first);
    writeFileSync(input, podList('web-2'));
    expect(buildStamp(sample, 'code-1')).not.toBe(first);
  });

  it('changes with a scenario’s view', () => {
    const scenario = path.join(ROOT, 'fixtures/scenarios/healthy-cluster.yaml');
    const of = (view?: 'events' | 'logs') =>
      buildStamp({ ...realSample(scenario), corpus: 'simulated', source: { scenario, view } }, 'code');
    expect(new Set([of(), of('events'), of('logs')]).size).toBe(3);
  });
});

describe('an evaluation that keeps its bundles', () => {
  it('builds them once, reuses them while unchanged, and builds again what changed', async () => {
    const samples = tempDir();
    const input = path.join(samples, 'pods.json');
    writeFileSync(input, podList('web-1'));
    writeFileSync(
      path.join(samples, 'labels.yaml'),
      'samples:\n  - id: pods\n    inputs: [pods.json]\n    quiet: true\n',
    );
    const bundles = path.join(tempDir(), 'kept');
    const run = async () => {
      const steps: string[] = [];
      const result: EvalResult = await runEval({
        corpus: 'all',
        only: ['healthy-cluster', 'healthy-cluster@kubectl', 'pods'],
        views: ['kubectl'],
        kubectlText: writeKubectlText,
        samplesDir: samples,
        bundlesDir: bundles,
        onProgress: (text) => steps.push(text),
      });
      return { result, steps };
    };
    const kubectl = path.join(bundles, 'healthy-cluster@kubectl.parquet');
    const pods = path.join(bundles, 'pods.parquet');

    const first = await run();
    expect(first.result.bundles).toEqual({ dir: bundles, reused: [] });
    expect(first.steps.filter((s) => s.includes('simulating'))).toEqual(['[1/3] simulating healthy-cluster']);
    expect(existsSync(stampFileOf(kubectl)) && existsSync(stampFileOf(pods))).toBe(true);
    const built = { kubectl: statSync(kubectl).mtimeMs, pods: statSync(pods).mtimeMs };

    const again = await run();
    expect(again.result.bundles).toEqual({
      dir: bundles,
      reused: ['healthy-cluster', 'healthy-cluster@kubectl', 'pods'],
    });
    expect(again.steps.filter((s) => /simulating|importing/.test(s))).toEqual([]);
    expect({ kubectl: statSync(kubectl).mtimeMs, pods: statSync(pods).mtimeMs }).toEqual(built);
    // The same figures from the same bundles, and what was imported said as when it was built.
    expect(again.result.cases).toEqual(first.result.cases);
    expect(again.result.samples.map((s) => s.detail)).toEqual(first.result.samples.map((s) => s.detail));
    const text = renderEvalText(again.result, { chalk: new Chalk({ level: 0 }), width: 400, explain: false });
    expect(text).toContain(
      `Bundles: all 3 reused from ${bundles} (healthy-cluster, healthy-cluster@kubectl, pods)`,
    );

    // An input edited, a stamp from other code: those two are built again, nothing else (the kept
    // recording serves the kubectl text).
    writeFileSync(input, podList('web-2'));
    const stamp = JSON.parse(readFileSync(stampFileOf(kubectl), 'utf8')) as { stamp: string };
    writeFileSync(stampFileOf(kubectl), JSON.stringify({ ...stamp, stamp: 'built by other code' }));
    const changed = await run();
    expect(changed.result.bundles?.reused).toEqual(['healthy-cluster']);
    expect(changed.steps.filter((s) => /simulating|importing/.test(s))).toEqual([
      '[2/3] importing healthy-cluster@kubectl',
      '[3/3] importing pods',
    ]);
    expect(changed.result.samples.map((s) => s.status)).toEqual(['analyzed', 'analyzed', 'analyzed']);

    // A bundle whose stamp says another size (replaced by hand) is not taken for the one stamped.
    writeFileSync(pods, 'not a bundle');
    const replaced = await run();
    expect(replaced.result.bundles?.reused).toEqual(['healthy-cluster', 'healthy-cluster@kubectl']);
    expect(replaced.result.samples.map((s) => s.status)).toEqual(['analyzed', 'analyzed', 'analyzed']);
  }, 900_000);
});
