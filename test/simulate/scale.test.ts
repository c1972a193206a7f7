// The benchmark generator: the requested size and a realistic mix of sources, deterministic per
// seed, and rows the bundle writer accepts.

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { scaleRows } from '../../src/simulate/scale/scale.ts';
import { parseScale } from '../../src/simulate/scale/spec.ts';

const START = Date.parse('2026-03-02T09:00:00Z');

async function generate(spec: string, seed: number): Promise<BundleRow[]> {
  const rows: BundleRow[] = [];
  await scaleRows(parseScale(spec), seed, START, (row) => rows.push(row));
  return rows;
}

describe('simulate --scale', () => {
  it('parses its spec and refuses unknown keys', () => {
    expect(parseScale('nodes=10,pods=300,hours=2,records=50k')).toEqual({
      nodes: 10,
      pods: 300,
      hours: 2,
      records: 50_000,
    });
    expect(parseScale('records=10M').records).toBe(10_000_000);
    expect(() => parseScale('nodes=10,colour=blue')).toThrow(/"colour=blue" is not one of/);
    expect(() => parseScale('nodes=100,pods=10')).toThrow(/fewer pods than nodes/);
  });

  it('writes about the requested number of rows, mostly metrics, with every source present', async () => {
    const rows = await generate('nodes=5,pods=80,hours=2,records=20000', 1);
    expect(rows.length).toBeGreaterThan(17_000);
    expect(rows.length).toBeLessThan(22_000);
    const share = (source: string) => rows.filter((r) => r.source === source).length / rows.length;
    expect(share('metric')).toBeGreaterThan(0.5);
    expect(share('log')).toBeGreaterThan(0.1);
    for (const source of ['object', 'event', 'audit']) expect(share(source), source).toBeGreaterThan(0.005);
    const end = new Date(START + 2 * 3_600_000).toISOString();
    expect(rows.every((r) => r.ts >= '2026-03-02T08:59' && r.ts <= end)).toBe(true);
    const nodes = new Set(rows.filter((r) => r.source === 'object' && r.kind === 'Node').map((r) => r.name));
    expect(nodes.size).toBe(5);
  });

  it('is deterministic for a seed', async () => {
    const spec = 'nodes=3,pods=24,hours=1,records=3000';
    const a = JSON.stringify(await generate(spec, 2));
    expect(JSON.stringify(await generate(spec, 2))).toBe(a);
    expect(JSON.stringify(await generate(spec, 3))).not.toBe(a);
  });
});
