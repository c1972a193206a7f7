// The timeline of a bundle over an analysed window, for the HTML report: lanes chosen (the
// findings' objects and their owners first, then what was unwell, then the rest, up to a limit),
// their states as spans, their marks, series and versions, and a note of all that was summarised.

import type { Bundle } from '../../bundle/reader.ts';
import type { Labels } from '../selector.ts';
import { readMarks } from './marks.ts';
import { describeScope, scopeFilter, type TimelineScope } from './scope.ts';
import { readSeries } from './series.ts';
import { healthOf, readStateChanges } from './states.ts';
import {
  DEFAULT_LIMITS,
  type Lane,
  OBJECT_ROWS,
  type Span,
  type Timeline,
  type TimelineLimits,
} from './timeline.ts';
import { readVersions } from './versions.ts';

/** The analysis's filters (-n, --kind, -l, --subject) narrow the lanes as they narrow the incidents. */
export interface TimelineOptions extends TimelineScope {
  /** The objects the report's findings are about: their lanes, and their owners', come first. */
  focus?: readonly { kind: string; namespace: string | null; name: string }[];
  limits?: Partial<TimelineLimits>;
  /** Told what it is reading, for a status line on big bundles. */
  onProgress?: (stage: string) => void;
}

export const laneKey = (kind: string, namespace: string | null, name: string): string =>
  `${kind}\u0000${namespace ?? ''}\u0000${name}`;

interface ObjectRow {
  kind: string;
  namespace: string | null;
  name: string;
  owner_kind: string | null;
  owner_name: string | null;
  labels: string | null;
}

export async function buildTimeline(
  bundle: Bundle,
  window: { start: string; end: string },
  options: TimelineOptions = {},
): Promise<Timeline> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const t0 = Date.parse(window.start);
  const endMs = Date.parse(window.end);
  const span = { t0, endMs };
  const duration = Math.max(1, endMs - t0);
  const summarised: string[] = [];
  const progress = options.onProgress ?? (() => {});
  progress('timeline: reading the states of every object');

  const objects = await bundle.query<ObjectRow>(
    `SELECT kind, namespace, name, arg_max(owner_kind, ts) AS owner_kind, arg_max(owner_name, ts) AS owner_name,
            to_json(arg_max(labels, ts))::VARCHAR AS labels
     FROM ${OBJECT_ROWS} WHERE name IS NOT NULL AND epoch_ms(ts) <= $1 GROUP BY ALL`,
    [endMs],
  );
  const byKey = new Map(objects.map((o) => [laneKey(o.kind, o.namespace, o.name), o]));
  /** The object's owners, nearest first; an owner the bundle does not hold ends the list, still
   * named (it is the name people know the workload by). */
  const ownersOf = (o: Pick<ObjectRow, 'kind' | 'namespace' | 'name'>): ObjectRow[] => {
    const out: ObjectRow[] = [];
    const seen = new Set<string>();
    let current = byKey.get(laneKey(o.kind, o.namespace, o.name));
    while (current?.owner_kind && current.owner_name) {
      const key = laneKey(current.owner_kind, current.namespace, current.owner_name);
      if (seen.has(key)) break;
      seen.add(key);
      const next = byKey.get(key);
      if (!next) {
        out.push({
          ...current,
          kind: current.owner_kind,
          name: current.owner_name,
          owner_kind: null,
          owner_name: null,
          labels: null,
        });
        break;
      }
      out.push(next);
      current = next;
    }
    return out;
  };
  const topOwner = (o: ObjectRow): ObjectRow | null => ownersOf(o).at(-1) ?? null;

  const changes = await readStateChanges(bundle, t0, endMs);
  const spansByKey = new Map<string, Span[]>();
  const stateIndex = new Map<string, number>();
  const states: string[] = [];
  const indexOf = (state: string) => {
    let i = stateIndex.get(state);
    if (i === undefined) {
      i = states.push(state) - 1;
      stateIndex.set(state, i);
    }
    return i;
  };
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const next = changes[i + 1];
    const key = laneKey(c.kind, c.namespace, c.name);
    const sameLane = next && laneKey(next.kind, next.namespace, next.name) === key;
    if (c.state === 'Deleted') continue; // The lane ends: no span after a deletion.
    const list = spansByKey.get(key) ?? [];
    list.push([c.t, sameLane ? next.t : duration, indexOf(c.state), healthOf(c.state)]);
    spansByKey.set(key, list);
  }

  // Which lanes: findings' objects, their owners and what they own; then the unwell; then the rest.
  const focus = new Set((options.focus ?? []).map((f) => laneKey(f.kind, f.namespace, f.name)));
  const focusOwners = new Set(
    [...focus].flatMap((k) => {
      const o = byKey.get(k);
      const top = o ? topOwner(o) : null;
      return top ? [laneKey(top.kind, top.namespace, top.name)] : [];
    }),
  );
  const rank = (o: ObjectRow): number => {
    const key = laneKey(o.kind, o.namespace, o.name);
    if (focus.has(key)) return 0;
    const top = topOwner(o);
    if (focusOwners.has(key) || (top && focusOwners.has(laneKey(top.kind, top.namespace, top.name))))
      return 1;
    const spans = spansByKey.get(key) ?? [];
    if (spans.some((s) => s[3] === 'bad')) return 2;
    if (spans.some((s) => s[3] === 'warn')) return 3;
    return spans.length > 1 ? 4 : 5;
  };
  const labelsOf = (o: ObjectRow): Labels =>
    (o.labels ? (JSON.parse(o.labels) as Labels | null) : null) ?? {};
  const scoped = scopeFilter(options, focus, laneKey, (o) =>
    ownersOf(o).map((x) => ({ ...x, labels: labelsOf(x) })),
  );
  const inScope = (o: ObjectRow) => scoped({ ...o, labels: labelsOf(o) });
  const candidates = objects.filter(
    (o) => spansByKey.has(laneKey(o.kind, o.namespace, o.name)) && inScope(o),
  );
  const chosen = candidates
    .map((o) => ({ o, r: rank(o) }))
    .sort((a, b) => a.r - b.r)
    .slice(0, limits.lanes)
    .map(({ o }) => o);
  if (chosen.length < candidates.length) {
    summarised.push(
      `${candidates.length - chosen.length} of ${candidates.length} objects have no lane: the findings' objects and their workloads come first, then objects that were unwell, then those that changed`,
    );
  }

  const lanes = new Map<string, Lane>();
  let merged = 0;
  for (const o of chosen) {
    const key = laneKey(o.kind, o.namespace, o.name);
    const top = topOwner(o);
    const spans = boundSpans(spansByKey.get(key) ?? [], limits.spansPerLane, duration, indexOf, states);
    merged += spans.merged;
    lanes.set(key, {
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      owner: top ? `${top.kind} ${top.name}` : null,
      labels: { ...labelsOf(o) },
      spans: spans.spans,
      marks: [],
      series: [],
      versions: [],
    });
  }
  if (merged > 0)
    summarised.push(
      `${merged} short state changes merged: a lane shows at most ${limits.spansPerLane} spans, each the worst state of its stretch`,
    );

  progress('timeline: reading Events, audited writes and logs');
  const { marks, grouped, dropped } = await readMarks(bundle, span, limits, [...lanes.keys()]);
  for (const g of grouped)
    summarised.push(`${g.rows} ${g.source} grouped per object and minute (more than ${limits.exactMarks})`);
  for (const m of marks) {
    lanes.get(laneKey(m.kind, m.namespace, m.name))?.marks.push({
      t: m.t,
      type: m.type,
      count: m.count,
      label: m.label,
      text: m.text,
    });
  }
  if (dropped > 0)
    summarised.push(
      `${dropped} marks left out: a lane keeps ${limits.marksPerLane}, warnings, writes and logs before normal Events`,
    );
  progress('timeline: reading metrics and versions');
  for (const s of await readSeries(bundle, span, limits.pointsPerSeries)) {
    lanes
      .get(laneKey('Pod', s.namespace, s.pod))
      ?.series.push({ name: s.name, unit: s.unit, points: s.points });
  }
  for (const v of await readVersions(bundle, span, limits, focus, laneKey)) {
    const lane = lanes.get(laneKey(v.kind, v.namespace, v.name));
    if (lane) lane.versions = v.versions;
  }

  return {
    start: window.start,
    end: window.end,
    t0,
    states,
    lanes: [...lanes.values()],
    objects: candidates.length,
    scope: describeScope(options),
    summarised,
  };
}

const SEVERITY: Record<Span[3], number> = { ok: 0, gone: 1, warn: 2, bad: 3 };

/**
 * At most `limit` spans: the lane's time cut in `limit` equal stretches, each stretch where the
 * state changed more than once drawn as one span of its worst state, labelled with the count.
 */
function boundSpans(
  spans: Span[],
  limit: number,
  duration: number,
  indexOf: (state: string) => number,
  states: readonly string[],
): { spans: Span[]; merged: number } {
  if (spans.length <= limit) return { spans, merged: 0 };
  const width = duration / limit;
  const out: Span[] = [];
  let i = 0;
  while (i < spans.length) {
    const bucket = Math.floor(spans[i]![0] / width);
    let j = i;
    let worst = spans[i]!;
    while (j + 1 < spans.length && Math.floor(spans[j + 1]![0] / width) === bucket) {
      j++;
      if (SEVERITY[spans[j]![3]] > SEVERITY[worst[3]]) worst = spans[j]!;
    }
    if (j === i) out.push(spans[i]!);
    else
      out.push([
        spans[i]![0],
        spans[j]![1],
        indexOf(`${j - i + 1} changes, worst: ${states[worst[2]]}`),
        worst[3],
      ]);
    i = j + 1;
  }
  return { spans: out, merged: spans.length - out.length };
}
