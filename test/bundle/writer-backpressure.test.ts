// The bundle writer's back-pressure: with a compactor slower than its producer, the closed segments
// waiting for compaction never exceed the bound, the producer waits instead, and every row arrives.

import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { numberedRows } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

/** A compactor that compacts a segment only when the test lets it (one at a time, or all). */
const gate = vi.hoisted(() => {
  const held: (() => void)[] = [];
  let open = false;
  return {
    held,
    async pass(): Promise<void> {
      if (!open) await new Promise<void>((resolve) => held.push(resolve));
    },
    releaseOne(): boolean {
      const next = held.shift();
      next?.();
      return next !== undefined;
    },
    openAll(): void {
      open = true;
      for (const resolve of held.splice(0)) resolve();
    },
    reset(): void {
      open = false;
      held.length = 0;
    },
  };
});

vi.mock('../../src/bundle/compaction.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/bundle/compaction.ts')>();
  return {
    ...real,
    compactSegment: async (...args: Parameters<typeof real.compactSegment>) => {
      await gate.pass();
      return real.compactSegment(...args);
    },
  };
});

const tempDir = useTempDir();

/** Lets every pending callback and promise run (the writer's compaction chain included). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('BundleWriter back-pressure', () => {
  it('keeps the compaction backlog within its bound while compaction is slow, and loses no row', async () => {
    gate.reset();
    const output = path.join(tempDir(), 'slow.parquet');
    const bound = 2;
    const writer = await BundleWriter.create({
      output,
      metadata: { producer: 'test' },
      // A segment per flush: each batch below closes one.
      segmentMaxBytes: 1024,
      maxBacklogSegments: bound,
    });
    const rows = numberedRows(600);
    let waits = 0;
    for (let i = 0; i < rows.length; i += 10) {
      for (const row of rows.slice(i, i + 10)) writer.append(row);
      writer.flush({ sync: false });
      expect(writer.backlog.segments).toBeLessThanOrEqual(bound);
      if (writer.throttled) {
        waits++;
        let roomMade = false;
        const room = writer.room().then(() => {
          roomMade = true;
        });
        await settle();
        // Nothing was compacted: the producer is still waiting.
        expect(roomMade).toBe(false);
        expect(writer.backlog.segments).toBe(bound);
        expect(gate.releaseOne()).toBe(true);
        await room;
        expect(writer.backlog.segments).toBeLessThan(bound);
      }
    }
    expect(waits).toBeGreaterThan(10);
    expect(writer.backlog.peakSegments).toBe(bound);
    gate.openAll();
    const result = await writer.finish();
    expect(result.rows).toBe(600);
    const db = await Database.open();
    try {
      const [counts] = await db.all(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT name)::INTEGER AS names FROM read_parquet(${sqlString(output)})`,
      );
      expect(counts).toEqual({ n: 600, names: 600 });
    } finally {
      db.close();
    }
  });

  it('makes room at once when compaction keeps up, and for waiting producers when the writer stops', async () => {
    gate.reset();
    const output = path.join(tempDir(), 'stop.parquet');
    const writer = await BundleWriter.create({
      output,
      metadata: { producer: 'test' },
      segmentMaxBytes: 1024,
      maxBacklogSegments: 1,
    });
    expect(writer.throttled).toBe(false);
    await writer.room();
    for (const row of numberedRows(10)) writer.append(row);
    writer.flush({ sync: false });
    expect(writer.throttled).toBe(true);
    const room = writer.room();
    gate.openAll();
    await room;
    await writer.close();
    expect(writer.throttled).toBe(false);
  });
});
