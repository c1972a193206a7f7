// What `kstory related` walks: the bundle's objects as the correlation rules know them, and its alerts
// (the `ALERTS` series Prometheus keeps and Alertmanager's imported alerts), each alert name a node
// of kind `Alert` whose labels name the objects it is about.

import type { Bundle } from '../../bundle/reader.ts';
import type { CatalogueObject } from '../../correlate/catalogue.ts';
import { ObjectGraph, unrecordedObject } from '../../correlate/graph.ts';
import { type LabelVocabulary, subjectOfLabels } from '../../vocab/labels.ts';
import { TS_SQL } from '../records.ts';

/** The kind of an alert node: a class of its own, for rules to start from. */
export const ALERT_KIND = 'Alert';

export class RelatedGraph extends ObjectGraph {
  private readonly alertSubjects = new Map<string, CatalogueObject[]>();

  constructor(
    objects: readonly CatalogueObject[],
    alerts: readonly AlertSeries[],
    vocabulary: LabelVocabulary,
  ) {
    const nodes = new Map<string, CatalogueObject>();
    for (const a of alerts) {
      const node = nodes.get(a.alert);
      if (node) {
        if (a.first < node.first) node.first = node.seen = a.first;
        if (a.last > node.last) node.last = a.last;
      } else nodes.set(a.alert, alertNode(a));
    }
    super([...objects, ...nodes.values()]);
    for (const a of alerts) {
      const subject = subjectOfLabels(a.labels, vocabulary);
      const found = !subject
        ? undefined
        : subject.kind === 'Namespace'
          ? this.namespaceNamed(subject.name)
          : this.incarnations(subject.namespace, subject.kind, subject.name).at(-1);
      const list = this.alertSubjects.get(a.alert) ?? [];
      if (found && !list.includes(found)) list.push(found);
      this.alertSubjects.set(a.alert, list);
    }
  }

  /** The alert node of that alert name, if the bundle holds any sample of it. */
  alert(name: string): CatalogueObject | undefined {
    return this.incarnations(null, ALERT_KIND, name)[0];
  }

  /** The objects an alert's series name through their labels (the most specific each names). */
  override subjectsOfAlert(o: CatalogueObject): CatalogueObject[] {
    return o.kind === ALERT_KIND ? (this.alertSubjects.get(o.name) ?? []) : [];
  }
}

export interface AlertSeries {
  alert: string;
  labels: Record<string, string>;
  first: string;
  last: string;
}

/** Every alert series of the bundle, with when it was first and last seen. */
export async function loadAlerts(bundle: Bundle): Promise<AlertSeries[]> {
  const rows = await bundle.query<{
    alert: string;
    labels: { key: string; value: string }[];
    first: string;
    last: string;
  }>(
    `SELECT metric_labels['alertname'] AS alert, map_entries(metric_labels) AS labels,
            ${TS_SQL('min(ts)')} AS first, ${TS_SQL('max(ts)')} AS last
     FROM metrics WHERE metric_name = 'ALERTS' AND metric_labels['alertname'] IS NOT NULL
     GROUP BY ALL ORDER BY alert, first`,
  );
  return rows.map((r) => ({
    alert: r.alert,
    labels: Object.fromEntries(r.labels.map((e) => [e.key, e.value])),
    first: r.first,
    last: r.last,
  }));
}

function alertNode(a: AlertSeries): CatalogueObject {
  const node = unrecordedObject(null, ALERT_KIND, a.alert);
  return { ...node, id: `${ALERT_KIND}/${a.alert}`, first: a.first, seen: a.first, last: a.last };
}
