// The benchmark generator: the requested size and a realistic mix of sources, deterministic per
// seed, and rows the bundle writer accepts.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { scaleRows } from '../../src/simulate/scale/scale.ts';
import { parseScale } from '../../src/simulate/scale/spec.ts';
import { useTempDir } from '../support/temp.ts';

const START = Date.parse('2026-03-02T09:00:00Z');
const tempDir = useTempDir();

interface Row {
  source: string;
  ts: string;
  kind: string | null;
  name: string | null;
  metric_name: string | null;
  metric_value: number | null;
  log_line: string | null;
}

/** The rows of a scaled bundle (logs and metrics are built in SQL, the rest as rows), in file order. */
async function generate(spec: string, seed: number): Promise<Row[]> {
  const output = path.join(tempDir(), `scale-${seed}-${Math.random().toString(36).slice(2)}.parquet`);
  const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
  const { rows } = await scaleRows(parseScale(spec), seed, START, writer);
  const result = await writer.finish();
  expect(result.rows).toBe(rows);
  const db = await Database.open();
  try {
    return await db.all<Row>(
      `SELECT source, strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, kind, name, metric_name, metric_value, log_line
       FROM read_parquet(${sqlString(output)}) ORDER BY ALL`,
    );
  } finally {
    db.close();
  }
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
    // Every node and pod is scraped, and a CPU counter only grows.
    const scraped = new Set(rows.filter((r) => r.source === 'metric').map((r) => r.name));
    expect(scraped.size).toBe(85);
    const cpu = new Map<string, number>();
    for (const r of rows.filter((r) => r.metric_name === 'container_cpu_usage_seconds_total')) {
      expect(r.metric_value!).toBeGreaterThan(cpu.get(r.name!) ?? 0);
      cpu.set(r.name!, r.metric_value!);
    }
    // Access logs with a few errors, as a web application writes them.
    const logs = rows
      .filter((r) => r.source === 'log')
      .map((r) => JSON.parse(r.log_line!) as { status: number });
    const errors = logs.filter((l) => l.status === 500).length / logs.length;
    expect(errors).toBeGreaterThan(0.002);
    expect(errors).toBeLessThan(0.03);
  });

  it('is deterministic for a seed', async () => {
    const spec = 'nodes=3,pods=24,hours=1,records=3000';
    const a = JSON.stringify(await generate(spec, 2));
    expect(JSON.stringify(await generate(spec, 2))).toBe(a);
    expect(JSON.stringify(await generate(spec, 3))).not.toBe(a);
  });
});
