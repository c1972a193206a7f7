// A story's cap (--max-events): which events a story over the cap leaves out, and how many of each
// kind, so that the document can say what is missing.

import type { EventType } from './schema.ts';

/** Which events go first when a story holds more than the cap: the chattiest kinds of record. */
const SHED_ORDER: EventType[] = ['CONTAINER_LOG', 'AUDIT', 'K8S_EVENT', 'RESOURCE_UPDATE'];

export function applyCap<Draft extends { event_type: EventType; timestamp: string }>(
  drafts: Draft[],
  max: number,
): { events: Draft[]; byCap: Record<string, number> } {
  const byCap: Record<string, number> = {};
  let over = drafts.length - max;
  if (over <= 0) return { events: drafts, byCap };
  const dropped = new Set<Draft>();
  for (const type of SHED_ORDER) {
    if (over <= 0) break;
    // The oldest of a kind go first: the end of a story is where it is read.
    const ofType = drafts
      .filter((d) => d.event_type === type)
      .sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
    const n = Math.min(over, ofType.length);
    for (const d of ofType.slice(0, n)) dropped.add(d);
    if (n > 0) byCap[type] = n;
    over -= n;
  }
  if (over > 0) {
    const rest = drafts.filter((d) => !dropped.has(d)).sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
    for (const d of rest.slice(0, over)) {
      dropped.add(d);
      byCap[d.event_type] = (byCap[d.event_type] ?? 0) + 1;
    }
  }
  return { events: drafts.filter((d) => !dropped.has(d)), byCap };
}
