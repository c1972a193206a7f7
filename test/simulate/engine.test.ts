// Unit tests of the simulator's building blocks: randomness, hashes, quantities, cron, the event
// recorder's aggregation and the kubelet's back-off text.

import { describe, expect, it } from 'vitest';
import { cronMatches } from '../../src/simulate/controllers/cronjob.ts';
import { VirtualClock } from '../../src/simulate/engine/clock.ts';
import type { SimContext } from '../../src/simulate/engine/context.ts';
import { podTemplateHash } from '../../src/simulate/engine/hash.ts';
import { parseBytes, parseCpuMillis, parseDuration } from '../../src/simulate/engine/quantity.ts';
import { ArraySink } from '../../src/simulate/engine/records.ts';
import { NAME_ALPHABET, Rng } from '../../src/simulate/engine/rng.ts';
import { EventRecorder } from '../../src/simulate/events/recorder.ts';
import { formatBackoff } from '../../src/simulate/kubelet/runtime-manager.ts';

describe('Rng', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, () => new Rng(seed).nextUint32());
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
    expect(draw(1)).toEqual(draw(1));
  });

  it('makes v4 UUIDs and name suffixes from the Kubernetes alphabet', () => {
    const rng = new Rng(7);
    expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const suffix = rng.nameSuffix();
    expect(suffix).toHaveLength(5);
    for (const ch of suffix) expect(NAME_ALPHABET).toContain(ch);
  });
});

describe('podTemplateHash', () => {
  it('is stable across key order and changes with the template', () => {
    const a = podTemplateHash({
      spec: { containers: [{ name: 'app', image: 'x:1' }] },
      metadata: { labels: { app: 'a' } },
    });
    const b = podTemplateHash({
      metadata: { labels: { app: 'a' } },
      spec: { containers: [{ image: 'x:1', name: 'app' }] },
    });
    const c = podTemplateHash({
      metadata: { labels: { app: 'a' } },
      spec: { containers: [{ image: 'x:2', name: 'app' }] },
    });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(new RegExp(`^[${NAME_ALPHABET}]{6,10}$`));
  });
});

describe('quantities and durations', () => {
  it('parse Kubernetes quantities', () => {
    expect(parseCpuMillis('250m')).toBe(250);
    expect(parseCpuMillis('1.5')).toBe(1500);
    expect(parseBytes('128Mi')).toBe(128 * 2 ** 20);
    expect(parseBytes('2G')).toBe(2e9);
    expect(() => parseBytes('12 apples')).toThrow(/quantity/);
  });

  it('parse scenario durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(() => parseDuration('5 minutes')).toThrow(/duration/);
  });

  it('print back-off delays as Go durations', () => {
    expect([10_000, 20_000, 40_000, 80_000, 160_000, 300_000].map(formatBackoff)).toEqual([
      '10s',
      '20s',
      '40s',
      '1m20s',
      '2m40s',
      '5m0s',
    ]);
  });
});

describe('cronMatches', () => {
  it('matches steps, lists and ranges in UTC', () => {
    const at = (iso: string) => new Date(iso);
    expect(cronMatches('*/10 * * * *', at('2026-03-02T09:20:00Z'))).toBe(true);
    expect(cronMatches('*/10 * * * *', at('2026-03-02T09:21:00Z'))).toBe(false);
    expect(cronMatches('0 2 * * 1-5', at('2026-03-02T02:00:00Z'))).toBe(true);
    expect(cronMatches('0 2 * * 1-5', at('2026-03-01T02:00:00Z'))).toBe(false);
    expect(cronMatches('5,35 * * * *', at('2026-03-02T09:35:00Z'))).toBe(true);
  });
});

function recorderAt(start: number) {
  const sink = new ArraySink();
  const clock = new VirtualClock(start);
  const sim = { clock, rng: new Rng(1), sink } as unknown as SimContext;
  return { recorder: new EventRecorder(sim), sink, clock };
}

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  name: 'web-1',
  namespace: 'shop',
  uid: 'u1',
  fieldPath: 'spec.containers{app}',
};

describe('EventRecorder', () => {
  it('aggregates identical events into one Event with a count and first/last timestamps', () => {
    const { recorder, sink, clock } = recorderAt(Date.parse('2026-03-02T09:00:00Z'));
    recorder.record(
      { component: 'kubelet', host: 'n1' },
      POD,
      'Warning',
      'BackOff',
      'Back-off restarting failed container app',
    );
    clock.advanceTo(clock.now + 30_000);
    recorder.record(
      { component: 'kubelet', host: 'n1' },
      POD,
      'Warning',
      'BackOff',
      'Back-off restarting failed container app',
    );
    const events = sink.records.map((r) =>
      r.type === 'event' ? (r.event as Record<string, unknown>) : null,
    );
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      count: 2,
      firstTimestamp: '2026-03-02T09:00:00Z',
      lastTimestamp: '2026-03-02T09:00:30Z',
      source: { component: 'kubelet', host: 'n1' },
    });
    expect((events[0] as { metadata: { name: string } }).metadata.name).toBe(
      (events[1] as { metadata: { name: string } }).metadata.name,
    );
  });

  it('starts a new Event once the old one expired (1 h after its last write)', () => {
    const { recorder, sink, clock } = recorderAt(Date.parse('2026-03-02T09:00:00Z'));
    recorder.record({ component: 'kubelet' }, POD, 'Warning', 'BackOff', 'm');
    clock.advanceTo(clock.now + 3_600_000);
    recorder.record({ component: 'kubelet' }, POD, 'Warning', 'BackOff', 'm');
    const [a, b] = sink.records.map((r) =>
      r.type === 'event' ? (r.event as unknown as { count: number; metadata: { name: string } }) : null,
    );
    expect(b?.count).toBe(1);
    expect(b?.metadata.name).not.toBe(a?.metadata.name);
  });

  it('combines more than 10 similar events within 10 minutes', () => {
    const { recorder, sink, clock } = recorderAt(Date.parse('2026-03-02T09:00:00Z'));
    for (let i = 0; i < 12; i++) {
      recorder.record(
        { component: 'replicaset-controller' },
        POD,
        'Warning',
        'FailedCreate',
        `Error creating: attempt ${i}`,
      );
      clock.advanceTo(clock.now + 1000);
    }
    const last = sink.records.at(-1);
    expect(last?.type === 'event' && (last.event as unknown as { message: string }).message).toBe(
      '(combined from similar events): Error creating: attempt 11',
    );
  });

  it('drops spam beyond a burst of 25 per source and object, refilled one per 5 minutes', () => {
    const { recorder, sink, clock } = recorderAt(Date.parse('2026-03-02T09:00:00Z'));
    for (let i = 0; i < 40; i++) recorder.record({ component: 'kubelet' }, POD, 'Warning', 'BackOff', 'm');
    expect(sink.records).toHaveLength(25);
    clock.advanceTo(clock.now + 300_000);
    for (let i = 0; i < 3; i++) recorder.record({ component: 'kubelet' }, POD, 'Warning', 'BackOff', 'm');
    expect(sink.records).toHaveLength(26);
  });

  it('records events.k8s.io/v1 series for repeats of the scheduler', () => {
    const { recorder, sink, clock } = recorderAt(Date.parse('2026-03-02T09:00:00Z'));
    recorder.recordNew(
      'default-scheduler',
      'default-scheduler-cp',
      POD,
      'Warning',
      'FailedScheduling',
      'Scheduling',
      '0/3 nodes are available',
    );
    clock.advanceTo(clock.now + 60_000);
    recorder.recordNew(
      'default-scheduler',
      'default-scheduler-cp',
      POD,
      'Warning',
      'FailedScheduling',
      'Scheduling',
      '0/3 nodes are available',
    );
    const last = sink.records.at(-1);
    expect(last?.type === 'event' && last.event).toMatchObject({
      apiVersion: 'v1',
      action: 'Scheduling',
      series: { count: 2 },
      reportingComponent: 'default-scheduler',
      source: {},
    });
  });
});

describe('determinism guard', () => {
  it('keeps the wall clock and Math.random out of src/simulate', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(import.meta.dirname, '../../src/simulate');
    const offenders: string[] = [];
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = path.join(entry.parentPath, entry.name);
      const code = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
      if (/Math\.random\(|Date\.now\(|new Date\(\)|performance\.now\(/.test(code))
        offenders.push(path.relative(root, file));
    }
    expect(offenders).toEqual([]);
  });
});
