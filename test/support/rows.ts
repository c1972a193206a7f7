// Builders for bundle rows in tests: a realistic default, overridden field by field.

import type { BundleRow } from '../../src/bundle/row.ts';

export function aPodRow(overrides: Partial<BundleRow> = {}): BundleRow {
  return {
    source: 'object',
    ts: '2026-03-01T10:42:13.123456Z',
    api_version: 'v1',
    kind: 'Pod',
    namespace: 'shop',
    name: 'checkout-7d9f8-abcde',
    uid: '1f0c7f7e-0000-4000-8000-000000000001',
    node: 'node-a',
    owner_kind: 'ReplicaSet',
    owner_name: 'checkout-7d9f8',
    owner_uid: '1f0c7f7e-0000-4000-8000-0000000000aa',
    resource_version: '1001',
    origin: 'test',
    watch_event: 'MODIFIED',
    labels: { app: 'checkout', 'pod-template-hash': '7d9f8' },
    phase: 'Running',
    containers: [
      {
        name: 'app',
        image: 'registry.example.com/shop/checkout:v2.1',
        init: false,
        ready: false,
        restart_count: 3,
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        message: 'back-off 40s restarting failed container=app',
        last_reason: 'OOMKilled',
        last_exit_code: 137,
        last_finished_at: '2026-03-01T10:42:00Z',
        memory_limit_bytes: 268435456,
      },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
        last_transition: '2026-03-01T10:40:00Z',
      },
    ],
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'checkout-7d9f8-abcde', namespace: 'shop' } },
    ...overrides,
  };
}

/** A kubelet's Warning Event about the default pod of aPodRow. */
export function anEventRow(overrides: Partial<BundleRow> = {}): BundleRow {
  return {
    source: 'event',
    ts: '2026-03-01T10:42:00Z',
    api_version: 'v1',
    kind: 'Pod',
    namespace: 'shop',
    name: 'checkout-7d9f8-abcde',
    event_type: 'Warning',
    event_reason: 'BackOff',
    event_message: 'Back-off restarting failed container app in pod checkout-7d9f8-abcde_shop',
    event_count: 1,
    event_source: 'kubelet',
    ...overrides,
  };
}

export function aLogRow(overrides: Partial<BundleRow> = {}): BundleRow {
  return {
    source: 'log',
    ts: '2026-03-01T10:41:59.5Z',
    kind: 'Pod',
    namespace: 'shop',
    name: 'checkout-7d9f8-abcde',
    container: 'app',
    log_stream: 'stderr',
    log_previous: true,
    log_line: 'panic: runtime error: invalid memory address or nil pointer dereference',
    ...overrides,
  };
}

export function aMetricRow(overrides: Partial<BundleRow> = {}): BundleRow {
  return {
    source: 'metric',
    ts: '2026-03-01T10:42:00Z',
    kind: 'Pod',
    namespace: 'shop',
    name: 'checkout-7d9f8-abcde',
    container: 'app',
    metric_name: 'container_memory_working_set_bytes',
    metric_labels: { namespace: 'shop', pod: 'checkout-7d9f8-abcde', container: 'app' },
    metric_value: 268000000,
    ...overrides,
  };
}

/** Rows numbered through `name`, so that a test can tell exactly which ones survived. */
export function numberedRows(count: number, start = 0): BundleRow[] {
  return Array.from({ length: count }, (_, i) =>
    aLogRow({
      name: `pod-${String(start + i).padStart(7, '0')}`,
      ts: new Date(Date.UTC(2026, 2, 1, 10) + (start + i) * 1000).toISOString(),
    }),
  );
}
