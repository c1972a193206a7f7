// The `services` view on a tiny bundle: a Service's selector against the pods, and its endpoints.

import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { viewsOver } from '../support/views.ts';

const object = (ts: string, kind: string, name: string, extra: Partial<BundleRow>): BundleRow => ({
  source: 'object',
  ts,
  kind,
  namespace: 'shop',
  name,
  watch_event: 'MODIFIED',
  ...extra,
});

describe('the services view', () => {
  it('follows the Service and its Endpoints over time, with the pods its selector matches, and those created by then', async () => {
    const db = await viewsOver([
      object('2026-03-01T10:00:00Z', 'Service', 'web', {
        uid: 'u-svc',
        selector: { app: 'web' },
        attrs: { type: 'ClusterIP' },
      }),
      object('2026-03-01T10:00:00Z', 'Pod', 'web-1', { labels: { app: 'web', tier: 'front' } }),
      object('2026-03-01T10:00:00Z', 'Pod', 'api-1', { labels: { app: 'api' } }),
      object('2026-03-01T10:01:00Z', 'Endpoints', 'web', {
        attrs: { ready_addresses: '0', not_ready_addresses: '1' },
      }),
      object('2026-03-01T10:03:00Z', 'Endpoints', 'web', {
        attrs: { ready_addresses: '1', not_ready_addresses: '0' },
      }),
      // Created after the first Endpoints version: selected from then on, not before.
      object('2026-03-01T10:02:00Z', 'Pod', 'web-3', {
        labels: { app: 'web' },
        created_at: '2026-03-01T10:02:00Z',
      }),
      // Another namespace's pod with the same labels is not the Service's.
      { ...object('2026-03-01T10:00:00Z', 'Pod', 'web-2', { labels: { app: 'web' } }), namespace: 'other' },
    ]);
    try {
      expect(
        await db.all(
          `SELECT strftime(ts, '%H:%M') AS at, name, uid, type, matching_pods::INTEGER AS matching_pods,
                  existing_pods::INTEGER AS existing_pods, ready_endpoints, not_ready_endpoints
           FROM services ORDER BY ts`,
        ),
      ).toEqual([
        {
          at: '10:00',
          name: 'web',
          uid: 'u-svc',
          type: 'ClusterIP',
          matching_pods: 2,
          existing_pods: 1,
          ready_endpoints: null,
          not_ready_endpoints: null,
        },
        {
          at: '10:01',
          name: 'web',
          uid: 'u-svc',
          type: 'ClusterIP',
          matching_pods: 2,
          existing_pods: 1,
          ready_endpoints: 0,
          not_ready_endpoints: 1,
        },
        {
          at: '10:03',
          name: 'web',
          uid: 'u-svc',
          type: 'ClusterIP',
          matching_pods: 2,
          existing_pods: 2,
          ready_endpoints: 1,
          not_ready_endpoints: 0,
        },
      ]);
    } finally {
      db.close();
    }
  });

  it('counts the selected pods that were ready then, by each pod’s newest Ready condition', async () => {
    const ready = (status: 'True' | 'False') => [{ type: 'Ready', status }];
    const db = await viewsOver([
      object('2026-03-01T10:00:00Z', 'Service', 'web', { selector: { app: 'web' } }),
      object('2026-03-01T10:00:00Z', 'Pod', 'web-1', { labels: { app: 'web' }, conditions: ready('False') }),
      object('2026-03-01T10:02:00Z', 'Pod', 'web-1', { labels: { app: 'web' }, conditions: ready('True') }),
      object('2026-03-01T10:01:00Z', 'Endpoints', 'web', { attrs: { ready_addresses: '0' } }),
      object('2026-03-01T10:03:00Z', 'Endpoints', 'web', { attrs: { ready_addresses: '0' } }),
      // Pods of another Service, whose readiness nothing says.
      object('2026-03-01T10:00:00Z', 'Service', 'api', { selector: { app: 'api' } }),
      object('2026-03-01T10:00:00Z', 'Pod', 'api-1', { labels: { app: 'api' } }),
    ]);
    try {
      expect(
        await db.all(
          `SELECT strftime(ts, '%H:%M') AS at, name, existing_pods::INTEGER AS existing_pods,
                  ready_pods::INTEGER AS ready_pods, ready_endpoints
           FROM services ORDER BY name, ts`,
        ),
      ).toEqual([
        { at: '10:00', name: 'api', existing_pods: 1, ready_pods: null, ready_endpoints: null },
        { at: '10:00', name: 'web', existing_pods: 1, ready_pods: 0, ready_endpoints: null },
        { at: '10:01', name: 'web', existing_pods: 1, ready_pods: 0, ready_endpoints: 0 },
        // Ready since 10:02, yet the Endpoints list none: the two disagree.
        { at: '10:03', name: 'web', existing_pods: 1, ready_pods: 1, ready_endpoints: 0 },
      ]);
    } finally {
      db.close();
    }
  });
});
