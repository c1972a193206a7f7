// The state of every object version as one short label (a Pod's phase or its container's waiting
// reason, a Node's Ready and pressures, a workload's ready/desired), kept where it changes.

import type { Bundle } from '../../bundle/reader.ts';
import { type Health, OBJECT_ROWS } from './timeline.ts';

/** One label per object version; written for operators, the words kubectl shows. */
const STATE_SQL = `
CASE
  WHEN watch_event = 'DELETED' THEN 'Deleted'
  WHEN kind = 'Pod' THEN CASE
    WHEN deleted_at IS NOT NULL THEN 'Terminating'
    WHEN phase IN ('Failed', 'Succeeded') THEN phase || coalesce(': ' || status_reason, '')
    WHEN list_filter(containers, c -> c.state = 'waiting')[1].reason IS NOT NULL
      THEN list_filter(containers, c -> c.state = 'waiting')[1].reason
    WHEN list_filter(containers, c -> c.state = 'terminated' AND NOT coalesce(c."init", false))[1].reason IS NOT NULL
      THEN 'Terminated: ' || list_filter(containers, c -> c.state = 'terminated' AND NOT coalesce(c."init", false))[1].reason
    WHEN phase = 'Pending' AND node IS NULL THEN 'Pending, unscheduled'
    WHEN phase = 'Running' AND list_filter(conditions, c -> c.type = 'Ready')[1].status = 'False' THEN 'Running, not ready'
    ELSE coalesce(phase, 'Unknown')
  END
  WHEN kind = 'Node' THEN
    CASE list_filter(conditions, c -> c.type = 'Ready')[1].status
      WHEN 'True' THEN 'Ready' WHEN 'False' THEN 'NotReady' ELSE 'Ready: Unknown' END
    || coalesce(', ' || nullif(array_to_string(list_transform(
         list_filter(conditions, c -> c.type <> 'Ready' AND c.status = 'True'), c -> c.type), ', '), ''), '')
    || CASE WHEN unschedulable THEN ', SchedulingDisabled' ELSE '' END
  WHEN kind IN ('Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet') THEN
    coalesce(replicas_ready::VARCHAR, '?') || '/' || coalesce(replicas_desired, 0) || ' ready'
    || coalesce(', ' || list_filter(conditions, c -> c.type = 'Progressing' AND c.status = 'False')[1].reason, '')
  WHEN kind = 'Job' THEN coalesce(
    list_transform(list_filter(conditions, c -> c.type IN ('Failed', 'Complete') AND c.status = 'True'),
      c -> c.type || coalesce(': ' || c.reason, ''))[1], 'Active')
  WHEN phase IS NOT NULL THEN phase
  WHEN list_filter(conditions, c -> c.type = 'Ready')[1].status = 'True' THEN 'Ready'
  WHEN list_filter(conditions, c -> c.type = 'Ready')[1].status = 'False' THEN 'Not ready'
  ELSE 'Present'
END`;

export interface StateChange {
  kind: string;
  namespace: string | null;
  name: string;
  t: number;
  state: string;
}

/** Every change of state in the window, and each object's last state before it (its first row). */
export async function readStateChanges(bundle: Bundle, t0: number, endMs: number): Promise<StateChange[]> {
  return bundle.query<StateChange>(
    `WITH v AS (
       SELECT kind, namespace, name, ts, ${STATE_SQL} AS state FROM ${OBJECT_ROWS}
       WHERE name IS NOT NULL AND epoch_ms(ts) <= $2
     ),
     changed AS (
       SELECT *, lag(state) OVER (PARTITION BY kind, namespace, name ORDER BY ts) AS before,
              lead(ts) OVER (PARTITION BY kind, namespace, name ORDER BY ts) AS next_ts
       FROM v
     )
     SELECT kind, namespace, name, CAST(greatest(epoch_ms(ts) - $1, 0) AS DOUBLE) AS t, state
     FROM changed
     WHERE state IS DISTINCT FROM before AND (epoch_ms(ts) >= $1 OR next_ts IS NULL OR epoch_ms(next_ts) > $1)
     ORDER BY kind, namespace, name, ts`,
    [t0, endMs],
  );
}

const HEALTH: readonly [RegExp, Health][] = [
  [/^Deleted$/, 'gone'],
  [/BackOff|Err|Error|OOM|Failed|Evicted|NotReady|Lost|Invalid|Unknown|Deadline|Pressure|Unavailable/, 'bad'],
  // Fine only when nothing follows but a reason (`Complete: CompletionsReached`), not a qualifier (`, not ready`).
  [/^(Running|Succeeded|Ready|Complete|Bound|Active|Available|Present)(: .*)?$/, 'ok'],
];

/** How a state reads: workloads by their ready count, the rest by the words of their label. */
export function healthOf(state: string): Health {
  const replicas = /^(\d+)\/(\d+) ready(, .*)?$/.exec(state);
  if (replicas) {
    const [ready, desired] = [Number(replicas[1]), Number(replicas[2])];
    if (replicas[3]) return 'bad';
    return ready >= desired ? 'ok' : ready === 0 ? 'bad' : 'warn';
  }
  for (const [pattern, health] of HEALTH) if (pattern.test(state)) return health;
  // Pending, ContainerCreating, Terminating, not ready, a partial rollout: on its way, or stuck.
  return 'warn';
}
