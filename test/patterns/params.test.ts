// A pattern tuned without copying it: params read as $name with their defaults, an overrides file
// of a --patterns directory that changes them and adds exceptions, to a built-in pattern too.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { loadPatterns } from '../../src/patterns/load.ts';
import { exceptionFor } from '../../src/patterns/params.ts';
import { openBundle } from '../../src/views/open.ts';
import { ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

/** A user pattern: a container that restarted at least $min_restarts times. */
function restarts(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'many-restarts',
    title: 'Many restarts',
    status: 'experimental',
    severity: 'medium',
    description: 'A container that restarted often.',
    subject: 'container',
    params: {
      min_restarts: { default: 3, description: 'restarts before it counts' },
      reasons: { default: ['CrashLoopBackOff'], description: 'waiting reasons that count' },
    },
    detect: {
      signals: {
        restarts: {
          from: 'containers',
          aggregate: { fn: 'max', field: 'restart_count', gte: '$min_restarts' },
        },
        waiting: { from: 'containers', where: { 'reason|in': '$reasons' } },
      },
      condition: 'restarts and waiting',
    },
    confidence: { base: 0.5 },
    narrative: {
      summary: 'Container {{container}} of {{namespace}}/{{name}} restarted {{value.restarts}} times.',
    },
    remediation: ['Look at why it exits.'],
    ...extra,
  };
}

function patternDir(pattern: Record<string, unknown>, overrides?: unknown): string {
  const dir = path.join(tempDir(), `patterns-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, `${pattern.id}.yaml`), stringify(pattern));
  if (overrides !== undefined) writeFileSync(path.join(dir, 'overrides.yaml'), stringify(overrides));
  return dir;
}

function loaded(dir: string, id: string) {
  return loadPatterns({ userDirs: [dir] }).find((p) => p.id === id)!;
}

async function findings(dir: string, ids: string[], fixture = 'bad-command') {
  const bundle = await openBundle([path.join(ROOT, 'fixtures', `${fixture}.parquet`)]);
  try {
    const report = await analyzeBundle(bundle, { only: ids, all: true, patternDirs: [dir] });
    return report.findings.map(
      (f) => `${f.pattern} ${f.subject.namespace}/${f.subject.name}/${f.subject.container}`,
    );
  } finally {
    bundle.close();
  }
}

describe('params', () => {
  it('are read as $name with their defaults, their type kept', () => {
    const pattern = loaded(patternDir(restarts()), 'many-restarts');
    expect(pattern.detect.signals.restarts!.aggregate!.gte).toBe(3);
    expect(pattern.detect.signals.waiting!.where).toEqual({ 'reason|in': ['CrashLoopBackOff'] });
  });

  it('are changed by an overrides file, and change what is found', async () => {
    const dir = patternDir(restarts());
    expect(await findings(dir, ['many-restarts'])).not.toEqual([]);
    const strict = patternDir(restarts(), { 'many-restarts': { params: { min_restarts: 1000 } } });
    expect(loaded(strict, 'many-restarts').detect.signals.restarts!.aggregate!.gte).toBe(1000);
    expect(await findings(strict, ['many-restarts'])).toEqual([]);
  }, 120_000);

  it('refuse a $name the pattern does not declare, an override of a param it lacks, and a wrong type', () => {
    const undeclared = restarts();
    (
      undeclared.detect as { signals: { restarts: { aggregate: { gte: string } } } }
    ).signals.restarts.aggregate.gte = '$min_restart';
    expect(() => loadPatterns({ userDirs: [patternDir(undeclared)] })).toThrow(
      /many-restarts\.yaml:\d+: field detect\.signals\.restarts\.aggregate\.gte: "\$min_restart" is not a param of this pattern \(min_restarts, reasons\)/,
    );
    expect(() =>
      loadPatterns({
        userDirs: [patternDir(restarts(), { 'many-restarts': { params: { max_restarts: 2 } } })],
      }),
    ).toThrow(
      /overrides\.yaml: field many-restarts\.params\.max_restarts: pattern many-restarts has no param "max_restarts"/,
    );
    expect(() =>
      loadPatterns({
        userDirs: [patternDir(restarts(), { 'many-restarts': { params: { min_restarts: 'many' } } })],
      }),
    ).toThrow(/many-restarts\.yaml:\d+: field detect\.signals\.restarts\.aggregate\.gte: /);
  });
});

describe('exclude', () => {
  it('leaves out the subjects a pattern’s exception matches', async () => {
    const all = await findings(patternDir(restarts()), ['many-restarts']);
    expect(all.some((f) => f.includes('/notifier-'))).toBe(true);
    const excluded = patternDir(
      restarts({ exclude: { notifier: { namespace: 'shop', name: 'notifier-*' } } }),
    );
    const left = await findings(excluded, ['many-restarts']);
    expect(left.filter((f) => f.includes('/notifier-'))).toEqual([]);
    expect(left).toEqual(all.filter((f) => !f.includes('/notifier-')));
  }, 120_000);

  it('are added to a built-in pattern by an overrides file, which names only patterns that exist', async () => {
    const before = await findings(patternDir(restarts()), ['crash-loop-backoff']);
    expect(before.some((f) => f.includes('/notifier-'))).toBe(true);
    const dir = patternDir(restarts(), {
      'crash-loop-backoff': { exclude: { notifier: { name: ['notifier-*'], container: 'app' } } },
    });
    expect(loaded(dir, 'crash-loop-backoff').exclude).toEqual({
      notifier: { name: ['notifier-*'], container: 'app' },
    });
    expect((await findings(dir, ['crash-loop-backoff'])).filter((f) => f.includes('/notifier-'))).toEqual([]);
    expect(() =>
      loadPatterns({ userDirs: [patternDir(restarts(), { 'no-such-pattern': { params: {} } })] }),
    ).toThrow(/overrides\.yaml: field no-such-pattern: "no-such-pattern" is not a pattern of the catalogue/);
  }, 120_000);

  it('match every field they give, by glob, and a cluster-scoped subject has no namespace to match', () => {
    const pod = { namespace: 'batch-7', kind: 'Pod', name: 'etl-1', container: 'main' };
    expect(exceptionFor({ batch: { namespace: 'batch-*' } }, pod)).toBe('batch');
    expect(exceptionFor({ batch: { namespace: 'batch-*', container: 'sidecar' } }, pod)).toBeNull();
    expect(exceptionFor({ a: { kind: ['Node', 'Pod'], name: 'etl-?' } }, pod)).toBe('a');
    expect(
      exceptionFor(
        { ns: { namespace: '*' } },
        { namespace: null, kind: 'Node', name: 'n1', container: null },
      ),
    ).toBeNull();
  });
});
