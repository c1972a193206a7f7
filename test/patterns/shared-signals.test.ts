// Shared signals (signals/<name>.yaml): a pattern's `use:` resolves to the shared fields, with its
// params and narrowing; every mistake names the file, line and field; the catalogue keeps no copies.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { KstoryError } from '../../src/errors.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternDir, loadPatterns } from '../../src/patterns/load.ts';
import { withParams } from '../../src/patterns/params.ts';
import { loadSharedSignals, SIGNALS_DIR, useSharedSignals } from '../../src/patterns/shared-signals.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const KUBELET_BACKOFF = {
  description: 'the kubelet backed off',
  params: { reports: { default: 1, description: 'reports needed' } },
  from: 'events',
  where: { event_reason: 'BackOff' },
  min_count: '$reports',
};
const RUNNING_NOW = {
  description: 'the container is running at the end',
  from: 'containers',
  where: { state: 'running' },
  latest: true,
};

/** A patterns directory with these shared signals (name → fields, or raw text) and patterns. */
function patternsDir(signals: Record<string, unknown>, patterns: Record<string, unknown>[] = []): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, SIGNALS_DIR));
  for (const [name, fields] of Object.entries(signals))
    writeFileSync(
      path.join(dir, SIGNALS_DIR, `${name}.yaml`),
      typeof fields === 'string' ? fields : `# ${name}\n${stringify(fields)}`,
    );
  for (const pattern of patterns) writeFileSync(path.join(dir, `${pattern.id}.yaml`), stringify(pattern));
  return dir;
}

function aPattern(signals: Record<string, unknown>, condition = Object.keys(signals)[0]!) {
  return {
    id: 'my-pattern',
    title: 'Something broke',
    status: 'experimental',
    severity: 'medium',
    description: 'A test pattern.',
    subject: 'container',
    detect: { signals, condition },
    confidence: { base: 0.5 },
    narrative: { summary: 'Container {{container}} of {{namespace}}/{{name}} broke.' },
    remediation: ['Fix it.'],
  };
}

function loadError(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(KstoryError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('a use of a shared signal', () => {
  const library = loadSharedSignals([
    patternsDir({ 'kubelet-backoff': KUBELET_BACKOFF, 'running-now': RUNNING_NOW }),
  ]);
  const resolve = (signal: Record<string, unknown>) => {
    const resolved = useSharedSignals({ detect: { signals: { s: signal } } }, 'p.yaml', library);
    return 'document' in resolved
      ? (resolved.document as { detect: { signals: Record<string, unknown> } }).detect.signals.s
      : resolved.problem;
  };

  it('is the shared fields, its params at their defaults', () => {
    expect(resolve({ use: 'running-now' })).toEqual(RUNNING_NOW);
    expect(resolve({ use: 'kubelet-backoff' })).toEqual({
      description: 'the kubelet backed off',
      from: 'events',
      where: { event_reason: 'BackOff' },
      min_count: 1,
    });
  });

  it('takes the values of params from with:, and its own description', () => {
    expect(resolve({ use: 'kubelet-backoff', with: { reports: 3 }, description: 'again and again' })).toEqual(
      {
        description: 'again and again',
        from: 'events',
        where: { event_reason: 'BackOff' },
        min_count: 3,
      },
    );
  });

  it('narrows it with more where conditions and the fields it leaves unset', () => {
    expect(resolve({ use: 'running-now', where: { init: true }, window: '5m' })).toEqual({
      ...RUNNING_NOW,
      where: { state: 'running', init: true },
      window: '5m',
    });
  });

  it('refuses to change what the shared signal sets, a param it does not take, a value of another type', () => {
    expect(resolve({ use: 'running-now', where: { state: 'waiting' } })).toMatchObject({
      field: 'detect.signals.s.where.state',
      message: expect.stringMatching(/shared signal running-now sets where\.state already/),
    });
    expect(resolve({ use: 'running-now', latest: false })).toMatchObject({
      field: 'detect.signals.s.latest',
    });
    expect(resolve({ use: 'running-now', from: 'events' })).toMatchObject({
      field: 'detect.signals.s.from',
      message: expect.stringMatching(/its view is the shared signal’s/),
    });
    expect(resolve({ use: 'kubelet-backoff', with: { report: 3 } })).toMatchObject({
      field: 'detect.signals.s.with.report',
      message: 'shared signal kubelet-backoff has no param "report" (reports)',
    });
    expect(resolve({ use: 'kubelet-backoff', with: { reports: 'three' } })).toMatchObject({
      field: 'detect.signals.s.with.reports',
      message: 'param reports of shared signal kubelet-backoff is a number (its default is 1), not a text',
    });
  });

  it('names the nearest known names for an unknown one', () => {
    expect(resolve({ use: 'kubelet-backof' })).toMatchObject({
      file: 'p.yaml',
      field: 'detect.signals.s.use',
      message: '"kubelet-backof" is not a shared signal (nearest: kubelet-backoff)',
    });
  });
});

describe('loading patterns that use shared signals', () => {
  it('names the pattern file, line and field of an unknown shared signal', () => {
    const dir = patternsDir({ 'running-now': RUNNING_NOW }, [
      aPattern({ waiting: { from: 'containers' }, running: { use: 'runing-now' } }, 'waiting'),
    ]);
    expect(loadError(() => loadPatternDir(dir))).toMatch(
      /my-pattern\.yaml:\d+: field detect\.signals\.running\.use: "runing-now" is not a shared signal \(nearest: running-now/,
    );
  });

  it('says when a field a shared signal filled in is wrong where it is used', () => {
    const dir = patternsDir({ 'kubelet-backoff': KUBELET_BACKOFF }, [
      aPattern({ backoff: { use: 'kubelet-backoff', with: { reports: -2 } } }),
    ]);
    expect(loadError(() => loadPatternDir(dir))).toMatch(
      /my-pattern\.yaml:\d+: field detect\.signals\.backoff\.min_count: .*\(in shared signal kubelet-backoff as used here\)/,
    );
  });

  it('names the shared signal file, line and field of a cycle and of a $name it does not declare', () => {
    const cycle = patternsDir({
      'a-signal': '# a\ndescription: a\nuse: b-signal\n',
      'b-signal': '# b\ndescription: b\nuse: a-signal\n',
    });
    expect(loadError(() => loadSharedSignals([cycle]))).toMatch(
      /signals\/b-signal\.yaml:3: field use: shared signals use each other in a cycle: a-signal → b-signal → a-signal/,
    );
    const undeclared = patternsDir({ 'bad-signal': { ...KUBELET_BACKOFF, min_count: '$count' } });
    expect(loadError(() => loadSharedSignals([undeclared]))).toMatch(
      /bad-signal\.yaml:\d+: field min_count: "\$count" is not a param of this shared signal \(reports\)/,
    );
    const badField = patternsDir({ 'bad-signal': { ...RUNNING_NOW, from: 'nowhere' } });
    expect(loadError(() => loadSharedSignals([badField]))).toMatch(
      /bad-signal\.yaml:\d+: field from: Invalid option/,
    );
  });

  it('reads a shared signal that uses another one, with its own params passed on', () => {
    const dir = patternsDir({
      'kubelet-backoff': KUBELET_BACKOFF,
      'backoff-often': {
        description: 'the kubelet backed off often',
        params: { often: { default: 5, description: 'how often' } },
        use: 'kubelet-backoff',
        with: { reports: '$often' },
        window: '10m',
      },
    });
    const library = loadSharedSignals([dir]);
    const resolved = useSharedSignals(
      { detect: { signals: { s: { use: 'backoff-often', with: { often: 7 } } } } },
      'p.yaml',
      library,
    );
    expect(resolved).toEqual({
      document: {
        detect: {
          signals: {
            s: {
              description: 'the kubelet backed off often',
              from: 'events',
              where: { event_reason: 'BackOff' },
              min_count: 7,
              window: '10m',
            },
          },
        },
      },
    });
  });

  it('takes shared signals from a --patterns directory, for its patterns and the built-in ones', () => {
    const dir = patternsDir({ 'my-running': RUNNING_NOW }, [
      aPattern({ waiting: { from: 'containers' }, running: { use: 'my-running' } }, 'waiting'),
    ]);
    const patterns = loadPatterns({ userDirs: [dir] });
    expect(patterns.find((p) => p.id === 'my-pattern')!.detect.signals.running).toMatchObject({
      from: 'containers',
      latest: true,
    });
    // A user's signal of a built-in name replaces it, as a pattern of a built-in id does.
    const replacing = patternsDir({ 'container-running-now': { ...RUNNING_NOW, window: '1h' } });
    const builtin = loadPatterns({ userDirs: [replacing] }).find((p) => p.id === 'invalid-image-name')!;
    expect(builtin.detect.signals.running_now!.window).toBe('1h');
  });
});

describe('the catalogue', () => {
  const files = readdirSync(BUILTIN_PATTERNS_DIR).filter((f) => f.endsWith('.yaml'));
  const documents = files.map((f) => ({
    file: f,
    document: loadYaml(readFileSync(path.join(BUILTIN_PATTERNS_DIR, f), 'utf8'), { schema: CORE_SCHEMA }) as {
      detect: { signals: Record<string, Record<string, unknown>> };
    },
  }));

  it('defines no signal inline that another pattern defines too: it is a shared signal', () => {
    const byDefinition = new Map<string, string[]>();
    for (const { file, document } of documents) {
      const tuned = withParams(document, file, undefined);
      if (!('document' in tuned)) throw new Error(`${file}: ${tuned.problem.message}`);
      const signals = (tuned.document as typeof document).detect.signals;
      for (const [name, signal] of Object.entries(signals)) {
        if ('use' in signal) continue;
        const { description: _, ...definition } = signal;
        const key = JSON.stringify(sorted(definition));
        byDefinition.set(key, [...(byDefinition.get(key) ?? []), `${file}: ${name}`]);
      }
    }
    const copies = [...byDefinition.entries()]
      .filter(([, uses]) => new Set(uses.map((u) => u.split(':')[0])).size > 1)
      .map(
        ([definition, uses]) =>
          `${uses.join(', ')} define ${definition}: make it patterns/signals/<name>.yaml`,
      );
    expect(copies).toEqual([]);
  });

  it('has shared signals that start with what they are for, each used by several patterns', () => {
    const folder = path.join(BUILTIN_PATTERNS_DIR, SIGNALS_DIR);
    const names = readdirSync(folder).map((f) => f.replace(/\.yaml$/, ''));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const lines = readFileSync(path.join(folder, `${name}.yaml`), 'utf8').split('\n');
      expect(
        lines.some((l) => l.startsWith('# ') && !l.includes('yaml-language-server')),
        `${name}: a header comment`,
      ).toBe(true);
      const users = documents.filter(({ document }) =>
        Object.values(document.detect.signals).some((s) => s.use === name),
      );
      expect(users.length, `${name}: used by several patterns`).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('patterns/README.md', () => {
  it('has shared signal examples that load and resolve as it says', () => {
    const readme = readFileSync(path.join(BUILTIN_PATTERNS_DIR, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/```yaml\n# signals\/([a-z-]+)\.yaml\n([\s\S]*?)```/g)];
    expect(examples.map((m) => m[1])).toEqual(['kubelet-backoff', 'restarted']);
    const dir = patternsDir(Object.fromEntries(examples.map((m) => [m[1]!, m[2]!])));
    const resolved = useSharedSignals(
      {
        detect: {
          signals: {
            repeated: { use: 'kubelet-backoff', min_count: 3 },
            restarts: { use: 'restarted', with: { min_restarts: 10 } },
          },
        },
      },
      'p.yaml',
      loadSharedSignals([dir]),
    );
    expect(resolved).toMatchObject({
      document: {
        detect: {
          signals: {
            repeated: { from: 'events', min_count: 3 },
            restarts: { aggregate: { fn: 'max', field: 'restart_count', gte: 10 } },
          },
        },
      },
    });
  });
});

describe('patterns/signal.schema.json', () => {
  it('is the JSON Schema of the current shared signal schema (run `npm run docs` to update)', async () => {
    const { sharedSignalJsonSchema } = await import('../../src/patterns/schema.ts');
    const committed = JSON.parse(readFileSync(path.join(BUILTIN_PATTERNS_DIR, 'signal.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(sharedSignalJsonSchema())));
  });
});

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  return value;
}
