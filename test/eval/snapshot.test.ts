// A recording seen as a snapshot: the last version of every object that still exists and of every
// Event, as kubectl get -o json would list them at the recording's end, imported as a dump.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSnapshotList } from '../../src/eval/snapshot.ts';
import { runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const RECORDING = path.resolve('fixtures', 'node-lost.parquet');

interface Item {
  kind: string;
  metadata: { uid?: string; name: string; namespace?: string; resourceVersion?: string };
  count?: number;
}

describe('a recording seen as a snapshot', () => {
  it('lists each object that still exists once, at its last version, and each Event at its last count', async () => {
    const file = path.join(tempDir(), 'state.json');
    const written = await writeSnapshotList(RECORDING, file);
    const list = JSON.parse(readFileSync(file, 'utf8')) as { kind: string; items: Item[] };
    expect(list.kind).toBe('List');
    expect(list.items).toHaveLength(written);

    const recording = await openBundle([RECORDING]);
    try {
      const deleted = await recording.query<{ uid: string }>(
        `SELECT DISTINCT uid FROM objects WHERE watch_event = 'DELETED' AND uid IS NOT NULL`,
      );
      const uids = list.items.map((i) => i.metadata.uid);
      expect(deleted.length).toBeGreaterThan(0);
      for (const { uid } of deleted) expect(uids).not.toContain(uid);
      expect(new Set(uids).size).toBe(uids.length);

      const [counted] = await recording.query<{ uid: string; n: number }>(
        `SELECT event_uid AS uid, max(event_count)::INTEGER AS n FROM events
         GROUP BY event_uid ORDER BY n DESC LIMIT 1`,
      );
      expect(list.items.find((i) => i.metadata.uid === counted!.uid)?.count).toBe(counted!.n);
    } finally {
      recording.close();
    }

    const output = path.join(tempDir(), 'snapshot.parquet');
    await runImport({ inputs: [file], output, progress: false });
    const snapshot = await openBundle([output]);
    try {
      expect(snapshot.metadata.snapshot).toBe(true);
    } finally {
      snapshot.close();
    }
  });
});
