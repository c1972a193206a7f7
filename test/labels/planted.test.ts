// Planted credentials (every kind, in every place a cluster puts them) through import and then
// kstory labels: none of them reaches a label, whether names are masked or not, in JSON lines or
// CSV. The planted pod crash-loops, so that there is an incident whose labels carry its manifest.
// With a key file (--mask-key) the masked labels are the same on every run, and another key gives
// other pseudonyms.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kstory } from '../support/cli.ts';
import { kstoryInProcess } from '../support/cli-in-process.ts';
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

describe('kstory labels --mask-key', () => {
  it('gives the same labels with the same key, other pseudonyms with another, and never a planted value', async () => {
    const key = (name: string, byte: number) => {
      const file = path.join(dir, name);
      writeFileSync(file, Buffer.alloc(32, byte), { mode: 0o600 });
      return file;
    };
    const [one, two] = [key('one.key', 1), key('two.key', 2)];
    const labels = async (file: string, keyFile: string) => {
      const out = path.join(dir, file);
      const result = await kstoryInProcess(
        'labels',
        bundle,
        '-o',
        out,
        '--no-progress',
        '--mask-names',
        '--mask-key',
        keyFile,
      );
      expect(result.code, result.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    };
    const first = await labels('first.jsonl', one);
    const again = await labels('again.jsonl', one);
    const other = await labels('other.jsonl', two);
    // Same key: the same pseudonyms and the same redaction tokens, byte for byte.
    expect(again).toBe(first);
    expect(first).toContain('‹redacted:hmac:');
    // Another key: the planted namespace (shop) gets another pseudonym.
    const namespaces = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; context?: { namespaces: string[] } })
        .find((label) => label.type === 'troubleshooting')!.context!.namespaces;
    expect(namespaces(first)).toHaveLength(1);
    expect(namespaces(first)).not.toEqual(['shop']);
    expect(namespaces(other)).not.toEqual(['shop']);
    expect(namespaces(other)).not.toEqual(namespaces(first));
    for (const text of [first, other])
      for (const [name, value] of Object.entries(PLANTED)) expect(text, name).not.toContain(value);
  });

  it('refuses a key file too short to be a key', async () => {
    const short = path.join(dir, 'short.key');
    writeFileSync(short, 'secret\n');
    const result = await kstoryInProcess(
      'labels',
      bundle,
      '-o',
      path.join(dir, 'x.jsonl'),
      '--mask-key',
      short,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--mask-key ${short} holds 7 bytes: a key needs at least 16`);
  });
});
