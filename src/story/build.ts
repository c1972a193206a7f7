// `kstory story` as a function: a bundle and one root (or every root) in, story documents out.
// Correlation comes first, for the whole batch, then each view is read once per batch of stories
// and its records dealt out to them, so that a story of every workload of a large cluster costs a
// few scans of the bundle rather than one per story.

import { collectGarbage } from '../bundle/duckdb.ts';
import type { Bundle } from '../bundle/reader.ts';
import type { CatalogueObject } from '../correlate/catalogue.ts';
import { TOOL_VERSION } from '../version.ts';
import { openBundle } from '../views/open.ts';
import { applyCap } from './cap.ts';
import { type Context, loadContext, loadCorrelator, type StoryOptions } from './context.ts';
import type { Member } from './correlate.ts';
import { describeFilters, keepsContainer, keepsEventSource, keepsLogLine, keepsResource } from './filters.ts';
import { lifecycleEvents } from './lifecycle.ts';
import { type BatchRecords, type LogRecord, memberRows, type ObjectVersion, readBatch } from './records.ts';
import { EVENT_TYPES, type EventType, STORY_SCHEMA, type Story, type StoryEvent } from './schema.ts';
import { auditDraft, eventDraft, type FindingInput, findingDraft, gapDraft, logDraft } from './signals.ts';
import { resolveTarget } from './target.ts';
import { terminationOf } from './termination.ts';

type Draft = Omit<StoryEvent, 'correlation_id'>;

const STORY_MEMORY_LIMIT = '512MB';

/** The story of the object `target` names (see target.ts), from the bundle files `inputs`. */
export async function buildStory(
  inputs: readonly string[],
  target: string,
  options: StoryOptions = {},
): Promise<Story> {
  const bundle = await openBundle(inputs);
  try {
    const correlator = await loadCorrelator(bundle, options);
    const root = resolveTarget(target, correlator.objects);
    const context = await loadContext(bundle, inputs, options, correlator);
    for await (const story of storiesOf(bundle, context, [root])) return story;
    throw new Error('a batch of one root gave no story');
  } finally {
    bundle.close();
  }
}

/** Every root's story (see Correlator.roots), in batches; `count` is told first. */
export async function* buildAllStories(
  inputs: readonly string[],
  options: StoryOptions & { onCount?: (count: number) => void } = {},
): AsyncGenerator<Story> {
  // Stories read each view once per batch and hold a batch's rows in the process: DuckDB's share
  // of the memory is kept to half its usual, so that both fit in the 1.5 GB every command keeps to.
  const bundle = await openBundle(inputs, { memoryLimit: STORY_MEMORY_LIMIT });
  try {
    yield* allStories(bundle, await loadContext(bundle, inputs, options), options);
  } finally {
    bundle.close();
  }
}

async function* allStories(
  bundle: Bundle,
  context: Context,
  options: StoryOptions & { onCount?: (count: number) => void },
): AsyncGenerator<Story> {
  const roots = context.correlator
    .roots()
    .sort((a, b) => pathOf(a).localeCompare(pathOf(b)) || (a.first < b.first ? -1 : 1));
  options.onCount?.(roots.length);
  const size = options.batchSize ?? 250;
  for (let i = 0; i < roots.length; i += size) {
    options.onProgress?.(`stories ${i + 1}-${Math.min(i + size, roots.length)} of ${roots.length}`);
    yield* storiesOf(bundle, context, roots.slice(i, i + size));
    // The batch's results and stories are garbage now, its rows in DuckDB's native memory among
    // them, which the collector does not count: without this, a bundle of a million records grew
    // to 2.5 GB of what earlier batches had read before it was collected.
    collectGarbage();
  }
}

/**
 * Where a story's window begins: the first record of the root or what it owns. A creation counts
 * only while the bundle was recording (it has records from then on): an object listed when the
 * recording began, created months before, begins at its first sighting, not at its creation.
 */
export function storyStart(
  owned: readonly Pick<CatalogueObject, 'seen' | 'created_at'>[],
  bundle: { start: string; end: string },
): string {
  let start = bundle.end;
  for (const o of owned) {
    const created = o.created_at !== null && o.created_at >= bundle.start ? o.created_at : o.seen;
    const first = created < o.seen ? created : o.seen;
    if (first < start) start = first;
  }
  return start;
}

const pathOf = (o: { kind: string; namespace: string | null; name: string }) =>
  `${o.kind}/${o.namespace ?? ''}/${o.name}`;

/** The stories of a batch of roots, each assembled only when asked for: a batch's records are held
 * once, and one story's parsed versions at a time. */
async function* storiesOf(bundle: Bundle, context: Context, roots: CatalogueObject[]): AsyncGenerator<Story> {
  const plans = roots.map((root) => {
    const members = context.correlator
      .correlate(root)
      .filter((m) => m.relation === 'root' || keepsResource(context.filters, m));
    const start = storyStart(
      members.flatMap((m) => (!m.bounded && m.object ? [m.object] : [])),
      context.window,
    );
    return { root, members, window: { start, end: context.window.end } };
  });
  // Owned resources count whenever they were recorded; shared ones only within the story's window.
  // Held only split by story, so that each story's rows go once it is told.
  const byStory = splitByStory(
    await readBatch(
      bundle,
      memberRows(
        plans.map((p) => ({ members: p.members, window: { start: p.window.start, end: p.window.end } })),
      ),
      { logs: context.limits.logs !== 'none' },
    ),
    plans.length,
  );
  for (const [index, plan] of plans.entries()) {
    const story = assemble(context, plan, byStory[index]!);
    byStory[index] = { objects: [], events: [], audit: [], logs: [] };
    yield story;
  }
}

function splitByStory(records: BatchRecords, count: number): BatchRecords[] {
  const out: BatchRecords[] = Array.from({ length: count }, () => ({
    objects: [],
    events: [],
    audit: [],
    logs: [],
  }));
  for (const key of ['objects', 'events', 'audit', 'logs'] as const)
    for (const row of records[key]) (out[row.story]![key] as (typeof row)[]).push(row);
  return out;
}

function assemble(
  context: Context,
  plan: { root: CatalogueObject; members: Member[]; window: { start: string; end: string } },
  records: BatchRecords,
): Story {
  const { root, members } = plan;
  const { filters, limits } = context;
  const correlationId = root.uid ?? `${root.namespace ?? ''}/${root.kind}/${root.name}`;
  const drafts: Draft[] = [];
  let filtered = 0;

  // Versions arrive ordered by incarnation, then time.
  let rootVersions: ObjectVersion[] = [];
  for (const versions of runs(records.objects)) {
    const v = versions[0]!;
    if (
      v.kind === root.kind &&
      v.namespace === root.namespace &&
      v.name === root.name &&
      (v.uid ?? null) === root.uid
    )
      rootVersions = versions;
    for (const d of lifecycleEvents(versions, plan.window)) {
      const container = (d.data as { container?: string } | null)?.container;
      if (d.event_type.startsWith('CONTAINER_') && !keepsContainer(filters, container ?? null)) filtered++;
      else drafts.push(d);
    }
  }
  const termination = terminationOf(rootVersions, context.window.end);

  const mentioned: Member[] = [];
  for (const e of records.events) {
    if (
      !keepsEventSource(filters, e.event_source) ||
      (e.container !== null && !keepsContainer(filters, e.container))
    )
      filtered++;
    else drafts.push(eventDraft(e));
    // The admission webhook an Event names has no object of its own: analysis speaks of it by name.
    const webhook = e.webhook;
    if (webhook && !mentioned.some((m) => m.name === webhook))
      mentioned.push({
        kind: 'AdmissionWebhook',
        namespace: null,
        name: webhook,
        uid: null,
        api_version: null,
        relation: 'mentioned',
        detail: e.event_reason,
        via: { kind: e.kind, namespace: e.namespace, name: e.name, uid: e.uid },
        replaces: null,
        bounded: true,
        object: null,
      });
  }
  members.push(...mentioned);
  for (const a of records.audit) drafts.push(auditDraft(a));
  const logCaps: Record<string, number> = {};
  const streams = new Map<string, LogRecord[]>();
  for (const l of records.logs) {
    if (
      !keepsContainer(filters, l.container) ||
      !keepsLogLine(filters, limits, l.log_line ?? '', l.log_previous === true)
    ) {
      filtered++;
      continue;
    }
    const key = `${l.namespace ?? ''}/${l.name}/${l.container ?? ''}`;
    const list = streams.get(key) ?? [];
    list.push(l);
    streams.set(key, list);
  }
  for (const [key, lines] of streams) {
    lines.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    const over = lines.length - limits.maxLogLines;
    if (over > 0) logCaps[key] = over;
    for (const l of over > 0 ? lines.slice(over) : lines) drafts.push(logDraft(l));
  }
  const seenKeys = new Set<string>();
  const told = new Map<number, FindingInput>();
  for (const m of members) {
    const key = `${m.namespace ?? ''}/${m.kind}/${m.name}`;
    if (seenKeys.has(key)) continue;
    seenKeys.add(key);
    for (const f of context.findings.get(key) ?? []) {
      if (f.subject.container !== null && !keepsContainer(filters, f.subject.container)) filtered++;
      else {
        drafts.push(findingDraft(f, { kind: m.kind, namespace: m.namespace, name: m.name, uid: m.uid }));
        told.set(f.id, f);
      }
    }
  }
  // What the story's findings explain, elsewhere too (the pods a broken network agent leaves
  // without a sandbox): their findings, and their subjects as affected resources.
  const queue = [...told.values()];
  for (let cause = queue.shift(); cause; cause = queue.shift()) {
    for (const effect of context.effects.get(cause.id) ?? []) {
      if (told.has(effect.id)) continue;
      told.set(effect.id, effect);
      queue.push(effect);
      const subject = {
        kind: effect.subject.kind,
        namespace: effect.subject.namespace,
        name: effect.subject.name,
      };
      const key = `${subject.namespace ?? ''}/${subject.kind}/${subject.name}`;
      if (!seenKeys.has(key)) {
        seenKeys.add(key);
        members.push({
          ...subject,
          uid: null,
          api_version: null,
          relation: 'affected',
          detail: effect.caused_by?.link ?? null,
          via: {
            kind: cause.subject.kind,
            namespace: cause.subject.namespace,
            name: cause.subject.name,
            uid: null,
          },
          replaces: null,
          bounded: true,
          object: null,
        });
      }
      drafts.push(findingDraft(effect, { ...subject, uid: null }));
    }
  }
  for (const g of context.gaps) {
    if ((g.end ?? g.ts) >= plan.window.start && g.ts <= termination.at) drafts.push(gapDraft(g));
  }

  const kept = drafts.filter((d) => d.timestamp <= termination.at);
  const afterTermination = drafts.length - kept.length;
  const { events: capped, byCap } = applyCap(kept, limits.maxEvents);
  const order = new Map<EventType, number>(EVENT_TYPES.map((t, i) => [t, i]));
  capped.sort(
    (a, b) =>
      (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0) ||
      order.get(a.event_type)! - order.get(b.event_type)!,
  );
  const events: StoryEvent[] = capped.map((d) => ({ ...d, correlation_id: correlationId }));
  const cappedCount = Object.values(byCap).reduce((a, b) => a + b, 0);
  const logCapped = Object.values(logCaps).reduce((a, b) => a + b, 0);
  // A container's or pod's start, read from a later version's state, keeps its own time, which may
  // come before anything was recorded: it does not move the window.
  const first = events.find((e) => !TOLD_BY_STATE.has(e.event_type))?.timestamp;
  return {
    schema: STORY_SCHEMA,
    tool_version: TOOL_VERSION,
    correlation_id: correlationId,
    root: {
      kind: root.kind,
      namespace: root.namespace,
      name: root.name,
      uid: root.uid,
      api_version: root.api_version,
    },
    window: { start: first && first < plan.window.start ? first : plan.window.start, end: termination.at },
    termination,
    namespaces: [...new Set(members.map((m) => m.namespace).filter((n): n is string => n !== null))].sort(),
    resources: members.map(({ bounded: _b, object: _o, ...resource }) => resource),
    events,
    omitted: {
      total: cappedCount + logCapped + filtered + afterTermination,
      by_cap: byCap,
      log_lines_by_cap: logCaps,
      filtered,
      after_termination: afterTermination,
    },
    filters: describeFilters(filters, limits),
  };
}

/** Events dated by what a version's state says rather than by a record of their own. */
const TOLD_BY_STATE = new Set<EventType>(['POD_STARTING', 'CONTAINER_STARTED', 'CONTAINER_TERMINATED']);

/** Consecutive versions of one incarnation. */
function* runs(versions: ObjectVersion[]): Generator<ObjectVersion[]> {
  let run: ObjectVersion[] = [];
  for (const v of versions) {
    const last = run[0];
    if (
      last &&
      !(last.kind === v.kind && last.namespace === v.namespace && last.name === v.name && last.uid === v.uid)
    ) {
      yield run;
      run = [];
    }
    run.push(v);
  }
  if (run.length > 0) yield run;
}
