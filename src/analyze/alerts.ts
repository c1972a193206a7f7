// Alerts as evidence: the alerts that fired in the window (Prometheus' `ALERTS` series, recorded or
// imported from Alertmanager), each about the object its labels name. An alert about an incident's
// subjects corroborates it; one about nothing any finding is about is said in the report, never
// dropped: something kstory has no pattern for may be wrong there.

import type { Bundle } from '../bundle/reader.ts';
import { type LabelVocabulary, subjectOfLabels } from '../vocab/labels.ts';
import { objectKey, type Subject } from '../vocab/object-ref.ts';
import type { Relations } from './relations.ts';
import type { ReportAlert } from './report.ts';

/**
 * Alerts that fire all the time to show the alerting pipeline works (kube-prometheus' Watchdog and
 * InfoInhibitor, the older DeadMansSwitch): they say nothing about the cluster.
 */
const HEARTBEATS = new Set(['Watchdog', 'InfoInhibitor', 'DeadMansSwitch']);

/** The alerts that fired in the window, one per alert name and object, oldest first. */
export async function loadFiringAlerts(
  bundle: Bundle,
  window: { start: string; end: string },
  vocabulary: LabelVocabulary,
): Promise<ReportAlert[]> {
  const rows = await bundle.query<{
    alertname: string;
    severity: string | null;
    labels: { key: string; value: string }[];
    first: string;
    last: string;
    samples: number;
  }>(
    `SELECT metric_labels['alertname'] AS alertname, metric_labels['severity'] AS severity,
            map_entries(metric_labels) AS labels,
            strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%S.%fZ') AS last,
            count(*)::INTEGER AS samples
     FROM metrics
     WHERE metric_name = 'ALERTS' AND metric_labels['alertname'] IS NOT NULL AND metric_value > 0
       AND coalesce(metric_labels['alertstate'], 'firing') = 'firing'
       AND ts >= CAST($1 AS TIMESTAMPTZ) AND ts <= CAST($2 AS TIMESTAMPTZ)
     GROUP BY ALL`,
    [window.start, window.end],
  );
  const byAlert = new Map<string, ReportAlert>();
  for (const row of rows) {
    if (HEARTBEATS.has(row.alertname)) continue;
    const labels = Object.fromEntries(row.labels.map((e) => [e.key, e.value]));
    const named = subjectOfLabels(labels, vocabulary);
    const subject: Subject | null = named
      ? { namespace: named.namespace, kind: named.kind, name: named.name, container: named.container }
      : null;
    // Series of one alert about one object (a container's, another reason's) read as one alert.
    const key = `${row.alertname}|${subject ? objectKey(subject) : ''}`;
    const known = byAlert.get(key);
    if (known) {
      if (row.first < known.first) known.first = row.first;
      if (row.last > known.last) known.last = row.last;
      known.samples += row.samples;
      if (known.subject && known.subject.container !== subject?.container) known.subject.container = null;
    } else {
      const { alertname, severity, first, last, samples } = row;
      byAlert.set(key, { alertname, severity, subject, first, last, samples });
    }
  }
  return [...byAlert.values()].sort(
    (a, b) =>
      a.first.localeCompare(b.first) ||
      a.alertname.localeCompare(b.alertname) ||
      (a.subject ? objectKey(a.subject) : '').localeCompare(b.subject ? objectKey(b.subject) : ''),
  );
}

/**
 * Whether an alert is about what a finding is about: the same object, one that owns it or that it
 * owns (a pod's alert and its Deployment's finding), another pod of the same workload, or, for an
 * alert about a claim, a namespace or a node, the pods that use it, the objects in it, the node's
 * own findings.
 */
export function concerns(alert: Subject | null, subject: Subject, relations: Relations): boolean {
  if (!alert) return false;
  if (alert.kind === 'Namespace') return subject.namespace === alert.name;
  if (alert.kind === 'Node' || subject.kind === 'Node')
    return alert.kind === subject.kind && alert.name === subject.name;
  if (relations.related('workload', alert, subject)) return true;
  return alert.kind === 'PersistentVolumeClaim' && relations.related('refs', alert, subject);
}
