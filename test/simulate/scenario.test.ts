// Scenario files and the `kstory simulate` command: validation errors that name the file and the
// field, built-in scenarios and backgrounds, and the CLI end to end (output, exit codes).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sqlString } from '../../src/bundle/duckdb.ts';
import { listBuiltinScenarios, loadScenarioFile, parseScenario } from '../../src/simulate/scenario/load.ts';
import { openBundle } from '../../src/views/open.ts';
import { kstoryInProcess } from '../support/cli-in-process.ts';

const temp = mkdtempSync(path.join(os.tmpdir(), 'kstory-scenario-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const MINIMAL = {
  name: 'tiny',
  description: 'one node, one deployment',
  duration: '3m',
  nodes: [{ name: 'n1' }],
  namespaces: ['app'],
};

function writeScenario(name: string, text: string): string {
  const file = path.join(temp, name);
  writeFileSync(file, text);
  return file;
}

const cli = kstoryInProcess;

describe('scenario validation', () => {
  it('names the file and the field path of an invalid value', () => {
    expect(() =>
      parseScenario(
        {
          ...MINIMAL,
          workloads: [
            {
              kind: 'Deployment',
              namespace: 'app',
              name: 'web',
              replicas: -1,
              containers: [{ name: 'app', image: 'x:1' }],
            },
          ],
        },
        'my.yaml',
      ),
    ).toThrow(/^my\.yaml: invalid scenario: .*\(location: workloads\.0\.replicas\)/);
    expect(() => parseScenario({ ...MINIMAL, duration: 'ten minutes' }, 'my.yaml')).toThrow(
      /\(location: duration\)/,
    );
    expect(() => parseScenario({ ...MINIMAL, colour: 'blue' }, 'my.yaml')).toThrow(/colour/);
  });

  it('checks that timeline actions point at existing workloads and nodes, within the duration', () => {
    expect(() =>
      parseScenario(
        {
          ...MINIMAL,
          timeline: [{ at: '1m', action: 'scale', namespace: 'app', name: 'nope', replicas: 2 }],
        },
        'a.yaml',
      ),
    ).toThrow(/no workload app\/nope \(location: timeline\.0\.name\)/);
    expect(() =>
      parseScenario({ ...MINIMAL, timeline: [{ at: '1m', action: 'cordon', node: 'n9' }] }, 'a.yaml'),
    ).toThrow(/no node named "n9"/);
    expect(() =>
      parseScenario({ ...MINIMAL, timeline: [{ at: '5m', action: 'cordon', node: 'n1' }] }, 'a.yaml'),
    ).toThrow(/after the end of the scenario/);
  });

  it('checks the Applications, Gatekeeper constraints and volumes the timeline and resources name', () => {
    expect(() =>
      parseScenario(
        { ...MINIMAL, timeline: [{ at: '1m', action: 'git-push', application: 'shop' }] },
        'a.yaml',
      ),
    ).toThrow(/no Application "shop" under resources\.applications \(location: timeline\.0\.application\)/);
    expect(() =>
      parseScenario(
        {
          ...MINIMAL,
          timeline: [{ at: '1m', action: 'set-constraint', name: 'x', enforcementAction: 'deny' }],
        },
        'a.yaml',
      ),
    ).toThrow(/no Gatekeeper constraint "x"/);
    expect(() =>
      parseScenario(
        {
          ...MINIMAL,
          resources: {
            persistentVolumes: [
              { name: 'pv1', local: { path: '/mnt', node: 'n9' }, nfs: { server: 's', path: '/' } },
            ],
          },
        },
        'a.yaml',
      ),
    ).toThrow(/exactly one volume source/);
  });

  it('changes only the fields a new version gives (the rest of its app model stays)', () => {
    const s = parseScenario(
      {
        ...MINIMAL,
        workloads: [
          {
            kind: 'Deployment',
            namespace: 'app',
            name: 'web',
            containers: [{ name: 'app', image: 'x:1', app: { runtime: 'java', memory: '300Mi' } }],
          },
        ],
        timeline: [
          {
            at: '1m',
            action: 'set-image',
            namespace: 'app',
            name: 'web',
            image: 'x:2',
            app: { startup: '2m' },
          },
        ],
      },
      'a.yaml',
    );
    expect(s.timeline[0]).toMatchObject({ app: { startup: '2m' } });
    expect(Object.keys((s.timeline[0] as { app: object }).app)).toEqual(['startup']);
  });

  it('reports YAML syntax errors with the file and line', () => {
    const file = writeScenario('broken.yaml', 'name: x\ndescription: [unclosed\n');
    expect(() => loadScenarioFile(file)).toThrow(/broken\.yaml:\d+: not valid YAML/);
  });

  it('merges a built-in background under a scenario and drops its actions past the end', () => {
    const s = parseScenario(
      { name: 'bg', description: 'with background', duration: '5m', background: 'web-shop' },
      'bg.yaml',
    );
    expect(s.workloads.map((w) => w.name)).toContain('frontend');
    expect(s.nodes.length).toBeGreaterThan(1);
    expect(s.timeline.every((a) => a.at === '0s' || a.at === '2m' || a.at === '4m')).toBe(true);
    expect(() => parseScenario({ ...MINIMAL, background: 'nope' }, 'bg.yaml')).toThrow(
      /no built-in background "nope"/,
    );
  });

  it('every built-in scenario loads and has a one-line description', () => {
    for (const s of listBuiltinScenarios()) {
      expect(s.description, s.name).toMatch(/^[^\n]{10,140}$/);
      expect(path.basename(s.file, '.yaml')).toBe(s.name);
    }
  });
});

describe('kstory simulate', () => {
  it('lists the built-in scenarios, one line each', async () => {
    const { code, stdout } = await cli('simulate', '--list');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBe(listBuiltinScenarios().length);
    expect(lines.find((l) => l.startsWith('healthy-cluster '))).toMatch(/healthy cluster/);
  });

  it('writes a bundle for a scenario file, the same content for the same seed', async () => {
    const file = writeScenario(
      'tiny.yaml',
      `name: tiny
description: one node, one deployment
duration: 3m
nodes: [{ name: n1 }]
namespaces: [app]
workloads:
  - kind: Deployment
    namespace: app
    name: web
    containers: [{ name: app, image: registry.example.com/web:1.0.0 }]
`,
    );
    const a = path.join(temp, 'a.parquet');
    const b = path.join(temp, 'b.parquet');
    const first = await cli(
      'simulate',
      file,
      '-o',
      a,
      '--seed',
      '9',
      '--start',
      '2026-01-05T12:00:00Z',
      '--json',
    );
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { seed: number; rows: number; start: string };
    expect(summary).toMatchObject({ seed: 9, start: '2026-01-05T12:00:00.000Z' });
    expect(
      (await cli('simulate', file, '-o', b, '--seed', '9', '--start', '2026-01-05T12:00:00Z')).code,
    ).toBe(0);
    const bundle = await openBundle([a, b]);
    try {
      const rows = await bundle.query<{ n: bigint; distinct_rows: bigint; first: string }>(
        // The files themselves: the bundle relation reads an object version or request both hold once.
        `SELECT count(*) AS n, count(DISTINCT (source, ts, uid, resource_version, audit_id, log_line, metric_name, metric_value, CAST(metric_labels AS VARCHAR))) AS distinct_rows,
                strftime(min(ts) FILTER (WHERE source = 'marker'), '%Y-%m-%dT%H:%M:%SZ') AS first
         FROM read_parquet([${sqlString(a)}, ${sqlString(b)}])`,
      );
      expect(Number(rows[0]!.n)).toBe(2 * summary.rows);
      expect(Number(rows[0]!.distinct_rows)).toBeLessThanOrEqual(summary.rows);
      expect(rows[0]!.first).toBe('2026-01-05T12:00:00Z');
      expect(bundle.metadata.producer).toBe('simulate');
      expect(bundle.metadata.extra).toMatchObject({ scenario: 'tiny', seed: 9 });
    } finally {
      bundle.close();
    }
  });

  it('exits 2 with a hint for an unknown scenario, a bad seed or an existing output', async () => {
    const unknown = await cli('simulate', 'no-such-scenario', '-o', path.join(temp, 'x.parquet'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no built-in scenario named "no-such-scenario"/);
    expect(unknown.stderr).toMatch(/hint: Built-in scenarios: .*healthy-cluster/);
    expect(
      (await cli('simulate', 'healthy-cluster', '-o', path.join(temp, 'x.parquet'), '--seed', 'abc')).stderr,
    ).toMatch(/--seed abc/);
    const existing = writeScenario('exists.parquet', 'x');
    const again = await cli('simulate', 'healthy-cluster', '-o', existing);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });
});
