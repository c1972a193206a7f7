// The signal rows about the objects a search reached, read in one query per signal class: how many,
// when the first and the last were, and the newest few as the views' own excerpts.

import type { Bundle } from '../../bundle/reader.ts';
import { audit } from '../../views/audit.ts';
import { events } from '../../views/events.ts';
import { logs } from '../../views/logs.ts';
import { metrics } from '../../views/metrics.ts';
import { type Concept, conceptSql, type LabelVocabulary } from '../../vocab/labels.ts';
import { TS_SQL } from '../records.ts';
import { ALERT_KIND } from './graph.ts';
import type { RelatedNode, SearchOptions } from './search.ts';

export interface SignalSummary {
  count: number;
  first: string | null;
  last: string | null;
  /** The newest rows, one line each. */
  samples: string[];
}

const SAMPLES = 3;
/** The label concept that names each kind of object in a metric's labels. */
const KIND_CONCEPTS: Record<string, Concept> = {
  Pod: 'pod',
  Node: 'node',
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  ReplicaSet: 'replicaset',
  Job: 'job',
  CronJob: 'cronjob',
  PersistentVolumeClaim: 'persistentvolumeclaim',
  HorizontalPodAutoscaler: 'horizontalpodautoscaler',
  ResourceQuota: 'resourcequota',
  PersistentVolume: 'persistentvolume',
};
/** Kinds whose objects have no namespace. */
const CLUSTER_KINDS = new Set(['Node', 'PersistentVolume']);

export async function readSignals(
  bundle: Bundle,
  nodes: RelatedNode[],
  vocabulary: LabelVocabulary,
  options: Pick<SearchOptions, 'since' | 'until' | 'findings'>,
): Promise<void> {
  for (const node of nodes.filter((n) => n.class === 'findings')) {
    const about = (options.findings ?? []).filter(
      (f) =>
        f.subject.kind === node.object.kind &&
        f.subject.name === node.object.name &&
        f.subject.namespace === node.object.namespace,
    );
    const times = about.map((f) => new Date(f.first).toISOString()).sort();
    node.signals = {
      count: about.length,
      first: times[0] ?? null,
      last: times.at(-1) ?? null,
      samples: about.slice(0, SAMPLES).map((f) => `[${f.severity}] ${f.pattern}: ${f.summary}`),
    };
  }
  const wanted = nodes.filter((n) => n.class !== 'findings');
  if (wanted.length === 0) return;
  const targets = wanted.map((n) => ({
    id: n.id,
    cls: n.class,
    kind: n.object.kind,
    namespace: n.object.namespace,
    name: n.object.name,
    uid: n.object.uid,
  }));
  await bundle.db.run(
    `CREATE OR REPLACE TEMP TABLE related_targets AS
     SELECT * FROM (SELECT unnest(from_json($1::JSON, '[{"id":"VARCHAR","cls":"VARCHAR","kind":"VARCHAR","namespace":"VARCHAR","name":"VARCHAR","uid":"VARCHAR"}]'), recursive := true))`,
    [JSON.stringify(targets)],
  );
  const window = [
    options.since ? `r.ts >= CAST('${options.since.replaceAll("'", "''")}' AS TIMESTAMPTZ)` : 'true',
    options.until ? `r.ts <= CAST('${options.until.replaceAll("'", "''")}' AS TIMESTAMPTZ)` : 'true',
  ].join(' AND ');
  const bySubject = (kind: string) =>
    `${kind} = t.kind AND r.name = t.name AND r.namespace IS NOT DISTINCT FROM t.namespace AND (r.uid IS NULL OR t.uid IS NULL OR r.uid = t.uid)`;
  // A metric names its object through any ecosystem's label names, or through the row's own subject.
  const byLabels = Object.entries(KIND_CONCEPTS)
    .map(
      ([kind, concept]) =>
        `(t.kind = '${kind}' AND ${conceptSql(concept, 'r.metric_labels', vocabulary)} = t.name${
          CLUSTER_KINDS.has(kind)
            ? ''
            : ` AND ${conceptSql('namespace', 'r.metric_labels', vocabulary)} IS NOT DISTINCT FROM t.namespace`
        })`,
    )
    .join(' OR ');
  const alertName = "r.metric_labels['alertname']";
  const queries: Record<string, { view: string; on: string; excerpt: string; where?: string }> = {
    events: { view: 'events', on: bySubject('r.kind'), excerpt: events.signal.excerpt },
    audit: {
      view: 'audit',
      on: bySubject('r.kind'),
      excerpt: audit.signal.excerpt,
      where: "coalesce(r.audit_verb, '') NOT IN ('get', 'list', 'watch')",
    },
    logs: { view: 'logs', on: bySubject("'Pod'"), excerpt: logs.signal.excerpt },
    metrics: {
      view: 'metrics',
      on: `(${bySubject('r.kind')}) OR ${byLabels}`,
      excerpt: metrics.signal.excerpt,
    },
    // An alert's own samples, or those whose labels name the object (a namespace: every alert in it).
    alerts: {
      view: "(SELECT * FROM metrics WHERE metric_name = 'ALERTS')",
      on: `(t.kind = '${ALERT_KIND}' AND ${alertName} = t.name) OR (t.kind = 'Namespace' AND ${conceptSql('namespace', 'r.metric_labels', vocabulary)} = t.name) OR (${bySubject('r.kind')}) OR ${byLabels}`,
      excerpt: `${alertName.replace('r.', '')} || coalesce(' (' || metric_labels['severity'] || ')', '') || ' ' || coalesce(metric_labels['alertstate'], 'firing')`,
    },
  };
  try {
    for (const [cls, q] of Object.entries(queries)) {
      if (!wanted.some((n) => n.class === cls)) continue;
      const rows = await bundle.query<{
        id: string;
        count: number;
        first: string;
        last: string;
        samples: string[];
      }>(
        `SELECT t.id, count(*)::INTEGER AS count, ${TS_SQL('min(r.ts)')} AS first, ${TS_SQL('max(r.ts)')} AS last,
                list(r.excerpt ORDER BY r.ts DESC)[1:${SAMPLES}] AS samples
         FROM (SELECT * FROM related_targets WHERE cls = '${cls}') t
         JOIN (SELECT *, ${q.excerpt} AS excerpt FROM ${q.view}) r ON (${q.on})
         WHERE ${window} AND ${q.where ?? 'true'}
         GROUP BY t.id`,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const node of wanted.filter((n) => n.class === cls)) {
        const row = byId.get(node.id);
        node.signals = row
          ? {
              count: Number(row.count),
              first: row.first,
              last: row.last,
              samples: row.samples.filter((s) => s !== null),
            }
          : { count: 0, first: null, last: null, samples: [] };
      }
    }
  } finally {
    await bundle.db.run('DROP TABLE IF EXISTS related_targets');
  }
}
