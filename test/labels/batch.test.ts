// kstory labels over many bundles: one DuckDB instance per lane reads them in turn and lanes work at
// once, yet each bundle's labels are those it gets alone, in the order the bundles were given.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inLanes } from '../../src/labels/lanes.ts';
import { generateLabels, type LabelRun } from '../../src/labels/run.ts';
import type { Label } from '../../src/labels/schema.ts';
import { ROOT } from '../support/cli.ts';

const fixture = (name: string) => path.join(ROOT, 'fixtures', `${name}.parquet`);
const MISSING = path.join(ROOT, 'fixtures', 'no-such-bundle.parquet');
// Two lanes: the first reads bad-config-rollout, then oom-memory-leak through the same instance.
const BATCH = [
  fixture('bad-config-rollout'),
  MISSING,
  fixture('oom-memory-leak'),
  fixture('healthy-cluster'),
];

async function labelsOf(inputs: string[], lanes: number): Promise<{ labels: Label[]; run: LabelRun }> {
  const labels: Label[] = [];
  const run = await generateLabels(inputs, { mask: false, lanes }, (label) => {
    labels.push(label);
  });
  return { labels, run };
}

let batch: { labels: Label[]; run: LabelRun };
let alone: { labels: Label[]; run: LabelRun }[];

beforeAll(async () => {
  batch = await labelsOf(BATCH, 2);
  alone = [];
  for (const input of BATCH.filter((b) => b !== MISSING)) alone.push(await labelsOf([input], 1));
});

describe('kstory labels over many bundles', () => {
  it('gives each bundle the labels it gets alone, in the order the bundles were given', () => {
    expect(batch.labels.length).toBeGreaterThan(0);
    expect(batch.labels).toEqual(alone.flatMap((a) => a.labels));
    expect(batch.run.notes).toEqual(alone.flatMap((a) => a.run.notes));
    expect(batch.run.bundles).toBe(3);
    expect(batch.run.written).toBe(batch.labels.length);
  });

  it('counts a bundle it cannot read, says why, and labels the others', () => {
    expect(batch.run.failed).toEqual([{ bundle: MISSING, error: expect.stringContaining('no such file') }]);
  });
});

describe('lanes', () => {
  it('hands results on in the items’ order whatever order they finish in, never far ahead', async () => {
    const emitted: number[] = [];
    let running = 0;
    let most = 0;
    await inLanes(
      9,
      { lanes: 3, ahead: 4 },
      async (i) => {
        most = Math.max(most, i - emitted.length);
        running++;
        // Later items finish first.
        for (let k = 0; k < 9 - i; k++) await Promise.resolve();
        running--;
        return i * 10;
      },
      async (i, r) => {
        expect(r).toBe(i * 10);
        emitted.push(i);
      },
    );
    expect(emitted).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(running).toBe(0);
    expect(most).toBeLessThan(4);
  });

  it('throws the first failure once every lane has stopped, and starts nothing after it', async () => {
    const started: number[] = [];
    let running = 0;
    const done = inLanes(
      20,
      { lanes: 2 },
      async (i) => {
        started.push(i);
        running++;
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        if (i === 3) throw new Error('item 3 failed');
        return i;
      },
      async () => {},
    );
    await expect(done).rejects.toThrow('item 3 failed');
    expect(running).toBe(0);
    expect(Math.max(...started)).toBeLessThan(8);
  });
});
