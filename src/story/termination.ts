// When a story ends: its root reaching a terminal state (a Job complete or failed, a bare Pod
// succeeded or failed, the root deleted, a custom resource Ready=True after a change), else the
// end of the recording.

import { KstoryError } from '../errors.ts';
import type { ObjectVersion } from './records.ts';
import type { Story, TerminationState } from './schema.ts';

/** Kinds whose Ready condition is theirs to report only when they are not built-in workloads. */
const BUILT_IN = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Node',
  'Service',
]);

type Version = Pick<ObjectVersion, 'kind' | 'watch_event' | 'phase'> & {
  conditions?: { type: string; status: string; reason?: string | null }[] | null;
};

/** The terminal state a version shows, given the version before it (null for the first), or null. */
export function terminalStateOf(
  v: Version,
  previous: Version | null,
): { state: TerminationState; reason: string } | null {
  if (v.watch_event === 'DELETED') return { state: 'deleted', reason: 'the root was deleted' };
  const condition = (type: string) => v.conditions?.find((c) => c.type === type && c.status === 'True');
  const because = (c: { reason?: string | null }) => (c.reason ? ` (${c.reason})` : '');
  if (v.kind === 'Job') {
    const complete = condition('Complete') ?? condition('SuccessCriteriaMet');
    if (complete)
      return { state: 'completed', reason: `Job condition ${complete.type}=True${because(complete)}` };
    const failed = condition('Failed');
    if (failed) return { state: 'failed', reason: `Job condition Failed=True${because(failed)}` };
  }
  if (v.kind === 'Pod') {
    if (v.phase === 'Succeeded') return { state: 'completed', reason: 'Pod phase Succeeded' };
    if (v.phase === 'Failed') return { state: 'failed', reason: 'Pod phase Failed' };
  }
  // A custom resource settles when it is Ready again after a version in which it was not.
  if (!BUILT_IN.has(v.kind) && previous && condition('Ready')) {
    const before = previous.conditions?.find((c) => c.type === 'Ready');
    if (before && before.status !== 'True')
      return { state: 'ready', reason: `Ready=True after ${before.status}${because(before)}` };
  }
  return null;
}

export function terminationOf(
  rootVersions: readonly ObjectVersion[],
  windowEnd: string,
): Story['termination'] {
  for (const [i, v] of rootVersions.entries()) {
    const terminal = terminalStateOf(v, rootVersions[i - 1] ?? null);
    if (terminal) return { ...terminal, at: v.ts };
  }
  return { state: 'window-end', at: windowEnd, reason: 'no terminal state before the end of the recording' };
}

/**
 * For a live recording (`record --until`): a function told every row written that says when the
 * object `target` names (`Kind/namespace/name`, or `Kind/name` when cluster-scoped) has reached a
 * terminal state.
 */
export function terminalWatch(
  target: string,
): (row: Version & { namespace?: string | null; name?: string | null; source?: string }) => boolean {
  const parts = target.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === ''))
    throw new KstoryError(
      `--until ${target}: expected Kind/namespace/name, or Kind/name for a cluster-scoped object`,
      {
        hint: 'e.g. --until job/batch/nightly-report',
      },
    );
  const kind = parts[0]!.toLowerCase();
  const namespace = parts.length === 3 ? parts[1]! : null;
  const name = parts.at(-1)!;
  let previous: Version | null = null;
  return (row) => {
    if (
      row.source !== 'object' ||
      row.kind?.toLowerCase() !== kind ||
      row.name !== name ||
      (row.namespace ?? null) !== namespace
    )
      return false;
    const done = terminalStateOf(row, previous) !== null;
    previous = row;
    return done;
  };
}
