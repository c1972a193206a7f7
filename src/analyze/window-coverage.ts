// What an analysis looked at: the sources a bundle holds (objects, events, audit entries, logs,
// metrics), their rows and times, what its import skipped and the metrics nothing reads. "No
// incidents" means something only beside it; with nothing to look at, it is "nothing to analyze".

import type { BundleMetadata } from '../bundle/metadata.ts';
import type { Bundle } from '../bundle/reader.ts';
import { DERIVED_FROM_ANNOTATION, FROM_AUDIT_ANNOTATION } from '../kube/object-fields.ts';
import { ANALYSED_SOURCES, type Coverage } from './report.ts';
import type { MetricNamesRead } from './unread-metrics.ts';

const ISO = `'%Y-%m-%dT%H:%M:%S.%fZ'`;

const UNREAD_EXAMPLES = 3;

export async function coverageOf(
  bundle: Bundle,
  window: { start: string; end: string },
  read: MetricNamesRead,
): Promise<Coverage> {
  const rows = await bundle.query<{
    source: string;
    rows: number;
    in_window: number;
    first: string | null;
    last: string | null;
  }>(
    `SELECT source, count(*)::DOUBLE AS rows,
       count(*) FILTER (WHERE ts <= ?::TIMESTAMPTZ
         AND (source = 'object' OR ts >= ?::TIMESTAMPTZ))::DOUBLE AS in_window,
       strftime(min(ts), ${ISO}) AS first, strftime(max(ts), ${ISO}) AS last
     FROM bundle WHERE source <> 'marker' GROUP BY source`,
    [window.end, window.start],
  );
  const bySource = new Map(rows.map((r) => [r.source, r]));
  const sources = ANALYSED_SOURCES.map((source) => {
    const row = bySource.get(source);
    return {
      source,
      rows: row?.rows ?? 0,
      in_window: row?.in_window ?? 0,
      first: row?.first ?? null,
      last: row?.last ?? null,
    };
  });
  return {
    sources,
    nothing_to_analyze: sources.every((s) => s.in_window === 0),
    ...skippedAtImport(bundle.metadata),
    unread_metrics: await unreadMetrics(bundle, window, read),
    ...(await rebuilt(bundle)),
  };
}

/** The rows an import rebuilt rather than read from the API: from kubectl text, by the text, and
 * object versions from an audit log's writes. */
async function rebuilt(bundle: Bundle): Promise<Pick<Coverage, 'derived_from_text' | 'from_audit'>> {
  // Only an import rebuilds objects: a recording's bodies are not searched for it.
  if (!bundle.metadata.producer.split('+').includes('import'))
    return { derived_from_text: {}, from_audit: 0 };
  const rows = await bundle.query<{ text: string | null; from_audit: boolean; rows: number }>(
    `SELECT json_extract_string(body, ?) AS text,
       source = 'object' AND contains(body, ?) AS from_audit, count(*)::DOUBLE AS rows FROM bundle
     WHERE source IN ('object', 'event') AND (contains(body, ?) OR contains(body, ?))
     GROUP BY 1, 2 ORDER BY 3 DESC, 1`,
    [
      `$.metadata.annotations."${DERIVED_FROM_ANNOTATION}"`,
      FROM_AUDIT_ANNOTATION,
      DERIVED_FROM_ANNOTATION,
      FROM_AUDIT_ANNOTATION,
    ],
  );
  const derived: Record<string, number> = {};
  for (const r of rows) if (r.text !== null) derived[r.text] = (derived[r.text] ?? 0) + r.rows;
  const fromAudit = rows.filter((r) => r.from_audit).reduce((sum, r) => sum + r.rows, 0);
  return { derived_from_text: derived, from_audit: fromAudit };
}

async function unreadMetrics(
  bundle: Bundle,
  window: { start: string; end: string },
  read: MetricNamesRead,
): Promise<Coverage['unread_metrics']> {
  if (read.all) return { rows: 0, names: 0, examples: [] };
  const byName = await bundle.query<{ name: string; rows: number }>(
    `SELECT metric_name AS name, count(*)::DOUBLE AS rows FROM bundle
     WHERE source = 'metric' AND ts BETWEEN ?::TIMESTAMPTZ AND ?::TIMESTAMPTZ AND metric_name IS NOT NULL
     GROUP BY 1 ORDER BY 2 DESC, 1`,
    [window.start, window.end],
  );
  const unread = byName.filter((m) => !read.names.has(m.name));
  return {
    rows: unread.reduce((sum, m) => sum + m.rows, 0),
    names: unread.length,
    examples: unread.slice(0, UNREAD_EXAMPLES).map((m) => m.name),
  };
}

function skippedAtImport(metadata: BundleMetadata): { skipped: Record<string, number>; damaged: number } {
  const skipped: Record<string, number> = {};
  let damaged = 0;
  for (const input of metadata.inputs) {
    for (const [reason, n] of Object.entries(input.skipped_by_reason ?? {}))
      skipped[reason] = (skipped[reason] ?? 0) + n;
    damaged += input.damaged ?? 0;
  }
  return { skipped, damaged };
}
