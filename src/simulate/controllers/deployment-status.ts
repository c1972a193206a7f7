// The status the Deployment controller writes: replica counts summed over its ReplicaSets, and the
// Available, Progressing (with the progress deadline) and ReplicaFailure conditions as upstream sets them.

import type { VirtualClock } from '../engine/clock.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { setCondition } from './util.ts';

export interface RolloutState {
  desired: number;
  maxUnavailable: number;
  /** This sync created the new ReplicaSet. */
  createdNew: boolean;
  /** The replica count changed and the template did not. */
  scalingOnly: boolean;
}

/**
 * The status of `fresh` over its ReplicaSets `rss`. `scaling` holds the uids of Deployments being
 * scaled, not rolled out, until their replicas are all available again.
 */
export function deploymentStatus(
  fresh: KubeObject,
  rss: KubeObject[],
  newRSName: string,
  { desired, maxUnavailable, createdNew, scalingOnly }: RolloutState,
  scaling: Set<string>,
  clock: VirtualClock,
): Json {
  const newRS = rss.find((rs) => rs.metadata.name === newRSName);
  const sum = (f: (s: Json) => number | undefined) =>
    rss.reduce((s, rs) => s + (f((rs.status as Json | undefined) ?? {}) ?? 0), 0);
  const replicas = sum((s) => s.replicas);
  const updated = (newRS?.status as Json | undefined)?.replicas ?? 0;
  const ready = sum((s) => s.readyReplicas);
  const available = sum((s) => s.availableReplicas);
  const prev = (fresh.status as Json | undefined) ?? {};
  const now = clock.iso();
  let conditions = (prev.conditions as Json[] | undefined) ?? [];
  conditions = setCondition(
    conditions,
    available >= desired - maxUnavailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    now,
    { updateTime: true },
  );
  const complete = updated === desired && replicas === desired && available === desired;
  const progressing = conditions.find((c) => c.type === 'Progressing');
  const deadline = ((fresh.spec as Json).progressDeadlineSeconds as number) * 1000;
  // util.DeploymentProgressing: more updated, ready or available replicas, or fewer old ones.
  const progressed =
    createdNew ||
    updated > (prev.updatedReplicas ?? 0) ||
    available > (prev.availableReplicas ?? 0) ||
    ready > (prev.readyReplicas ?? 0) ||
    replicas - updated < (prev.replicas ?? 0) - (prev.updatedReplicas ?? 0);
  const keepProgressing =
    progressing?.reason === 'NewReplicaSetAvailable' && (scalingOnly || scaling.has(fresh.metadata.uid!));
  if (scalingOnly) scaling.add(fresh.metadata.uid!);
  if (complete) {
    scaling.delete(fresh.metadata.uid!);
    if (progressing?.reason !== 'NewReplicaSetAvailable') {
      conditions = replaceCondition(conditions, {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: now,
        lastTransitionTime: progressing?.status === 'True' ? progressing.lastTransitionTime : now,
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${newRSName}" has successfully progressed.`,
      });
    }
  } else if (createdNew) {
    conditions = replaceCondition(conditions, {
      type: 'Progressing',
      status: 'True',
      lastUpdateTime: now,
      lastTransitionTime: progressing?.status === 'True' ? progressing.lastTransitionTime : now,
      reason: 'NewReplicaSetCreated',
      message: `Created new replica set "${newRSName}"`,
    });
  } else if (progressing?.reason === 'ProgressDeadlineExceeded') {
    if (progressed) {
      conditions = replaceCondition(conditions, {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: now,
        lastTransitionTime: now,
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${newRSName}" is progressing.`,
      });
    }
  } else if (keepProgressing) {
    // Scaling: Progressing stays NewReplicaSetAvailable.
  } else if (progressed || !progressing) {
    conditions = replaceCondition(conditions, {
      type: 'Progressing',
      status: 'True',
      lastUpdateTime: now,
      lastTransitionTime: progressing?.status === 'True' ? progressing.lastTransitionTime : now,
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${newRSName}" is progressing.`,
    });
  } else if (
    // A deployment seen complete does not time out (util.DeploymentTimedOut): pods failing later
    // only turn Available false.
    progressing.reason !== 'NewReplicaSetAvailable' &&
    Date.parse(progressing.lastUpdateTime) + deadline <= clock.now
  ) {
    conditions = replaceCondition(conditions, {
      type: 'Progressing',
      status: 'False',
      lastUpdateTime: now,
      lastTransitionTime: now,
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${newRSName}" has timed out progressing.`,
    });
  }
  // getReplicaFailures: the new ReplicaSet's ReplicaFailure, else an old one's, is the Deployment's.
  const failure = [newRS, ...rss.filter((rs) => rs !== newRS)]
    .map((rs) => ((rs?.status as Json | undefined)?.conditions as Json[] | undefined) ?? [])
    .map((list) => list.find((c) => c.type === 'ReplicaFailure'))
    .find((c) => c !== undefined);
  const current = conditions.find((c) => c.type === 'ReplicaFailure');
  if (!failure) conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  else if (current?.status !== failure.status || current?.reason !== failure.reason) {
    conditions = replaceCondition(conditions, {
      type: 'ReplicaFailure',
      status: failure.status,
      lastUpdateTime: failure.lastTransitionTime,
      lastTransitionTime:
        current && current.status === failure.status
          ? current.lastTransitionTime
          : failure.lastTransitionTime,
      reason: failure.reason,
      message: failure.message,
    });
  }
  const status: Json = {
    observedGeneration: fresh.metadata.generation,
    replicas,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
    unavailableReplicas: Math.max(0, desired - available),
    conditions: sortConditions(conditions),
  };
  for (const k of [
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'unavailableReplicas',
  ])
    if (status[k] === 0) delete status[k];
  return status;
}

function replaceCondition(conditions: Json[], next: Json): Json[] {
  const rest = conditions.filter((c) => c.type !== next.type);
  return [...rest, next];
}

function sortConditions(conditions: Json[]): Json[] {
  const order = ['Available', 'Progressing', 'ReplicaFailure'];
  return [...conditions].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
