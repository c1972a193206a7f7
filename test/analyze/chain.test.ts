// Causal chains: a bad configuration change explains the crash loop of the pods that use it, which
// explains the stuck rollout of their Deployment; one incident, root cause first.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

const configMap = (
  ts: string,
  data: Record<string, string>,
  watchEvent: 'ADDED' | 'MODIFIED',
): BundleRow => ({
  source: 'object',
  ts,
  api_version: 'v1',
  kind: 'ConfigMap',
  namespace: 'shop',
  name: 'checkout-config',
  uid: 'cm-1',
  watch_event: watchEvent,
  body: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'checkout-config', namespace: 'shop' },
    data,
  },
});

const deployment = (ts: string, stuck: boolean): BundleRow => ({
  source: 'object',
  ts,
  api_version: 'apps/v1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'checkout',
  uid: 'dep-1',
  watch_event: 'MODIFIED',
  replicas_desired: 2,
  replicas_ready: stuck ? 1 : 2,
  replicas_available: stuck ? 1 : 2,
  containers: [{ name: 'app', image: 'checkout:v2' }],
  conditions: [
    stuck
      ? {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "checkout-7d9f8" has timed out progressing.',
        }
      : { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
  ],
  body: {},
});

const crashingPod = (ts: string, restarts: number): BundleRow =>
  aPodRow({
    ts,
    refs: [{ kind: 'ConfigMap', name: 'checkout-config', via: 'volume' }],
    containers: [
      restarts === 0
        ? { name: 'app', image: 'checkout:v2', init: false, ready: true, restart_count: 0, state: 'running' }
        : {
            name: 'app',
            image: 'checkout:v2',
            init: false,
            ready: false,
            restart_count: restarts,
            state: 'waiting',
            reason: 'CrashLoopBackOff',
            last_reason: 'Error',
            last_exit_code: 1,
          },
    ],
  });

const rows: BundleRow[] = [
  configMap('2026-03-01T10:00:00Z', { 'db.host': 'db.shop.svc' }, 'ADDED'),
  deployment('2026-03-01T10:00:00Z', false),
  {
    source: 'object',
    ts: '2026-03-01T10:00:00Z',
    api_version: 'apps/v1',
    kind: 'ReplicaSet',
    namespace: 'shop',
    name: 'checkout-7d9f8',
    uid: '1f0c7f7e-0000-4000-8000-0000000000aa',
    owner_kind: 'Deployment',
    owner_name: 'checkout',
    owner_uid: 'dep-1',
    watch_event: 'ADDED',
  },
  {
    source: 'object',
    ts: '2026-03-01T10:00:00Z',
    api_version: 'v1',
    kind: 'Service',
    namespace: 'shop',
    name: 'checkout',
    watch_event: 'ADDED',
    selector: { app: 'checkout' },
  },
  crashingPod('2026-03-01T10:00:00Z', 0),
  {
    source: 'audit',
    ts: '2026-03-01T10:39:59Z',
    kind: 'ConfigMap',
    namespace: 'shop',
    name: 'checkout-config',
    audit_verb: 'update',
    audit_user: 'alice@example.com',
    audit_code: 200,
    audit_resource: 'configmaps',
  },
  configMap('2026-03-01T10:40:00Z', { 'db.host': 'db.shop.svc.cluster.local:5432x' }, 'MODIFIED'),
  crashingPod('2026-03-01T10:41:00Z', 1),
  crashingPod('2026-03-01T10:45:00Z', 4),
  aLogRow({
    ts: '2026-03-01T10:44:50Z',
    log_line: 'panic: invalid database address "db.shop.svc.cluster.local:5432x"',
  }),
  deployment('2026-03-01T10:51:00Z', true),
];

describe('causal chains', () => {
  it('tells one incident: config change → crash loop → stuck rollout, with the actor and the impact', async () => {
    const bundle = await openRows(tempDir(), 'config-cascade.parquet', rows);
    try {
      const report = await analyzeBundle(bundle);
      expect(report.incidents).toHaveLength(1);
      const [incident] = report.incidents;
      const chain = incident!.chain.map((step) => report.findings[step.finding]!.pattern);
      expect(chain).toEqual(['config-changed', 'crash-loop-backoff', 'deployment-rollout-stuck']);
      expect(incident!.chain.map((s) => s.via?.link ?? null)).toEqual([
        null,
        'config-change-crash-loop',
        'crash-loop-stuck-rollout',
      ]);
      const root = report.findings[incident!.root]!;
      expect(root.summary).toContain(
        'alice@example.com updated ConfigMap shop/checkout-config: data db.host=db.shop.svc → db.host=db.shop.svc.cluster.local:5432x',
      );
      expect(incident!.severity).toBe('high');
      expect(incident!.impact.workloads).toEqual(['Deployment shop/checkout']);
      expect(incident!.impact.services).toEqual(['shop/checkout']);
      expect(incident!.impact.pods).toEqual(['shop/checkout-7d9f8-abcde']);
      expect(incident!.confidence).toBeGreaterThan(0.5);
      // The evidence score, then the calibrated figure, which reads the two effects as corroboration
      // and says the bundle holds neither logs nor metrics.
      expect(incident!.confidence_reasons).toContainEqual(expect.stringMatching(/^chain confidence/));
      expect(incident!.confidence_reasons.at(-1)).toMatch(
        /^calibrated: evidence 0\.\d\d, 2 corroborating effects, high, coverage 4\/6 → /,
      );
      expect(incident!.confidence_features.corroboration).toBeCloseTo(Math.log2(3), 9);
    } finally {
      bundle.close();
    }
  });

  it('does not link a change made after the failure started', async () => {
    const late = rows.map((row) =>
      row.kind === 'ConfigMap' && row.watch_event === 'MODIFIED'
        ? { ...row, ts: '2026-03-01T10:50:00Z' }
        : row.source === 'audit'
          ? { ...row, ts: '2026-03-01T10:49:59Z' }
          : row,
    );
    const bundle = await openRows(tempDir(), 'late-change.parquet', late);
    try {
      const report = await analyzeBundle(bundle);
      const roots = report.incidents.map((i) => report.findings[i.root]!.pattern);
      expect(roots).toContain('crash-loop-backoff');
      expect(roots).not.toContain('config-changed');
    } finally {
      bundle.close();
    }
  });
});
