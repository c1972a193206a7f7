// Workload describes read back: Deployment (replicas line, strategy, conditions, its ReplicaSets),
// ReplicaSet and ReplicationController, StatefulSet, DaemonSet, Job (completions, pod statuses,
// backoff limit) and CronJob, each with its pod template.

import {
  boolOf,
  compact,
  conditionsOf,
  countsOf,
  type DescribedObject,
  type DescribeKind,
  dateValue,
  intOf,
  type Json,
  metadataOf,
  parseSelector,
} from './describe-common.ts';
import { describedPodSpec } from './describe-pod-spec.ts';
import {
  annotationMap,
  child,
  type DescribeNode,
  fieldValue,
  labelMap,
  listOf,
  someValue,
} from './describe-tree.ts';

/** `Pods Status: 1 Running / 0 Waiting / 0 Succeeded / 2 Failed` of a controller, kept as printed. */
export const PODS_STATUS_ANNOTATION = 'kstory.dev/pods-status';

/** A `Pod Template:` section as a PodTemplateSpec. */
export function templateOf(nodes: readonly DescribeNode[]): Json | undefined {
  const section = child(nodes, 'Pod Template');
  if (!section) return undefined;
  const fields = section.children;
  const labels = labelMap(child(fields, 'Labels'));
  const annotations = annotationMap(child(fields, 'Annotations'));
  const metadata = compact({ labels, annotations });
  return { metadata, spec: describedPodSpec(fields).spec };
}

/**
 * Ready (and available) replicas of a controller whose describe prints neither: its running pods
 * (`Pods Status`). A running pod that fails its readiness probe counts here; its own describe says better.
 */
function runningPods(nodes: readonly DescribeNode[]): number | undefined {
  return countsOf(fieldValue(nodes, 'Pods Status')).Running;
}

function withPodsStatus(metadata: Json, nodes: readonly DescribeNode[]): Json {
  const text = someValue(nodes, 'Pods Status');
  if (!text) return metadata;
  return {
    ...metadata,
    annotations: { ...((metadata.annotations as Json | undefined) ?? {}), [PODS_STATUS_ANNOTATION]: text },
  };
}

export const describeDeployment: DescribeKind = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  namespaced: true,
  matches: (keys, nodes) =>
    keys.has('StrategyType') || /desired \| \d+ updated/.test(fieldValue(nodes, 'Replicas') ?? ''),
  build: (nodes) => {
    const metadata = metadataOf(nodes, true);
    const counts = countsOf(fieldValue(nodes, 'Replicas'));
    const strategyType = someValue(nodes, 'StrategyType');
    const rolling = /^(\S+) max unavailable, (\S+) max surge$/.exec(
      someValue(nodes, 'RollingUpdateStrategy') ?? '',
    );
    const conditions = conditionsOf(nodes);
    const spec = compact({
      replicas: counts.desired,
      selector: parseSelector(someValue(nodes, 'Selector')),
      minReadySeconds: intOf(fieldValue(nodes, 'MinReadySeconds')),
      strategy: strategyType
        ? compact({
            type: strategyType,
            rollingUpdate: rolling
              ? { maxUnavailable: intOrString(rolling[1]!), maxSurge: intOrString(rolling[2]!) }
              : undefined,
          })
        : undefined,
      template: templateOf(nodes),
    });
    const status = compact({
      replicas: counts.total,
      updatedReplicas: counts.updated,
      // Describe prints no ready count; a ready pod is available at once unless minReadySeconds
      // delays it, so the available count is the ready count, or a floor of it.
      readyReplicas: counts.available,
      availableReplicas: counts.available,
      unavailableReplicas: counts.unavailable,
      conditions: conditions.length > 0 ? conditions : undefined,
    });
    const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec, status };
    return {
      object,
      related: replicaSetsOf(nodes, metadata),
      since: metadata.creationTimestamp as string | undefined,
    };
  },
};

/** `NewReplicaSet: web-5d (2/2 replicas created)` and `OldReplicaSets:` as ReplicaSets the Deployment owns. */
function replicaSetsOf(nodes: readonly DescribeNode[], owner: Json): Json[] {
  const out: Json[] = [];
  for (const key of ['NewReplicaSet', 'OldReplicaSets']) {
    for (const item of listOf(child(nodes, key)).flatMap((v) =>
      v.split(/,\s*(?=\S+ \(\d+\/\d+ replicas created\))/),
    )) {
      const m = /^(\S+) \((\d+)\/(\d+) replicas created\)$/.exec(item.trim());
      if (!m) continue;
      out.push({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: m[1],
          namespace: owner.namespace,
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: owner.name, controller: true },
          ],
        },
        // Only what the line says: a status with its counts missing would read as zero replicas ready.
        spec: { replicas: Number(m[3]) },
      });
    }
  }
  return out;
}

function intOrString(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

function replicaSetLike(
  kind: 'ReplicaSet' | 'ReplicationController',
): (nodes: DescribeNode[]) => DescribedObject {
  return (nodes) => {
    const metadata = withPodsStatus(metadataOf(nodes, true), nodes);
    const counts = countsOf(fieldValue(nodes, 'Replicas'));
    const selectorText = someValue(nodes, 'Selector');
    const conditions = conditionsOf(nodes);
    // A ReplicationController's selector is a plain label map.
    const selector =
      kind === 'ReplicaSet' ? parseSelector(selectorText) : parseSelector(selectorText)?.matchLabels;
    return {
      object: {
        apiVersion: kind === 'ReplicaSet' ? 'apps/v1' : 'v1',
        kind,
        metadata,
        spec: compact({ replicas: counts.desired, selector, template: templateOf(nodes) }),
        status: compact({
          replicas: counts.current,
          readyReplicas: runningPods(nodes),
          availableReplicas: runningPods(nodes),
          conditions: conditions.length > 0 ? conditions : undefined,
        }),
      },
    };
  };
}

export const describeReplicaSet: DescribeKind = {
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  namespaced: true,
  matches: (keys, nodes) =>
    keys.has('Pods Status') && /current \/ \d+ desired/.test(fieldValue(nodes, 'Replicas') ?? ''),
  build: replicaSetLike('ReplicaSet'),
};

/** Only on the command's word: a ReplicationController's describe reads as a ReplicaSet's. */
export const describeReplicationController: DescribeKind = {
  ...describeReplicaSet,
  kind: 'ReplicationController',
  apiVersion: 'v1',
  matches: () => false,
  build: replicaSetLike('ReplicationController'),
};

export const describeStatefulSet: DescribeKind = {
  kind: 'StatefulSet',
  apiVersion: 'apps/v1',
  namespaced: true,
  matches: (keys, nodes) =>
    keys.has('Update Strategy') ||
    keys.has('Volume Claims') ||
    /^\d+ desired \| \d+ total$/.test(fieldValue(nodes, 'Replicas') ?? ''),
  build: (nodes) => {
    const metadata = withPodsStatus(metadataOf(nodes, true), nodes);
    const counts = countsOf(fieldValue(nodes, 'Replicas'));
    const strategy = child(nodes, 'Update Strategy');
    const partition = intOf(fieldValue(strategy?.children, 'Partition'));
    return {
      object: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata,
        spec: compact({
          replicas: counts.desired,
          selector: parseSelector(someValue(nodes, 'Selector')),
          updateStrategy: strategy
            ? compact({
                type: strategy.value || undefined,
                rollingUpdate: partition !== undefined ? { partition } : undefined,
              })
            : undefined,
          template: templateOf(nodes),
        }),
        status: compact({
          replicas: counts.total,
          readyReplicas: runningPods(nodes),
          availableReplicas: runningPods(nodes),
        }),
      },
      since: metadata.creationTimestamp as string | undefined,
    };
  },
};

const DAEMONSET_COUNTS: Record<string, string> = {
  'Desired Number of Nodes Scheduled': 'desiredNumberScheduled',
  'Current Number of Nodes Scheduled': 'currentNumberScheduled',
  'Number of Nodes Scheduled with Up-to-date Pods': 'updatedNumberScheduled',
  'Number of Nodes Scheduled with Available Pods': 'numberAvailable',
  'Number of Nodes Misscheduled': 'numberMisscheduled',
};

export const describeDaemonSet: DescribeKind = {
  kind: 'DaemonSet',
  apiVersion: 'apps/v1',
  namespaced: true,
  matches: (keys) => keys.has('Desired Number of Nodes Scheduled') || keys.has('Node-Selector'),
  build: (nodes) => {
    const metadata = withPodsStatus(metadataOf(nodes, true), nodes);
    const status: Json = {};
    for (const [key, field] of Object.entries(DAEMONSET_COUNTS)) {
      const n = intOf(fieldValue(nodes, key));
      if (n !== undefined) status[field] = n;
    }
    if (typeof status.desiredNumberScheduled === 'number' && typeof status.numberAvailable === 'number')
      status.numberUnavailable = Math.max(0, status.desiredNumberScheduled - status.numberAvailable);
    // No ready count is printed: the available one is its floor.
    if (typeof status.numberAvailable === 'number') status.numberReady = status.numberAvailable;
    return {
      object: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata,
        spec: compact({ selector: parseSelector(someValue(nodes, 'Selector')), template: templateOf(nodes) }),
        status,
      },
    };
  },
};

export const describeJob: DescribeKind = {
  kind: 'Job',
  apiVersion: 'batch/v1',
  namespaced: true,
  matches: (keys) =>
    !keys.has('Schedule') &&
    (keys.has('Pods Statuses') || (keys.has('Completions') && keys.has('Parallelism'))),
  build: (nodes) => {
    const metadata = metadataOf(nodes, true);
    const startTime = dateValue(nodes, 'Start Time');
    // `0 Active (0 Ready) / 0 Succeeded / 5 Failed`; before kubectl 1.22 `… Running / … Succeeded / … Failed`.
    const pods = countsOf(fieldValue(nodes, 'Pods Statuses'));
    return {
      object: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata,
        spec: { ...jobSpecOf(nodes), ...compact({ completionMode: someValue(nodes, 'Completion Mode') }) },
        status: compact({
          startTime,
          completionTime: dateValue(nodes, 'Completed At'),
          active: pods.Active ?? pods.Running,
          ready: pods.ready,
          succeeded: pods.Succeeded,
          failed: pods.Failed,
          completedIndexes: someValue(nodes, 'Completed Indexes'),
        }),
      },
      since: startTime,
    };
  },
};

function jobSpecOf(nodes: readonly DescribeNode[]): Json {
  const deadline = /^(\d+)s$/.exec(someValue(nodes, 'Active Deadline Seconds') ?? '');
  return compact({
    selector: parseSelector(someValue(nodes, 'Selector')),
    parallelism: intOf(fieldValue(nodes, 'Parallelism')),
    completions: intOf(fieldValue(nodes, 'Completions')),
    suspend: boolOf(fieldValue(nodes, 'Suspend')),
    backoffLimit: intOf(fieldValue(nodes, 'Backoff Limit')),
    ttlSecondsAfterFinished: intOf(fieldValue(nodes, 'TTL Seconds After Finished')),
    activeDeadlineSeconds: deadline ? Number(deadline[1]) : undefined,
    template: templateOf(nodes),
  });
}

export const describeCronJob: DescribeKind = {
  kind: 'CronJob',
  apiVersion: 'batch/v1',
  namespaced: true,
  matches: (keys) =>
    keys.has('Schedule') && (keys.has('Concurrency Policy') || keys.has('Last Schedule Time')),
  build: (nodes) => {
    const metadata = metadataOf(nodes, true);
    const deadline = /^(\d+)s$/.exec(someValue(nodes, 'Starting Deadline Seconds') ?? '');
    const active = (someValue(nodes, 'Active Jobs') ?? '')
      .split(/,\s*/)
      .filter((n) => n !== '')
      .map((name) => ({ kind: 'Job', name, namespace: metadata.namespace }));
    return {
      object: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata,
        spec: compact({
          schedule: someValue(nodes, 'Schedule'),
          concurrencyPolicy: someValue(nodes, 'Concurrency Policy'),
          suspend: boolOf(fieldValue(nodes, 'Suspend')),
          successfulJobsHistoryLimit: intOf(fieldValue(nodes, 'Successful Job History Limit')),
          failedJobsHistoryLimit: intOf(fieldValue(nodes, 'Failed Job History Limit')),
          startingDeadlineSeconds: deadline ? Number(deadline[1]) : undefined,
          jobTemplate: { spec: jobSpecOf(nodes) },
        }),
        status: compact({
          lastScheduleTime: dateValue(nodes, 'Last Schedule Time'),
          active: active.length > 0 ? active : undefined,
        }),
      },
    };
  },
};
