// Which metric names the analysis reads: those the patterns' signals name on the `metrics` view,
// and those the views built on metrics select. Samples of other names (a Prometheus expression's
// result, a metric no pattern knows) are in the bundle but judged by nothing: the report says so.

import type { LoadedPattern } from '../patterns/load.ts';
import { viewNamed } from '../views/registry.ts';

/** `all` when some signal reads every metric whatever its name. */
export type MetricNamesRead = { all: true } | { all: false; names: ReadonlySet<string> };

export function metricNamesRead(patterns: readonly LoadedPattern[]): MetricNamesRead {
  // Alerts are read by the analysis itself (alerts.ts), whatever the patterns.
  const names = new Set<string>(['ALERTS']);
  for (const pattern of patterns) {
    for (const signal of Object.values(pattern.detect.signals)) {
      if (signal.from === 'metrics') {
        const wheres = [signal.where, ...(signal.any ?? [])];
        const named = wheres.flatMap((where) => namesIn(where));
        // A signal on metrics that names none reads them all.
        if (named.length === 0) return { all: true };
        for (const name of named) names.add(name);
        continue;
      }
      const view = viewNamed(signal.from);
      if (view?.source === 'metric') for (const name of literalsOf(view.create)) names.add(name);
    }
  }
  return { all: false, names };
}

function namesIn(where: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (key !== 'metric_name' && key !== 'metric_name|in') continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** Quoted words of a view's SQL that could be metric names: the names its filters select. */
function literalsOf(sql: string): string[] {
  return [...sql.matchAll(/'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)].map((m) => m[1]!);
}
