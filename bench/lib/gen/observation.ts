// What the generator emits: observations as a recorder or importer receives them (Kubernetes JSON,
// audit entries, log lines, samples), before any conversion into bundle rows.

import type { MarkerKind, WatchEvent } from '../../../src/bundle/row.ts';
import type { Json } from './kube.ts';

export type Observation =
  | { t: 'watch'; ts: string; type: WatchEvent; object: Json }
  | { t: 'event'; ts: string; object: Json }
  | { t: 'audit'; entry: Json }
  | {
      t: 'log';
      ts: string;
      namespace: string;
      pod: string;
      container: string;
      node: string;
      stream: 'stdout' | 'stderr';
      previous?: boolean;
      line: string;
    }
  | { t: 'metric'; ts: string; name: string; labels: Record<string, string>; value: number }
  | { t: 'marker'; ts: string; marker: MarkerKind; detail: string };

/** The bundle source an observation becomes; audit entries split by level, which the targets treat apart. */
export type Stream = 'object' | 'event' | 'audit' | 'log' | 'metric' | 'marker';

export function streamOf(o: Observation): Stream {
  return o.t === 'watch' ? 'object' : o.t;
}

/** Finer class used for per-source figures: audit entries by level, objects by kind. */
export function classOf(o: Observation): string {
  if (o.t === 'audit') return `audit:${String(o.entry.level)}`;
  if (o.t === 'watch') return `object:${String(o.object.kind)}`;
  return o.t;
}
