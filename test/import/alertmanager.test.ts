// Alertmanager's alerts as ALERTS samples: the /api/v2/alerts answer and webhook payloads (one
// per line), imported end to end, and the times an alert is known to fire, as a pure function.

import { afterAll, describe, expect, it } from 'vitest';
import { alertmanagerAlerts, alertmanagerRows } from '../../src/prometheus/alertmanager.ts';
import { jsonl, rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const crashLooping = {
  alertname: 'KubePodCrashLooping',
  severity: 'warning',
  namespace: 'shop',
  pod: 'checkout-1',
  container: 'app',
};

/** An alert as GET /api/v2/alerts lists it. */
const apiAlert = (labels: Record<string, string>, startsAt: string, updatedAt: string) => ({
  annotations: { summary: 'Pod is crash looping.' },
  endsAt: '2026-03-02T10:30:00.000Z',
  fingerprint: 'a1b2c3d4e5f60718',
  receivers: [{ name: 'team-shop' }],
  startsAt,
  status: { inhibitedBy: [], silencedBy: [], state: 'active' },
  updatedAt,
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=...',
  labels,
});

/** A webhook payload as a receiver gets it. */
const webhook = (status: string, alerts: object[]) => ({
  receiver: 'team-shop',
  status,
  alerts,
  groupLabels: { alertname: 'KubeNodeNotReady' },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager.example:9093',
  version: '4',
  groupKey: '{}:{alertname="KubeNodeNotReady"}',
  truncatedAlerts: 0,
});

describe('Alertmanager alerts', () => {
  it('reads an alert from when it began to when it was last known to fire, and only alert lists', () => {
    const alert = apiAlert(crashLooping, '2026-03-02T09:10:00.000Z', '2026-03-02T09:25:00.000Z');
    const { rows: samples, unreadable } = alertmanagerRows([alert], 'alerts.json');
    expect(samples.map((r) => r.ts)).toEqual(['2026-03-02T09:10:00.000Z', '2026-03-02T09:25:00.000Z']);
    expect(samples[0]).toMatchObject({
      kind: 'Pod',
      namespace: 'shop',
      name: 'checkout-1',
      container: 'app',
    });
    expect(samples[0]?.metric_labels).toMatchObject({
      alertname: 'KubePodCrashLooping',
      alertstate: 'firing',
    });
    expect(unreadable).toEqual([]);
    // A resolved alert ends at its endsAt; a time Alertmanager does not know is Go's zero time.
    const resolved = { ...alert, status: 'resolved', endsAt: '2026-03-02T09:40:00Z', updatedAt: undefined };
    expect(alertmanagerRows([resolved], 'x').rows.map((r) => r.ts)).toEqual([
      '2026-03-02T09:10:00.000Z',
      '2026-03-02T09:40:00Z',
    ]);
    const zero = { ...alert, startsAt: '0001-01-01T00:00:00Z' };
    expect(alertmanagerRows([zero], 'x').unreadable[0]).toMatch(/KubePodCrashLooping: startsAt/);
    expect(alertmanagerAlerts([{ kind: 'Pod' }])).toBeNull();
    expect(alertmanagerAlerts({ alerts: [alert] })).toBeNull();
  });

  it('imports an /api/v2/alerts answer and webhook payloads, one per line, as ALERTS samples', async () => {
    const api = scratch.write(
      'am/alerts.json',
      JSON.stringify(
        [
          apiAlert(crashLooping, '2026-03-02T09:10:00.000Z', '2026-03-02T09:25:00.000Z'),
          apiAlert(
            { alertname: 'KubeDeploymentReplicasMismatch', namespace: 'shop', deployment: 'checkout' },
            '2026-03-02T09:15:00.000Z',
            '2026-03-02T09:15:00.000Z',
          ),
        ],
        null,
        2,
      ),
    );
    const nodeDown = { alertname: 'KubeNodeNotReady', node: 'worker-2', severity: 'warning' };
    const hook = scratch.write(
      'am/webhook.log',
      `${jsonl(
        webhook('firing', [
          {
            status: 'firing',
            labels: nodeDown,
            startsAt: '2026-03-02T09:05:00Z',
            endsAt: '0001-01-01T00:00:00Z',
          },
        ]),
        webhook('resolved', [
          {
            status: 'resolved',
            labels: nodeDown,
            startsAt: '2026-03-02T09:05:00Z',
            endsAt: '2026-03-02T09:20:00Z',
          },
        ]),
      )}{"receiver": "team-shop", "alerts": [\n`,
    );
    const { result, bundle } = await scratch.import([api, hook]);
    try {
      expect(
        await rows(
          bundle!,
          `SELECT metric_labels['alertname'] AS alert, kind, namespace, name, ts::VARCHAR AS ts
           FROM metrics WHERE metric_name = 'ALERTS' ORDER BY alert, ts`,
        ),
      ).toEqual([
        {
          alert: 'KubeDeploymentReplicasMismatch',
          kind: 'Deployment',
          namespace: 'shop',
          name: 'checkout',
          ts: '2026-03-02 09:15:00+00',
        },
        {
          alert: 'KubeNodeNotReady',
          kind: 'Node',
          namespace: null,
          name: 'worker-2',
          ts: '2026-03-02 09:05:00+00',
        },
        {
          alert: 'KubeNodeNotReady',
          kind: 'Node',
          namespace: null,
          name: 'worker-2',
          ts: '2026-03-02 09:05:00+00',
        },
        {
          alert: 'KubeNodeNotReady',
          kind: 'Node',
          namespace: null,
          name: 'worker-2',
          ts: '2026-03-02 09:20:00+00',
        },
        {
          alert: 'KubePodCrashLooping',
          kind: 'Pod',
          namespace: 'shop',
          name: 'checkout-1',
          ts: '2026-03-02 09:10:00+00',
        },
        {
          alert: 'KubePodCrashLooping',
          kind: 'Pod',
          namespace: 'shop',
          name: 'checkout-1',
          ts: '2026-03-02 09:25:00+00',
        },
      ]);
      // The payload cut short at the end is said with its line, and the import is partial.
      expect(result.inputs.flatMap((i) => i.issues.map((x) => `${x.line}: ${x.reason}`))).toEqual([
        expect.stringMatching(/^3: invalid JSON/),
      ]);
      expect(result.inputs.map((i) => i.formats)).toEqual([{ alertmanager: 1 }, { alertmanager: 1 }]);
    } finally {
      bundle?.close();
    }
  });
});
