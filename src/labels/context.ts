// The objects an incident involves, as they were last seen in the analysed window: read from the
// bundle in one query and made compact (src/labels/manifest.ts). Bodies in a bundle are redacted
// when written; the labels' own redaction pass runs over them again (src/labels/redact.ts).

import type { Bundle } from '../bundle/reader.ts';
import type { ObjectRef } from '../vocab/object-ref.ts';
import { compactManifest } from './manifest.ts';

/** Objects per label: the chain's subjects and their workloads come first. */
export const MAX_OBJECTS = 8;

/** Compact manifests of `refs` (in their order; those the bundle never saw left out). */
export async function involvedManifests(
  bundle: Bundle,
  refs: readonly ObjectRef[],
  end: string,
): Promise<Record<string, unknown>[]> {
  const wanted = refs.slice(0, MAX_OBJECTS);
  if (wanted.length === 0) return [];
  const values = wanted.map(() => '(?, ?, ?, ?)').join(', ');
  const params = wanted.flatMap((r, i) => [i, r.kind, r.namespace ?? '', r.name]);
  const rows = await bundle.query<{ i: number; body: string }>(
    `WITH wanted(i, kind, namespace, name) AS (VALUES ${values})
     SELECT w.i::INTEGER AS i, arg_max(b.body, b.ts) AS body
     FROM wanted w JOIN bundle b
       ON b.source = 'object' AND b.kind = w.kind AND coalesce(b.namespace, '') = w.namespace AND b.name = w.name
     WHERE b.body IS NOT NULL AND b.ts <= ?::TIMESTAMPTZ AND coalesce(b.watch_event, '') <> 'DELETED'
     GROUP BY w.i ORDER BY w.i`,
    [...params, end],
  );
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    try {
      out.push(compactManifest(JSON.parse(row.body) as Record<string, unknown>));
    } catch {
      // A body that is not JSON (a damaged import) gives no manifest; the label says less.
    }
  }
  return out;
}
