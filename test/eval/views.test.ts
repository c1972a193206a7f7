// A recording seen through the partial views an evaluation measures confidence on: a dump of its
// objects or of its Events alone, kubectl describe text read back by the importer, and its audit log
// written as the API server writes it and imported as users import theirs.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeKubectlText } from '../../src/cli/kubectl-view.ts';
import { writeAuditLog } from '../../src/eval/audit-log.ts';
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

describe('a recording seen through its audit log alone', () => {
  it('writes each request as one entry a line, which the importer reads back as the same audit rows, with the objects their bodies show', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'audit.log');
    const written = await writeAuditLog(RECORDING, log);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(written);
    for (const line of lines.slice(0, 50))
      expect(JSON.parse(line)).toMatchObject({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        stage: 'ResponseComplete',
      });

    const output = path.join(dir, 'audit.parquet');
    await runImport({ inputs: [log], output, progress: false });
    const COLUMNS = `audit_id, ts, kind, namespace, name, audit_level, audit_verb, audit_user, audit_uri,
      audit_subresource, audit_decision, audit_code`;
    const recording = await openBundle([RECORDING]);
    let expected: unknown[];
    try {
      expected = await recording.query(`SELECT ${COLUMNS} FROM audit ORDER BY audit_id`);
    } finally {
      recording.close();
    }
    const bundle = await openBundle([output]);
    try {
      expect(await bundle.query(`SELECT ${COLUMNS} FROM audit ORDER BY audit_id`)).toEqual(expected);
      // The kubelet's status patches (Request level) show its pods' states.
      const [pods] = await bundle.query<{ n: number }>(
        `SELECT count(DISTINCT name)::INTEGER AS n FROM containers WHERE reason = 'CrashLoopBackOff'`,
      );
      expect(pods!.n).toBeGreaterThan(0);
    } finally {
      bundle.close();
    }
  });
});
