// Detection over real (small) bundles: signals grouped by subject, conditions, variants, event
// counting, windows, confidence and evidence.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const builtin = (id: string) => loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, `${id}.yaml`));
const WINDOW = { start: '2026-03-01T00:00:00Z', end: '2026-03-02T00:00:00Z', snapshot: false };

function anEvent(overrides: Partial<BundleRow>): BundleRow {
  return {
    source: 'event',
    ts: '2026-03-01T10:42:10Z',
    api_version: 'v1',
    kind: 'Pod',
    namespace: 'shop',
    name: 'checkout-7d9f8-abcde',
    event_type: 'Warning',
    event_count: 1,
    event_source: 'kubelet',
    ...overrides,
  };
}

const healthyPod = aPodRow({
  name: 'cart-5c6d7-xyz12',
  uid: 'cart-uid',
  containers: [
    { name: 'app', image: 'cart:v1', init: false, ready: true, restart_count: 0, state: 'running' },
  ],
  conditions: [{ type: 'Ready', status: 'True' }],
});

describe('detectPattern', () => {
  it('finds a crash-looping container, picks the OOM variant and shows the evidence once', async () => {
    const bundle = await openRows(tempDir(), 'crash.parquet', [
      aPodRow({
        ts: '2026-03-01T10:30:00Z',
        containers: [{ name: 'app', restart_count: 0, state: 'running' }],
      }),
      aPodRow(),
      aLogRow(),
      anEvent({
        container: 'app',
        event_reason: 'BackOff',
        event_message: 'Back-off restarting failed container app in pod checkout',
        event_count: 12,
        event_uid: 'e1',
      }),
      healthyPod,
    ]);
    try {
      const findings = await detectPattern(bundle, builtin('crash-loop-backoff'), WINDOW);
      expect(findings).toHaveLength(1);
      const [finding] = findings;
      expect(finding!.subject).toEqual({
        namespace: 'shop',
        kind: 'Pod',
        name: 'checkout-7d9f8-abcde',
        container: 'app',
      });
      expect(finding!.variant).toBe('oom-killed');
      // The pod's last state holds until the end of the analysed window.
      expect(finding!.summary).toContain('3 restarts by 2026-03-02 00:00:00Z');
      // It begins with the panic its previous instance logged, before the kubelet's first back-off.
      expect(finding!.first).toBe('2026-03-01T10:41:59.500000Z');
      expect(finding!.confidence_reasons[0]).toBe('0.70 base for crash-loop-backoff');
      expect(finding!.confidence_reasons).toContain(
        '+0.10 it was last killed for exceeding its memory limit',
      );
      const keys = finding!.evidence.map((e) => `${e.ts}|${e.source}|${e.excerpt}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(finding!.evidence.map((e) => e.source).sort()).toEqual(['event', 'log', 'object']);
      expect(
        finding!.remediation.some((r) => r.includes('kstory describe Pod -n shop checkout-7d9f8-abcde --at')),
      ).toBe(true);
    } finally {
      bundle.close();
    }
  });

  it('reports nothing for a healthy pod', async () => {
    const bundle = await openRows(tempDir(), 'healthy.parquet', [healthyPod]);
    try {
      for (const id of ['crash-loop-backoff', 'oom-killed', 'image-pull-backoff', 'liveness-probe-failed']) {
        expect(await detectPattern(bundle, builtin(id), WINDOW)).toEqual([]);
      }
    } finally {
      bundle.close();
    }
  });

  it('counts an event’s repetitions once per Event object, not once per version', async () => {
    const failed = (count: number, uid: string) =>
      anEvent({
        container: 'app',
        event_reason: 'Unhealthy',
        event_message: 'Liveness probe failed: HTTP probe failed with statuscode: 500',
        event_count: count,
        event_uid: uid,
      });
    const repeated = await openRows(tempDir(), 'repeated.parquet', [
      failed(1, 'e1'),
      failed(2, 'e1'),
      failed(4, 'e1'),
    ]);
    const once = await openRows(tempDir(), 'once.parquet', [
      failed(1, 'e1'),
      failed(1, 'e1'),
      failed(1, 'e1'),
    ]);
    try {
      const [finding] = await detectPattern(repeated, builtin('liveness-probe-failed'), WINDOW);
      expect(finding?.signals.unhealthy?.occurrences).toBe(4);
      expect(finding?.variant).toBe('http-error');
      expect(await detectPattern(once, builtin('liveness-probe-failed'), WINDOW)).toEqual([]);
    } finally {
      repeated.close();
      once.close();
    }
  });

  it('applies a pod-level hit to the containers other signals found', async () => {
    const bundle = await openRows(tempDir(), 'pod-level.parquet', [
      aPodRow({
        containers: [
          { name: 'app', reason: 'CreateContainerConfigError', state: 'waiting', restart_count: 0 },
        ],
      }),
      anEvent({
        event_reason: 'Failed',
        event_message: 'Error: configmap "checkout-config" not found',
        event_count: 5,
        event_uid: 'e9',
      }),
    ]);
    try {
      const findings = await detectPattern(bundle, builtin('create-container-config-error'), WINDOW);
      expect(findings.map((f) => [f.subject.container, f.variant])).toEqual([['app', 'missing-configmap']]);
    } finally {
      bundle.close();
    }
  });

  it('only looks inside the analysed window, and lowers confidence for snapshots', async () => {
    const bundle = await openRows(tempDir(), 'window.parquet', [aPodRow()]);
    try {
      const pattern = builtin('oom-killed');
      const before = { start: '2026-03-01T10:50:00Z', end: '2026-03-01T11:00:00Z', snapshot: false };
      expect(await detectPattern(bundle, pattern, before)).toEqual([]);
      const [live] = await detectPattern(bundle, pattern, WINDOW);
      const [snapshot] = await detectPattern(bundle, pattern, { ...WINDOW, snapshot: true });
      expect(snapshot!.confidence).toBeCloseTo(live!.confidence - 0.1, 5);
      expect(snapshot!.confidence_reasons.at(-1)).toMatch(/snapshot bundle/);
    } finally {
      bundle.close();
    }
  });
});

describe('analyzeBundle', () => {
  it('ranks incidents by severity, confidence and impact, filters by namespace, and checks pattern ids', async () => {
    const bundle = await openRows(tempDir(), 'ranked.parquet', [
      aPodRow(),
      aPodRow({
        namespace: 'batch',
        name: 'report-1',
        uid: 'r1',
        containers: [{ name: 'main', reason: 'InvalidImageName', state: 'waiting' }],
      }),
    ]);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.schema).toBe('kstory.report/v2');
      expect(report.incidents.map((i) => i.rank)).toEqual(report.incidents.map((_, i) => i + 1));
      const scores = report.incidents.map((i) => i.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(report.findings.map((f) => f.pattern)).toContain('invalid-image-name');
      // OOM kills explain the crash loop of the same container: one incident, OOM first.
      const shop = report.incidents.find((i) => report.findings[i.root]!.subject.namespace === 'shop')!;
      expect(shop.chain.map((s) => report.findings[s.finding]!.pattern)).toEqual([
        'oom-killed',
        'crash-loop-backoff',
      ]);
      expect(shop.chain[1]!.via?.link).toBe('oom-crash-loop');
      const shopOnly = await analyzeBundle(bundle, { namespaces: ['sh*'] });
      expect(shopOnly.incidents.every((i) => report.findings[i.root]!.subject.namespace === 'shop')).toBe(
        true,
      );
      expect(shopOnly.incidents.length).toBeGreaterThan(0);
      const top = await analyzeBundle(bundle, { top: 1 });
      expect(top.incidents).toHaveLength(1);
      expect(top.omitted).toBe(report.incidents.length - 1);
      await expect(analyzeBundle(bundle, { only: ['no-such-pattern'] })).rejects.toThrow(
        /unknown pattern id "no-such-pattern"/,
      );
      await expect(analyzeBundle(bundle, { since: 'yesterday' })).rejects.toThrow(
        /--since "yesterday" is neither a time nor a duration/,
      );
    } finally {
      bundle.close();
    }
  });
});
