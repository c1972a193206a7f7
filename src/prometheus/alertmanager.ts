// Alertmanager's alerts as `ALERTS` samples, the series Prometheus keeps of its alerting rules, so
// that an alert reads the same whichever of the two it came from: the `/api/v2/alerts` answer (a
// list of alerts with `status.state`) and the payloads its webhook receivers get (`alerts` with
// `status` firing or resolved, `version: "4"`).

import type { BundleRow } from '../bundle/row.ts';
import { metricRow } from '../kube/sample-rows.ts';
import { normalizeTs } from '../kube/time.ts';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's zero time, which Alertmanager writes for a time it does not know. */
const ZERO_TIME = /^0001-01-01T/;

const timeOf = (value: unknown): string | null =>
  typeof value === 'string' && !ZERO_TIME.test(value) ? normalizeTs(value) : null;

/** One alert as Alertmanager lists it or sends it (the fields both forms share). */
function isAlert(value: unknown): value is Json {
  return isRecord(value) && isRecord(value.labels) && typeof value.startsAt === 'string';
}

/** The alerts of an `/api/v2/alerts` answer or a webhook payload; null when `doc` is neither. */
export function alertmanagerAlerts(doc: unknown): Json[] | null {
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(isAlert) ? doc : null;
  if (isRecord(doc) && Array.isArray(doc.alerts) && doc.alerts.every(isAlert) && 'receiver' in doc)
    return doc.alerts;
  return null;
}

export interface AlertRows {
  rows: BundleRow[];
  /** Alerts left out, with why. */
  unreadable: string[];
}

/**
 * An alert as `ALERTS` samples with its labels and `alertstate="firing"`: one when it began, and
 * one when it was last known to fire: its end when resolved (`endsAt` of a resolved alert), else
 * when Alertmanager last heard of it (`updatedAt`). An active alert's `endsAt` is only when it
 * would be resolved if Prometheus stopped sending it, and says nothing of what happened.
 */
export function alertmanagerRows(alerts: readonly Json[], origin: string): AlertRows {
  const rows: BundleRow[] = [];
  const unreadable: string[] = [];
  for (const alert of alerts) {
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(alert.labels as Json))
      if (typeof value === 'string') labels[key] = value;
    const name = labels.alertname ?? '(no alertname)';
    const start = timeOf(alert.startsAt);
    if (start === null) {
      unreadable.push(`alert ${name}: startsAt ${JSON.stringify(alert.startsAt)} is not a time`);
      continue;
    }
    labels.alertstate ??= 'firing';
    const status = isRecord(alert.status) ? alert.status.state : alert.status;
    const end = status === 'resolved' ? timeOf(alert.endsAt) : timeOf(alert.updatedAt);
    for (const ts of end !== null && end > start ? [start, end] : [start])
      rows.push(metricRow({ ts, name: 'ALERTS', labels: { ...labels }, value: 1, origin }));
  }
  return { rows, unreadable };
}
