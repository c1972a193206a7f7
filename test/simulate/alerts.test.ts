// The simulated Prometheus' alerting: an alert is pending while its rule's `for` runs, then firing,
// resolved (and started over) when its expression stops holding, with the labels its expression keeps.

import { describe, expect, it } from 'vitest';
import { ALERT_RULES } from '../../src/simulate/metrics/alert-rules.ts';
import { AlertEvaluator } from '../../src/simulate/metrics/alerts.ts';
import type { Sample } from '../../src/simulate/metrics/scrape-history.ts';

const MIN = 60_000;
const rule = (name: string) => ALERT_RULES.filter((r) => r.alert === name);

function crashLooping(pod: string): Sample {
  return {
    name: 'kube_pod_container_status_waiting_reason',
    labels: { namespace: 'shop', pod, uid: `uid-${pod}`, container: 'app', reason: 'CrashLoopBackOff' },
    value: 1,
  };
}

describe('simulated alerting rules', () => {
  it('keeps an alert pending for its rule’s `for`, then firing, and resolves it when it stops', () => {
    const alerts = new AlertEvaluator(rule('KubePodCrashLooping'));
    const states: string[] = [];
    for (let m = 0; m <= 16; m++) {
      const out = alerts.evaluate(m * MIN, [crashLooping('cart-1')]);
      expect(out).toHaveLength(1);
      states.push(out[0]!.labels.alertstate!);
    }
    expect(states.slice(0, 15).every((s) => s === 'pending')).toBe(true);
    expect(states.slice(15)).toEqual(['firing', 'firing']);
    expect(alerts.evaluate(17 * MIN, [crashLooping('cart-1')])[0]?.labels).toEqual({
      namespace: 'shop',
      pod: 'cart-1',
      uid: 'uid-cart-1',
      container: 'app',
      reason: 'CrashLoopBackOff',
      alertname: 'KubePodCrashLooping',
      severity: 'warning',
      alertstate: 'firing',
    });
    // max_over_time(…[5m]): still active five minutes after the last CrashLoopBackOff sample.
    expect(alerts.evaluate(21 * MIN, [])).toHaveLength(1);
    expect(alerts.evaluate(23 * MIN, [])).toHaveLength(0);
    // Back again: pending from the start.
    expect(alerts.evaluate(24 * MIN, [crashLooping('cart-1')])[0]?.labels.alertstate).toBe('pending');
  });

  it('fires a replicas mismatch only while the rollout makes no progress, with the workload’s labels', () => {
    const alerts = new AlertEvaluator(rule('KubeDeploymentReplicasMismatch'));
    const deployment = { namespace: 'shop', deployment: 'cart' };
    const scrape = (available: number, updated: number): Sample[] => [
      { name: 'kube_deployment_spec_replicas', labels: deployment, value: 3 },
      { name: 'kube_deployment_status_replicas_available', labels: deployment, value: available },
      { name: 'kube_deployment_status_replicas_updated', labels: deployment, value: updated },
    ];
    expect(alerts.evaluate(0, scrape(3, 3))).toEqual([]);
    // Updating: replicas_updated changed within 10 minutes, so no alert yet.
    expect(alerts.evaluate(1 * MIN, scrape(2, 1))).toEqual([]);
    expect(alerts.evaluate(5 * MIN, scrape(2, 1))).toEqual([]);
    const stuck = alerts.evaluate(12 * MIN, scrape(2, 1));
    expect(stuck.map((s) => s.labels)).toEqual([
      {
        ...deployment,
        alertname: 'KubeDeploymentReplicasMismatch',
        severity: 'warning',
        alertstate: 'pending',
      },
    ]);
    expect(alerts.evaluate(27 * MIN, scrape(2, 1))[0]?.labels.alertstate).toBe('firing');
  });

  it('keeps the dead man’s switch firing from the first evaluation', () => {
    const alerts = new AlertEvaluator(rule('Watchdog'));
    expect(alerts.evaluate(0, [])).toEqual([
      { name: 'ALERTS', labels: { alertname: 'Watchdog', severity: 'none', alertstate: 'firing' }, value: 1 },
    ]);
  });
});
