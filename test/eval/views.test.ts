// A recording seen through the partial views an evaluation measures confidence on: a dump of its
// objects or of its Events alone, and kubectl describe text read back by the importer.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeKubectlText } from '../../src/cli/kubectl-view.ts';
import { writeSnapshotList } from '../../src/eval/snapshot.ts';
import { runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const RECORDING = path.resolve('fixtures', 'bad-command.parquet');

describe('a recording dumped with one kind of item', () => {
  it('lists its objects alone, or its Events alone', async () => {
    const kinds = async (sources: ('object' | 'event')[]) => {
      const file = path.join(tempDir(), 'list.json');
      await writeSnapshotList(RECORDING, file, sources);
      const list = JSON.parse(readFileSync(file, 'utf8')) as { items: { kind: string }[] };
      return new Set(list.items.map((i) => i.kind));
    };
    const objects = await kinds(['object']);
    expect(objects.has('Pod')).toBe(true);
    expect(objects.has('Event')).toBe(false);
    expect([...(await kinds(['event']))]).toEqual(['Event']);
  });
});

describe('a recording seen as kubectl describe text', () => {
  it('describes its pods, Deployments and nodes under their commands, and imports back as text-derived objects and Events', async () => {
    const dir = tempDir();
    const text = path.join(dir, 'describe.txt');
    const { described, at } = await writeKubectlText(RECORDING, text);
    const content = readFileSync(text, 'utf8');
    expect(content.match(/^\$ kubectl describe /gm)).toHaveLength(described);
    for (const word of ['pod', 'deployment', 'node'])
      expect(content).toMatch(new RegExp(`^\\$ kubectl describe ${word} \\S+`, 'm'));
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const output = path.join(dir, 'kubectl.parquet');
    const result = await runImport({ inputs: [text], output, progress: false, at });
    expect(result.bundle).not.toBeNull();
    const bundle = await openBundle([output]);
    try {
      expect(bundle.metadata.snapshot).toBe(true);
      const [pods] = await bundle.query<{ n: number; derived: number }>(
        `SELECT count(*)::INTEGER AS n,
                count(*) FILTER (WHERE CAST(body AS VARCHAR) LIKE '%kstory.dev/derived-from%')::INTEGER AS derived
         FROM objects WHERE kind = 'Pod'`,
      );
      expect(pods!.n).toBe(content.match(/^\$ kubectl describe pod /gm)!.length);
      expect(pods!.derived).toBe(pods!.n);
      const [events] = await bundle.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM events`);
      expect(events!.n).toBeGreaterThan(0);
    } finally {
      bundle.close();
    }
  });
});
