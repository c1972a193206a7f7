// `lasting` on a state (a workload short of replicas for 10 minutes) holds for one episode of it:
// runs of the state less than 5 minutes apart are one episode, a longer quiet spell ends it. A
// Deployment short for a minute during a rollout and again for half an hour after a node is lost
// has lasted since the node was lost.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const pattern = loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, 'workload-replicas-mismatch.yaml'));
const WINDOW = { start: '2026-03-01T10:00:00Z', end: '2026-03-01T10:45:00Z', snapshot: false };

function deployment(ts: string, ready: number, version: number): BundleRow {
  return {
    source: 'object',
    ts,
    api_version: 'apps/v1',
    kind: 'Deployment',
    namespace: 'shop',
    name: 'web',
    uid: 'dep-web',
    resource_version: String(version),
    watch_event: version === 1 ? 'ADDED' : 'MODIFIED',
    replicas_desired: 2,
    replicas_ready: ready,
    replicas_available: ready,
    body: {},
  };
}

async function firstShortfall(readiness: [string, number][]): Promise<string | undefined> {
  const bundle = await openRows(
    tempDir(),
    'episodes.parquet',
    readiness.map(([ts, ready], i) => deployment(ts, ready, i + 1)),
  );
  try {
    const [finding] = await detectPattern(bundle, pattern, WINDOW);
    return finding?.first;
  } finally {
    bundle.close();
  }
}

describe('lasting states, episode by episode', () => {
  it('dates the shortfall from the episode that lasted, not from an earlier blip', async () => {
    expect(
      await firstShortfall([
        ['2026-03-01T10:00:00Z', 2],
        ['2026-03-01T10:03:00Z', 1],
        ['2026-03-01T10:04:00Z', 2],
        ['2026-03-01T10:11:00Z', 1],
      ]),
    ).toBe('2026-03-01T10:11:00.000000Z');
  });

  it('takes a state that flaps back within minutes for one episode', async () => {
    expect(
      await firstShortfall([
        ['2026-03-01T10:00:00Z', 2],
        ['2026-03-01T10:03:00Z', 1],
        ['2026-03-01T10:07:00Z', 2],
        ['2026-03-01T10:08:00Z', 1],
        ['2026-03-01T10:11:00Z', 2],
        ['2026-03-01T10:13:00Z', 1],
        ['2026-03-01T10:16:00Z', 2],
      ]),
    ).toBe('2026-03-01T10:03:00.000000Z');
  });

  it('finds nothing when no episode lasted, however long they span together', async () => {
    expect(
      await firstShortfall([
        ['2026-03-01T10:00:00Z', 2],
        ['2026-03-01T10:03:00Z', 1],
        ['2026-03-01T10:04:00Z', 2],
        ['2026-03-01T10:20:00Z', 1],
        ['2026-03-01T10:22:00Z', 2],
      ]),
    ).toBeUndefined();
  });
});
