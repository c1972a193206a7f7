// The Pod table: READY, STATUS (the aggregate reason kubectl users know: CrashLoopBackOff,
// Init:0/1, Terminating, Completed...), RESTARTS with when the last one was, and the wide columns.

import { arr, type Json, rec, str } from '../../kube/fields.ts';
import type { Instant } from '../instant.ts';
import { age, nameOf, since } from './format.ts';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer, wide } from './table.ts';

function isRestartableInit(container: Json | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

function conditionTrue(status: Json, type: string): boolean {
  return arr(status.conditions).some((c) => rec(c)?.type === type && rec(c)?.status === 'True');
}

function later(current: string | null, candidate: unknown): string | null {
  const c = str(candidate);
  if (!c) return current;
  return current === null || Date.parse(c) > Date.parse(current) ? c : current;
}

/** STATUS, READY, RESTARTS of a pod, with the same precedence as the API server's printer. */
export function podSummary(pod: Json): {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart: string | null;
} {
  const spec = rec(pod.spec) ?? {};
  const status = rec(pod.status) ?? {};
  const metadata = rec(pod.metadata) ?? {};
  const phase = str(status.phase) ?? '';
  let reason = str(status.reason) ?? phase;
  for (const c of arr(status.conditions).map(rec)) {
    if (c?.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initSpecs = new Map(arr(spec.initContainers).map((c) => [String(rec(c)?.name), rec(c)]));
  let total = arr(spec.containers).length;
  for (const c of initSpecs.values()) if (isRestartableInit(c)) total++;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: string | null = null;
  let lastSidecarRestart: string | null = null;
  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses).map((c) => rec(c) ?? {});
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const count = Number(c.restartCount ?? 0);
    restarts += count;
    const lastFinished = rec(rec(c.lastState)?.terminated)?.finishedAt;
    lastRestart = later(lastRestart, lastFinished);
    const sidecar = isRestartableInit(initSpecs.get(String(c.name)));
    if (sidecar) {
      sidecarRestarts += count;
      lastSidecarRestart = later(lastSidecarRestart, lastFinished);
    }
    const state = rec(c.state) ?? {};
    const terminated = rec(state.terminated);
    const waiting = rec(state.waiting);
    if (terminated && Number(terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (terminated) {
      const r = str(terminated.reason);
      reason = r
        ? `Init:${r}`
        : Number(terminated.signal ?? 0) !== 0
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode ?? 0}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses).map((c) => rec(c) ?? {});
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += Number(c.restartCount ?? 0);
      lastRestart = later(lastRestart, rec(rec(c.lastState)?.terminated)?.finishedAt);
      const state = rec(c.state) ?? {};
      const waiting = rec(state.waiting);
      const terminated = rec(state.terminated);
      if (waiting && str(waiting.reason)) reason = String(waiting.reason);
      else if (terminated && str(terminated.reason)) reason = String(terminated.reason);
      else if (terminated)
        reason =
          Number(terminated.signal ?? 0) !== 0
            ? `Signal:${terminated.signal}`
            : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (c.ready === true && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
    }
  }
  if (metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return { reason, ready, total, restarts, lastRestart };
}

export const POD_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    wide(
      'IP',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
    ),
    wide('Node', 'NodeName indicates in which node this pod is scheduled.'),
    wide('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    wide('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  cells(pod: Json, now: Instant) {
    const s = podSummary(pod);
    const spec = rec(pod.spec) ?? {};
    const status = rec(pod.status) ?? {};
    const restarts = s.lastRestart ? `${s.restarts} (${since(s.lastRestart, now)} ago)` : String(s.restarts);
    const ip = str(rec(arr(status.podIPs)[0])?.ip) ?? str(status.podIP) ?? '<none>';
    const gates = arr(spec.readinessGates).map((g) => String(rec(g)?.conditionType ?? ''));
    const passed = gates.filter((g) =>
      arr(status.conditions).some((c) => rec(c)?.type === g && rec(c)?.status === 'True'),
    ).length;
    return [
      nameOf(pod),
      `${s.ready}/${s.total}`,
      s.reason,
      restarts,
      age(pod, now),
      ip,
      str(spec.nodeName) ?? '<none>',
      str(status.nominatedNodeName) ?? '<none>',
      gates.length === 0 ? '<none>' : `${passed}/${gates.length}`,
    ];
  },
};
