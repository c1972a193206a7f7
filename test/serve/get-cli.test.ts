// `kstory get` as users run it: kubectl's table shapes at an instant, -o yaml/json/name, the
// bundle from --bundle or $KSTORY_BUNDLE, and clear errors for what is not there.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kstory, ROOT } from '../support/cli.ts';

const BUNDLE = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');

describe('kstory get', () => {
  it('prints pods as kubectl does, ages measured from --at', () => {
    const run = kstory(['get', 'pods', '-n', 'shop', '--at', '2026-03-02T09:12:00Z', '-b', BUNDLE]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME {2,}READY {3}STATUS {2,}RESTARTS {2,}AGE$/);
    expect(run.stdout).toMatch(/^orders-db-0 +1\/1 +Running +0 +22m$/m);
    // Before the bad edit at 09:10 reached the pods, the same pods ran.
    const before = kstory(['get', 'pods', '-n', 'shop', '--at', '+9m', '-b', BUNDLE]);
    expect(before.stdout).toMatch(/^checkout-64c8d548db-\w+ +1\/1 +Running +0 +19m$/m);
  });

  it('reads the bundle from KSTORY_BUNDLE and lists several kinds with their kind prefix', () => {
    const run = kstory(['get', 'deploy,sts', '-n', 'shop'], { env: { KSTORY_BUNDLE: BUNDLE } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^deployment\.apps\/checkout +0\/4 +2 +0 +40m$/m);
    expect(run.stdout).toMatch(/^statefulset\.apps\/orders-db +2\/2 +40m$/m);
  });

  it('-A adds the namespace; -o wide adds priority columns; cluster-scoped kinds have no namespace', () => {
    const all = kstory(['get', 'pods', '-A', '-o', 'wide', '-b', BUNDLE]);
    expect(all.stdout.split('\n')[0]).toMatch(
      /^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$/,
    );
    const nodes = kstory(['get', 'nodes', '-A', '-b', BUNDLE]);
    expect(nodes.stdout.split('\n')[0]).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION$/);
  });

  it('-o yaml prints one object bare, sorted keys; -o json a List for several', () => {
    const yaml = kstory(['get', 'configmap/checkout-config', '-n', 'shop', '-o', 'yaml', '-b', BUNDLE]);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^apiVersion: v1\ndata:\n/);
    const json = JSON.parse(kstory(['get', 'nodes', '-o', 'json', '-b', BUNDLE]).stdout) as {
      kind: string;
      items: unknown[];
    };
    expect(json.kind).toBe('List');
    expect(json.items).toHaveLength(4);
    const names = kstory(['get', 'svc', '-n', 'shop', '-o', 'name', '-b', BUNDLE]);
    expect(names.stdout.trim().split('\n')[0]).toMatch(/^service\//);
  });

  it('says when a missing object existed, and what types there are', () => {
    const gone = kstory([
      'get',
      'pod',
      'checkout-89c55d8b4-hhcf7',
      '-n',
      'shop',
      '--at',
      'start',
      '-b',
      BUNDLE,
    ]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(
      'pods "checkout-89c55d8b4-hhcf7" not found in namespace shop at that instant',
    );
    expect(gone.stderr).toMatch(/It was recorded from 2026-03-02T09:\d\d:\d\dZ/);
    const type = kstory(['get', 'widgets', '-b', BUNDLE]);
    expect(type.stderr).toContain('the recording has no resource type "widgets"');
    const empty = kstory(['get', 'pods', '-b', BUNDLE]);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toBe('No resources found in default namespace.\n');
    const window = kstory(['get', 'pods', '--at', '2026-03-03T00:00:00Z', '-b', BUNDLE]);
    expect(window.stderr).toContain('is outside the recording (2026-03-02T09:00:00Z → 2026-03-02T09:30:00Z)');
    expect(kstory(['get', 'pods']).stderr).toContain('no bundle given');
  });
});
