// Alerts in the analysis: a firing alert about an incident's subjects corroborates it (shown with
// it, counted in its confidence); one about nothing any finding is about is said, and no all-clear is
// given beside it; pending alerts and the Watchdog are neither.

import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { textRenderer } from '../../src/report/analysis-text.ts';
import { plainChalk } from '../../src/report/style.ts';
import { openRows } from '../support/bundles.ts';
import { aMetricRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const POD = 'checkout-7d9f8-abcde';

const pod = (ts: string, restarts: number): BundleRow =>
  aPodRow({
    ts,
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

const alert = (ts: string, labels: Record<string, string>): BundleRow =>
  aMetricRow({
    ts,
    kind: labels.pod ? 'Pod' : null,
    namespace: labels.namespace ?? null,
    name: labels.pod ?? null,
    container: labels.container ?? null,
    metric_name: 'ALERTS',
    metric_labels: labels,
    metric_value: 1,
  });

const crashLooping = (ts: string, alertstate: string) =>
  alert(ts, {
    alertname: 'KubePodCrashLooping',
    alertstate,
    severity: 'warning',
    namespace: 'shop',
    pod: POD,
    container: 'app',
    reason: 'CrashLoopBackOff',
  });

const alerts: BundleRow[] = [
  alert('2026-03-01T10:41:00Z', { alertname: 'Watchdog', alertstate: 'firing', severity: 'none' }),
  crashLooping('2026-03-01T10:42:00Z', 'pending'),
  crashLooping('2026-03-01T10:57:00Z', 'firing'),
  crashLooping('2026-03-01T10:58:00Z', 'firing'),
  // About a pod no finding is about.
  alert('2026-03-01T10:50:00Z', {
    alertname: 'KubePodNotReady',
    alertstate: 'firing',
    severity: 'warning',
    namespace: 'shop',
    pod: 'cart-5d9c-x2x2x',
  }),
  // Pending only: not an alert that fired.
  alert('2026-03-01T10:50:00Z', {
    alertname: 'KubeContainerWaiting',
    alertstate: 'pending',
    severity: 'warning',
    namespace: 'shop',
    pod: 'cart-5d9c-x2x2x',
    container: 'app',
  }),
];

const crashing = [
  pod('2026-03-01T10:00:00Z', 0),
  pod('2026-03-01T10:41:00Z', 1),
  pod('2026-03-01T10:45:00Z', 4),
  pod('2026-03-01T10:58:30Z', 7),
];

async function analyze(name: string, rows: BundleRow[]) {
  const bundle = await openRows(tempDir(), name, rows);
  try {
    return await analyzeBundle(bundle);
  } finally {
    bundle.close();
  }
}

describe('alerts in the analysis', () => {
  it('counts a firing alert about the incident’s subjects as corroboration, and says the one nothing explains', async () => {
    const without = await analyze('crash-loop.parquet', crashing);
    const withAlerts = await analyze('crash-loop-alerts.parquet', [...crashing, ...alerts]);
    expect(without.incidents).toHaveLength(1);
    expect(withAlerts.incidents).toHaveLength(1);
    const [before] = without.incidents;
    const [after] = withAlerts.incidents;
    expect(before!.alerts).toEqual([]);
    expect(after!.alerts).toEqual([
      {
        alertname: 'KubePodCrashLooping',
        severity: 'warning',
        subject: { namespace: 'shop', kind: 'Pod', name: POD, container: 'app' },
        first: '2026-03-01T10:57:00.000000Z',
        last: '2026-03-01T10:58:00.000000Z',
        samples: 2,
      },
    ]);
    expect(after!.confidence_features.corroboration).toBeGreaterThan(
      before!.confidence_features.corroboration,
    );
    expect(after!.confidence).toBeGreaterThanOrEqual(before!.confidence);
    expect(after!.confidence_reasons).toContain(
      'corroborated by 1 alert that fired about its subjects: KubePodCrashLooping',
    );
    expect(withAlerts.unexplained_alerts.map((a) => [a.alertname, a.subject?.name])).toEqual([
      ['KubePodNotReady', 'cart-5d9c-x2x2x'],
    ]);
    // Alerts are read: they are not among the metrics no pattern reads.
    expect(withAlerts.coverage.unread_metrics.examples).not.toContain('ALERTS');
  });

  it('gives no all-clear beside alerts nothing explains', async () => {
    const report = await analyze('quiet-alerts.parquet', [
      pod('2026-03-01T10:00:00Z', 0),
      ...alerts.slice(4),
    ]);
    expect(report.incidents).toEqual([]);
    const text = String(
      textRenderer.render(report, { chalk: plainChalk, width: 100, explain: false }),
    ).replace(/\s+/g, ' ');
    expect(text).toContain(
      'No incidents: none of the patterns found a failure in what it looked at (above), but alerts fired (below).',
    );
    expect(text).toContain('1 alert fired about what no finding explains');
    expect(text).toMatch(
      /- KubePodNotReady \(warning\) fired 2026-03-01 10:50:00Z → 10:50:00Z about shop\/Pod cart-5d9c-x2x2x/,
    );
    expect(text).not.toContain('KubeContainerWaiting');
  });
});
