// The small typed columns of an object row that most kinds share: conditions, taints, labels,
// selector, replica counts, and the latest time the object records a change at.

import type { ConditionRow, TaintRow } from '../bundle/row.ts';
import { arr, int, isRecord, type Json, rec, str, text } from './fields.ts';
import { latestTs, normalizeTs } from './time.ts';

export function conditionsOf(status: Json | undefined): ConditionRow[] | null {
  const list = status?.conditions;
  if (!Array.isArray(list)) return null;
  const out: ConditionRow[] = [];
  for (const c of list) {
    if (!isRecord(c) || typeof c.type !== 'string') continue;
    out.push({
      type: c.type,
      status: text(c.status),
      reason: str(c.reason),
      message: str(c.message),
      last_transition: normalizeTs(c.lastTransitionTime) ?? normalizeTs(c.lastUpdateTime),
    });
  }
  return out;
}

export function taintsOf(spec: Json | undefined): TaintRow[] | null {
  if (!Array.isArray(spec?.taints)) return null;
  const out: TaintRow[] = [];
  for (const t of spec.taints) {
    if (isRecord(t) && typeof t.key === 'string')
      out.push({ key: t.key, value: str(t.value), effect: str(t.effect) });
  }
  return out;
}

function stringMap(value: unknown): Record<string, string> | null {
  if (!isRecord(value)) return null;
  const out: Record<string, string> = {};
  for (const key in value) {
    const v = text(value[key]);
    if (v !== null) out[key] = v;
  }
  return out;
}

export function labelsOf(metadata: Json | undefined): Record<string, string> | null {
  return stringMap(metadata?.labels);
}

export function selectorOf(kind: string | null, spec: Json | undefined): Record<string, string> | null {
  if (!spec) return null;
  // Services and ReplicationControllers use a plain map; everything else a LabelSelector.
  if (kind === 'Service' || kind === 'ReplicationController') return stringMap(spec.selector);
  const selector = rec(spec.selector);
  return selector ? stringMap(selector.matchLabels) : null;
}

/**
 * The annotation an import puts on what it rebuilds from kubectl text (`kubectl get` tables,
 * describe, rollout status); its value names the text. Such an object holds only what was printed.
 */
export const DERIVED_FROM_ANNOTATION = 'kstory.dev/derived-from';

/**
 * The annotation an import puts on the object versions it rebuilds from an audit log's writes (the
 * object a write sent or the API server answered, a patch applied to the last one): such versions are
 * only those some write left, never the history of the object's states a recording holds.
 */
export const FROM_AUDIT_ANNOTATION = 'kstory.dev/from-audit';

/** Whether an object was rebuilt from kubectl text rather than read from the API. */
export function isDerivedFromText(metadata: Json | undefined): boolean {
  return typeof rec(metadata?.annotations)?.[DERIVED_FROM_ANNOTATION] === 'string';
}

export interface Replicas {
  desired: number | null;
  current: number | null;
  ready: number | null;
  available: number | null;
  updated: number | null;
}

export function replicasOf(
  kind: string | null,
  spec: Json | undefined,
  status: Json | undefined,
  derived = false,
): Replicas | null {
  // The API server omits zero counts (omitempty): with a status its controller wrote, absent means
  // 0. An empty status is one no controller has written yet (what a create returns, before the
  // controller has looked): its counts are unknown, not 0. So is a count an object rebuilt from
  // kubectl text lacks (`derived`): the text did not print it (a table of kubectl before 1.15 has
  // no READY column, rollout status says only some counts), which says nothing of its value.
  const written = !derived && status !== undefined && Object.keys(status).length > 0;
  const count = (value: unknown) => int(value) ?? (written ? 0 : null);
  switch (kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'ReplicationController':
      return {
        desired: int(spec?.replicas),
        current: count(status?.replicas),
        ready: count(status?.readyReplicas),
        available: count(status?.availableReplicas),
        updated:
          kind === 'ReplicaSet' || kind === 'ReplicationController' ? null : count(status?.updatedReplicas),
      };
    case 'DaemonSet':
      return {
        desired: count(status?.desiredNumberScheduled),
        current: count(status?.currentNumberScheduled),
        ready: count(status?.numberReady),
        available: count(status?.numberAvailable),
        updated: count(status?.updatedNumberScheduled),
      };
    case 'HorizontalPodAutoscaler':
      return {
        desired: count(status?.desiredReplicas),
        current: count(status?.currentReplicas),
        ready: null,
        available: null,
        updated: null,
      };
    case 'Job':
      return {
        desired: null,
        current: count(status?.active),
        ready: count(status?.ready),
        available: null,
        updated: null,
      };
    default:
      return null;
  }
}

/** The latest timestamp an object carries: creation, deletion, conditions, container state changes. */
export function lastChangeOf(obj: Json): string | null {
  const metadata = rec(obj.metadata);
  const status = rec(obj.status);
  const times: (string | null)[] = [
    normalizeTs(metadata?.creationTimestamp),
    normalizeTs(metadata?.deletionTimestamp),
    normalizeTs(status?.startTime),
    normalizeTs(status?.completionTime),
    normalizeTs(status?.lastScheduleTime),
  ];
  for (const c of arr(status?.conditions)) {
    const cond = rec(c);
    times.push(normalizeTs(cond?.lastTransitionTime), normalizeTs(cond?.lastUpdateTime));
  }
  for (const list of [status?.initContainerStatuses, status?.containerStatuses]) {
    for (const s of arr(list)) {
      const st = rec(s);
      for (const holder of [rec(st?.state), rec(st?.lastState)]) {
        const running = rec(holder?.running);
        const terminated = rec(holder?.terminated);
        times.push(
          normalizeTs(running?.startedAt),
          normalizeTs(terminated?.startedAt),
          normalizeTs(terminated?.finishedAt),
        );
      }
    }
  }
  return latestTs(times);
}
