// Prometheus' rule evaluation over the simulated scrapes: after each scrape the alerting rules
// (alert-rules.ts) are evaluated on its samples and the recent ones, and every active alert is
// written as Prometheus keeps it, an `ALERTS` sample of value 1 with the alert's labels and
// `alertstate` pending while its `for` runs, then firing: what `record --prometheus` reads back.

import { ALERT_RULES, type AlertRule } from './alert-rules.ts';
import { type Sample, ScrapeHistory, seriesKey } from './scrape-history.ts';

/** Each alert's state between evaluations, as Prometheus' rule manager keeps it. */
export class AlertEvaluator {
  private readonly history = new ScrapeHistory();
  /** When each active alert (rule name and labels) became active. */
  private readonly activeSince = new Map<string, number>();

  constructor(private readonly rules: readonly AlertRule[] = ALERT_RULES) {}

  /** Evaluates every rule after a scrape at `ts` and returns the `ALERTS` samples of that instant. */
  evaluate(ts: number, samples: readonly Sample[]): Sample[] {
    this.history.add(ts, samples);
    const out: Sample[] = [];
    const active = new Set<string>();
    for (const rule of this.rules) {
      for (const labels of rule.active(this.history)) {
        const alertLabels = { ...labels, alertname: rule.alert, severity: rule.severity };
        const key = seriesKey(alertLabels);
        if (active.has(key)) continue;
        active.add(key);
        const since = this.activeSince.get(key) ?? ts;
        this.activeSince.set(key, since);
        const alertstate = ts - since >= rule.forMs ? 'firing' : 'pending';
        out.push({ name: 'ALERTS', labels: { ...alertLabels, alertstate }, value: 1 });
      }
    }
    // An alert whose expression no longer holds is resolved: it leaves ALERTS, and starts over.
    for (const key of [...this.activeSince.keys()]) if (!active.has(key)) this.activeSince.delete(key);
    return out;
  }
}
