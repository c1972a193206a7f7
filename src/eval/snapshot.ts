// A recording seen as a snapshot: what `kubectl get -o json` of every object and Event would have
// shown at its end (each object's last version unless it was deleted, each Event's last count), as
// one List file for `kstory import`; or of its objects alone, or of its Events alone, as dumps of
// one kind hold. Dumps and must-gathers are what users bring most often; a simulated incident seen
// this way is labelled by its scenario like its recording, and tells how often what kstory finds in
// a snapshot is the cause (see scripts/calibrate.ts).

import { writeFileSync } from 'node:fs';
import { openBundle } from '../views/open.ts';

const LAST_OBJECTS = `SELECT body FROM (
    SELECT body, watch_event FROM objects WHERE body IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY coalesce(uid, kind || '/' || coalesce(namespace, '') || '/' || name)
                               ORDER BY ts DESC) = 1)
  WHERE watch_event IS DISTINCT FROM 'DELETED'`;
const LAST_EVENTS = `SELECT body FROM events WHERE body IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY coalesce(event_uid, body) ORDER BY ts DESC) = 1`;

/** Writes the snapshot of the bundle `recording` to `output` (a JSON List) with the objects, the
 * Events or both (the default); returns how many items. */
export async function writeSnapshotList(
  recording: string,
  output: string,
  sources: readonly ('object' | 'event')[] = ['object', 'event'],
): Promise<number> {
  const bundle = await openBundle([recording]);
  try {
    const parts = [
      ...(sources.includes('object') ? [LAST_OBJECTS] : []),
      ...(sources.includes('event') ? [LAST_EVENTS] : []),
    ];
    const rows = await bundle.query<{ body: string }>(parts.join('\nUNION ALL\n'));
    const items = rows.map((r) => r.body);
    writeFileSync(output, `{"apiVersion":"v1","kind":"List","items":[\n${items.join(',\n')}\n]}\n`);
    return items.length;
  } finally {
    bundle.close();
  }
}
