// An object's versions as lifecycle events: created, each update with what changed, deleted; for
// pods also when they started and began terminating, and each container start and exit the
// container states show (the previous instance's exit comes from `lastState`).

import { changeRank, diffObjects } from './diff.ts';
import type { ContainerState, ObjectVersion } from './records.ts';
import type { ResourceRef, StoryEvent } from './schema.ts';

type Draft = Omit<StoryEvent, 'correlation_id'>;

const API_SERVER = 'api-server';
const KUBELET = 'kubelet';

/** Lifecycle events of one object incarnation, from its versions in order. */
export function lifecycleEvents(versions: readonly ObjectVersion[], window: { start: string }): Draft[] {
  if (versions.length === 0) return [];
  const first = versions[0]!;
  const resource: ResourceRef = {
    kind: first.kind,
    namespace: first.namespace,
    name: first.name,
    uid: first.uid,
  };
  const label = `${first.kind} ${first.namespace ? `${first.namespace}/` : ''}${first.name}`;
  const drafts: Draft[] = [];
  const base = { namespace: first.namespace, resource };
  const bodies = versions.map((v) => parseBody(v.body));

  // Created: when its creationTimestamp says, if the recording saw it come (an ADDED version, or a
  // creation inside the window); a version listed at the start of a recording is where it begins.
  const created = first.created_at;
  if (created && (first.watch_event === 'ADDED' || created >= window.start)) {
    drafts.push({
      ...base,
      timestamp: created < first.ts ? created : first.ts,
      event_type: 'RESOURCE_CREATED',
      source_component: API_SERVER,
      summary: `${label} created`,
      data: bodies[0] ?? summaryOf(first),
    });
  }
  for (let i = 1; i < versions.length; i++) {
    const v = versions[i]!;
    if (v.watch_event === 'DELETED') continue;
    const { changes, omitted } = diffObjects(bodies[i - 1], bodies[i]);
    if (changes.length === 0) continue;
    const shown = [...changes]
      .sort((a, b) => changeRank(a.path) - changeRank(b.path))
      .slice(0, 2)
      .map(describeChange)
      .join('; ');
    const more = changes.length + omitted - 2;
    drafts.push({
      ...base,
      timestamp: v.ts,
      event_type: 'RESOURCE_UPDATE',
      source_component: API_SERVER,
      summary: `${label}: ${shown}${more > 0 ? ` (+${more} more)` : ''}`,
      changes,
      ...(omitted > 0 ? { changes_omitted: omitted } : {}),
      data: bodies[i] ?? summaryOf(v),
    });
  }
  const deleted = versions.find((v) => v.watch_event === 'DELETED');
  if (deleted) {
    drafts.push({
      ...base,
      timestamp: deleted.ts,
      event_type: 'RESOURCE_DELETED',
      source_component: API_SERVER,
      summary: `${label} deleted`,
      data: parseBody(deleted.body) ?? summaryOf(deleted),
    });
  }
  if (first.kind === 'Pod') drafts.push(...podEvents(versions, bodies, base, label));
  return drafts;
}

function podEvents(
  versions: readonly ObjectVersion[],
  bodies: readonly unknown[],
  base: Pick<Draft, 'namespace' | 'resource'>,
  label: string,
): Draft[] {
  const drafts: Draft[] = [];
  const bound = versions.findIndex((v) => v.node !== null);
  if (bound >= 0) {
    const v = versions[bound]!;
    const startTime = stringAt(bodies[bound], ['status', 'startTime']);
    drafts.push({
      ...base,
      timestamp: startTime ? isoMs(startTime) : v.ts,
      event_type: 'POD_STARTING',
      source_component: KUBELET,
      summary: `${label} starting on node ${v.node}`,
      data: { node: v.node, start_time: startTime, phase: v.phase },
    });
  }
  const terminating = versions.findIndex((v) => v.deleted_at !== null);
  if (terminating >= 0) {
    const v = versions[terminating]!;
    const grace = (bodies[terminating] as { metadata?: { deletionGracePeriodSeconds?: number } } | null)
      ?.metadata?.deletionGracePeriodSeconds;
    drafts.push({
      ...base,
      timestamp: v.ts,
      event_type: 'POD_TERMINATING',
      source_component: KUBELET,
      summary: `${label} terminating${grace !== undefined ? ` (grace period ${grace}s)` : ''}`,
      data: { deletion_timestamp: v.deleted_at, grace_period_seconds: grace ?? null, phase: v.phase },
    });
  }
  const seen = new Set<string>();
  const once = (key: string) => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const v of versions) {
    for (const c of v.containers ?? []) {
      const instances: {
        started: string | null;
        finished: string | null;
        reason: string | null;
        exit: number | null;
      }[] = [
        {
          started: known(c.last_started_at),
          finished: known(c.last_finished_at),
          reason: c.last_reason,
          exit: c.last_exit_code,
        },
        {
          started: known(c.started_at),
          finished: c.state === 'terminated' ? known(c.finished_at) : null,
          reason: c.state === 'terminated' ? c.reason : null,
          exit: c.state === 'terminated' ? c.exit_code : null,
        },
      ];
      for (const instance of instances) {
        if (instance.started && once(`s|${c.name}|${instance.started}`)) {
          drafts.push({
            ...base,
            timestamp: instance.started,
            event_type: 'CONTAINER_STARTED',
            source_component: KUBELET,
            summary: `${label}: container ${c.name} started`,
            data: containerData(c, instance),
          });
        }
        if (instance.finished && once(`t|${c.name}|${instance.finished}`)) {
          drafts.push({
            ...base,
            timestamp: instance.finished,
            event_type: 'CONTAINER_TERMINATED',
            source_component: KUBELET,
            summary: `${label}: container ${c.name} terminated${instance.reason ? `: ${instance.reason}` : ''}${instance.exit !== null ? `, exit code ${instance.exit}` : ''}`,
            data: containerData(c, instance),
          });
        }
      }
    }
  }
  return drafts;
}

/** A container state's time, or null for the zero time a runtime reports for "never" (the Unix
 * epoch, Go's year 1). */
function known(time: string | null): string | null {
  return time !== null && time >= '1971' ? time : null;
}

function containerData(
  c: ContainerState,
  instance: { started: string | null; finished: string | null; reason: string | null; exit: number | null },
): Record<string, unknown> {
  return {
    container: c.name,
    init: c.init ?? false,
    started_at: instance.started,
    finished_at: instance.finished,
    reason: instance.reason,
    exit_code: instance.exit,
    restart_count: c.restart_count,
  };
}

function describeChange(change: { path: string; old?: unknown; new?: unknown }): string {
  const show = (v: unknown) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  if (!('old' in change)) return `${change.path} set to ${show(change.new)}`;
  if (!('new' in change)) return `${change.path} removed`;
  return `${change.path} ${show(change.old)} → ${show(change.new)}`;
}

function summaryOf(v: ObjectVersion): Record<string, unknown> {
  return {
    kind: v.kind,
    namespace: v.namespace,
    name: v.name,
    uid: v.uid,
    phase: v.phase,
    watch_event: v.watch_event,
  };
}

export function parseBody(body: string | null): unknown {
  if (body === null) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function stringAt(value: unknown, path: string[]): string | null {
  let at: unknown = value;
  for (const key of path)
    at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === 'string' ? at : null;
}

/** An RFC 3339 time from an object (`2026-03-02T09:00:00Z`) in the story's form, milliseconds. */
export function isoMs(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}
