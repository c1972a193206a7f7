// Planted credentials (every kind, in every place a cluster puts them) through import and then
// kstory labels: none of them reaches a label, whether names are masked or not, in JSON lines or
// CSV. The planted pod crash-loops, so that there is an incident whose labels carry its manifest.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kstory } from '../support/cli.ts';
import { at, PLANTED, PLANTED_AT, plantedAuditEntries, plantedObjects } from '../support/planted.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-labels-planted-');
let bundle: string;
let dir: string;

function crashLooping(object: Record<string, unknown>): Record<string, unknown> {
  if (object.kind !== 'Pod') return object;
  const pod = structuredClone(object) as { status: Record<string, unknown> };
  pod.status.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: at(PLANTED_AT, 30) }];
  pod.status.containerStatuses = [
    {
      name: 'app',
      ready: false,
      restartCount: 6,
      image: 'registry.example.com/shop/app:v1',
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off; token=${PLANTED.eventToken}` } },
      lastState: {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: at(PLANTED_AT, 35),
          finishedAt: at(PLANTED_AT, 40),
        },
      },
    },
  ];
  return pod;
}

beforeAll(() => {
  dir = tempDir();
  const items = plantedObjects().map(crashLooping);
  writeFileSync(path.join(dir, 'dump.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  writeFileSync(
    path.join(dir, 'audit.log'),
    `${plantedAuditEntries()
      .map((e) => JSON.stringify(e))
      .join('\n')}\n`,
  );
  bundle = path.join(dir, 'planted.parquet');
  const args = ['import', path.join(dir, 'dump.json'), path.join(dir, 'audit.log')];
  const imported = kstory([...args, '--at', '2026-03-01T10:01:00Z', '-o', bundle, '--no-progress']);
  expect(imported.code, imported.stderr).toBe(0);
});

describe('planted credentials: kstory labels', () => {
  it('writes labels with none of the planted values, masked or not, in JSON lines and CSV', () => {
    for (const [file, extra] of [
      ['masked.jsonl', ['--mask-names']],
      ['plain.csv', ['--no-mask']],
    ] as const) {
      const out = path.join(dir, file);
      const result = kstory(['labels', bundle, '-o', out, '--no-progress', ...extra]);
      expect(result.code, result.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      // A label with the planted pod's manifest: the planted values had a way in.
      expect(text).toContain('DB_PASSWORD');
      for (const [name, value] of Object.entries(PLANTED))
        expect(text, `${name} in ${file}`).not.toContain(value);
    }
  });
});
