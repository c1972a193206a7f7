// Problems that start as their object starts and clear by themselves within minutes, with no change
// explaining them, are the churn of a living cluster: counted, not reported as incidents, unless
// asked for (--all). The same short problem on an object that had been running is an incident.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { ContainerRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const crashing: ContainerRow = {
  name: 'app',
  init: false,
  ready: false,
  restart_count: 3,
  state: 'waiting',
  reason: 'CrashLoopBackOff',
  last_reason: 'Error',
  last_exit_code: 1,
};
const recovered: ContainerRow = {
  name: 'app',
  init: false,
  ready: true,
  restart_count: 3,
  state: 'running',
  last_reason: 'Error',
  last_exit_code: 1,
};

describe('transient problems', () => {
  it('counts a new pod crash-looping for minutes as transient, and shows it with --all', async () => {
    const created_at = '2026-03-01T09:59:00Z';
    const bundle = await openRows(tempDir(), 'blip.parquet', [
      aPodRow({ ts: '2026-03-01T10:00:00Z', created_at, containers: [crashing] }),
      aPodRow({ ts: '2026-03-01T10:04:00Z', created_at, containers: [recovered] }),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents).toEqual([]);
      expect(report.transient).toBe(1);
      const crash = report.findings.find((f) => f.pattern === 'crash-loop-backoff')!;
      expect(crash.resolved).toBe('2026-03-01T10:04:00.000000Z');
      const all = await analyzeBundle(bundle, { all: true });
      expect(all.incidents.map((i) => all.findings[i.root]!.pattern)).toEqual(['crash-loop-backoff']);
    } finally {
      bundle.close();
    }
  });

  it('reports a crash loop of minutes on a pod that had been running for an hour', async () => {
    const created_at = '2026-03-01T09:00:00Z';
    const bundle = await openRows(tempDir(), 'relapse.parquet', [
      aPodRow({ ts: '2026-03-01T09:00:00Z', created_at, containers: [{ ...recovered, restart_count: 0 }] }),
      aPodRow({ ts: '2026-03-01T10:00:00Z', created_at, containers: [crashing] }),
      aPodRow({ ts: '2026-03-01T10:04:00Z', created_at, containers: [recovered] }),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents.map((i) => report.findings[i.root]!.pattern)).toEqual(['crash-loop-backoff']);
      expect(report.transient).toBe(0);
    } finally {
      bundle.close();
    }
  });

  it('reports a crash loop that lasted, even though it recovered in the end', async () => {
    const bundle = await openRows(tempDir(), 'outage.parquet', [
      aPodRow({ ts: '2026-03-01T10:00:00Z', containers: [crashing] }),
      aPodRow({ ts: '2026-03-01T10:40:00Z', containers: [recovered] }),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents.map((i) => report.findings[i.root]!.pattern)).toEqual(['crash-loop-backoff']);
      expect(report.transient).toBe(0);
    } finally {
      bundle.close();
    }
  });

  it('reports a crash loop still going at the end of the bundle', async () => {
    const bundle = await openRows(tempDir(), 'ongoing.parquet', [
      aPodRow({ ts: '2026-03-01T10:00:00Z', containers: [recovered] }),
      aPodRow({ ts: '2026-03-01T10:02:00Z', containers: [crashing] }),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents).toHaveLength(1);
      expect(report.findings.find((f) => f.pattern === 'crash-loop-backoff')!.resolved).toBeNull();
    } finally {
      bundle.close();
    }
  });
});
