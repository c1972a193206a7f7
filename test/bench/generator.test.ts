// The benchmark generator: same seed, same records; the promised mix of sources and shapes; and
// every record goes through to-row, so the writer benchmark measures the real conversion path.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classOfParsed, parseLine, toRow } from '../../bench/lib/convert.ts';
import { classOf, type Observation } from '../../bench/lib/gen/observation.ts';
import { DEFAULT_MIX, generateObservations } from '../../bench/lib/gen/simulation.ts';
import { classFilter, encodeObservation, readInputLines } from '../../bench/lib/input.ts';

const N = 6000;

function generate(seed: number, records = N): Observation[] {
  return [...generateObservations({ seed, records })];
}

function digest(observations: Observation[]): string {
  const hash = createHash('sha256');
  for (const o of observations) hash.update(encodeObservation(o)).update('\n');
  return hash.digest('hex');
}

const sample = generate(7);

describe('generator', () => {
  it('is deterministic: the same seed gives the same records, another seed others', () => {
    expect(digest(generate(7))).toBe(digest(sample));
    expect(digest(generate(8))).not.toBe(digest(sample));
  });

  it('yields exactly the requested number of records, between start and stop markers', () => {
    expect(sample).toHaveLength(N);
    expect(sample[0]).toMatchObject({ t: 'marker', marker: 'recording-start' });
    expect(sample.at(-1)).toMatchObject({ t: 'marker', marker: 'recording-stop' });
    expect(generate(7, 1)).toHaveLength(1);
  });

  it('follows the promised mix of sources', () => {
    const counts: Record<string, number> = {};
    for (const o of sample) {
      const source = o.t === 'watch' ? 'object' : o.t;
      counts[source] = (counts[source] ?? 0) + 1;
    }
    for (const [source, share] of Object.entries(DEFAULT_MIX)) {
      expect(Math.abs((counts[source] ?? 0) / N - share), source).toBeLessThan(0.03);
    }
  });

  it('writes Pods of several KB without managedFields, each going through many versions', () => {
    const pods = sample.filter((o) => o.t === 'watch' && o.object.kind === 'Pod') as Extract<
      Observation,
      { t: 'watch' }
    >[];
    const sizes = pods.map((p) => JSON.stringify(p.object).length).sort((a, b) => a - b);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeGreaterThan(4000);
    expect(pods.every((p) => !('managedFields' in (p.object.metadata as object)))).toBe(true);
    const versions = new Map<string, number>();
    for (const p of pods) {
      const uid = (p.object.metadata as { uid: string }).uid;
      versions.set(uid, (versions.get(uid) ?? 0) + 1);
    }
    expect(Math.max(...versions.values())).toBeGreaterThanOrEqual(8);
    const types = new Set(pods.map((p) => p.type));
    expect([...types].sort()).toEqual(['ADDED', 'DELETED', 'LISTED', 'MODIFIED']);
    const restarted = pods.some((p) =>
      ((p.object.status as { containerStatuses?: { restartCount: number }[] }).containerStatuses ?? []).some(
        (c) => c.restartCount > 0,
      ),
    );
    expect(restarted).toBe(true);
    const kinds = new Set(sample.flatMap((o) => (o.t === 'watch' ? [String(o.object.kind)] : [])));
    expect([...kinds].sort()).toEqual(['ConfigMap', 'Deployment', 'Node', 'Pod', 'ReplicaSet', 'Service']);
  });

  it('writes audit entries mostly at Metadata level, writes at RequestResponse with bodies', () => {
    const audit = sample.filter((o) => o.t === 'audit') as Extract<Observation, { t: 'audit' }>[];
    const rr = audit.filter((a) => a.entry.level === 'RequestResponse');
    expect(rr.length / audit.length).toBeGreaterThan(0.05);
    expect(rr.length / audit.length).toBeLessThan(0.25);
    expect(
      audit.filter((a) => a.entry.level === 'Metadata').every((a) => !('responseObject' in a.entry)),
    ).toBe(true);
    expect(rr.every((a) => ['create', 'update', 'patch', 'delete'].includes(String(a.entry.verb)))).toBe(
      true,
    );
    expect(rr.some((a) => 'responseObject' in a.entry)).toBe(true);
  });

  it('aggregates events, writes multi-line stack traces and both metric families', () => {
    expect(sample.some((o) => o.t === 'event' && Number(o.object.count) > 1)).toBe(true);
    const lines = sample.flatMap((o) => (o.t === 'log' ? [o.line] : []));
    expect(lines.some((l) => l.startsWith('\tat ') || l.startsWith('  File "'))).toBe(true);
    const names = new Set(sample.flatMap((o) => (o.t === 'metric' ? [o.name] : [])));
    expect([...names].some((n) => n.startsWith('kube_pod_'))).toBe(true);
    expect([...names].some((n) => n.startsWith('container_'))).toBe(true);
  });

  it('emits watch observations in time order', () => {
    const ts = sample.flatMap((o) => (o.t === 'watch' ? [o.ts] : []));
    expect([...ts].sort()).toEqual(ts);
  });
});

describe('input file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through to-row, and a class filter reads only that class, across chunk boundaries', async () => {
    const file = path.join(dir, 'input.ndjson');
    writeFileSync(file, `${sample.map(encodeObservation).join('\n')}\n`);
    const all: string[] = [];
    for await (const line of readInputLines(file, undefined, 4096)) all.push(line);
    expect(all).toHaveLength(N);
    const rows = all.map((line) => toRow(parseLine(line)));
    expect(rows.map((r) => r.source)).toEqual(sample.map((o) => (o.t === 'watch' ? 'object' : o.t)));

    const expected = sample.filter((o) => classOf(o) === 'audit:Metadata').length;
    const picked: string[] = [];
    for await (const line of readInputLines(file, classFilter(['audit:Metadata']), 4096)) picked.push(line);
    expect(picked).toHaveLength(expected);
    expect(picked.every((line) => classOfParsed(parseLine(line)) === 'audit:Metadata')).toBe(true);
  });
});
