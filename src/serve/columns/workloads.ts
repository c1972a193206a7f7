// Tables of the workload kinds: Deployment, ReplicaSet, ReplicationController, StatefulSet,
// DaemonSet, Job, CronJob, HorizontalPodAutoscaler, PodDisruptionBudget and ControllerRevision.

import { arr, type Json, podSpecOf, rec, str } from '../../kube/fields.ts';
import {
  age,
  containerCells,
  formatLabelSelector,
  formatLabels,
  humanDuration,
  nameOf,
  num,
  since,
  text,
} from './format.ts';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer, wide } from './table.ts';

const CONTAINERS = wide('Containers', 'Names of each container in the template.');
const IMAGES = wide('Images', 'Images referenced by each container in the template.');
const SELECTOR = wide('Selector', 'A label query over pods that should match the replica count.');

function templateCells(kind: string, obj: Json): string[] {
  return containerCells(podSpecOf(kind, obj));
}

const DEPLOYMENT_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'Number of the pod with ready state'),
    column(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    column(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(d, now) {
    const spec = rec(d.spec) ?? {};
    const status = rec(d.status) ?? {};
    return [
      nameOf(d),
      `${num(status.readyReplicas)}/${num(spec.replicas)}`,
      num(status.updatedReplicas),
      num(status.availableReplicas),
      age(d, now),
      ...templateCells('Deployment', d),
      formatLabelSelector(spec.selector),
    ];
  },
};

function replicaPrinter(kind: string, selectorOf: (spec: Json) => string): Printer {
  return {
    columns: [
      NAME_COLUMN,
      column('Desired', 'Replicas is the number of desired replicas.', { type: 'integer' }),
      column('Current', 'Replicas is the most recently observed number of replicas.', { type: 'integer' }),
      column('Ready', 'The number of ready replicas for this replica set.', { type: 'integer' }),
      AGE_COLUMN,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells(rs, now) {
      const spec = rec(rs.spec) ?? {};
      const status = rec(rs.status) ?? {};
      return [
        nameOf(rs),
        num(spec.replicas),
        num(status.replicas),
        num(status.readyReplicas),
        age(rs, now),
        ...templateCells(kind, rs),
        selectorOf(spec),
      ];
    },
  };
}

const STATEFULSET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'Number of the pod with ready state'),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
  ],
  cells(s, now) {
    const spec = rec(s.spec) ?? {};
    const status = rec(s.status) ?? {};
    return [
      nameOf(s),
      `${num(status.readyReplicas)}/${num(spec.replicas)}`,
      age(s, now),
      ...templateCells('StatefulSet', s),
    ];
  },
};

const DAEMONSET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'The total number of nodes that should be running the daemon pod.', {
      type: 'integer',
    }),
    column('Current', 'The number of nodes that are running at least 1 daemon pod.', { type: 'integer' }),
    column(
      'Ready',
      'The number of nodes that should be running the daemon pod and have one or more running and ready.',
      { type: 'integer' },
    ),
    column('Up-to-date', 'The total number of nodes that are running updated daemon pod', {
      type: 'integer',
    }),
    column(
      'Available',
      'The number of nodes that should be running the daemon pod and have one or more available.',
      { type: 'integer' },
    ),
    column('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(ds, now) {
    const status = rec(ds.status) ?? {};
    return [
      nameOf(ds),
      num(status.desiredNumberScheduled),
      num(status.currentNumberScheduled),
      num(status.numberReady),
      num(status.updatedNumberScheduled),
      num(status.numberAvailable),
      formatLabels(podSpecOf('DaemonSet', ds)?.nodeSelector),
      age(ds, now),
      ...templateCells('DaemonSet', ds),
      formatLabelSelector(rec(ds.spec)?.selector),
    ];
  },
};

function hasCondition(obj: Json, type: string): boolean {
  return arr(rec(obj.status)?.conditions).some((c) => rec(c)?.type === type && rec(c)?.status === 'True');
}

const JOB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'Status of the job.'),
    column('Completions', 'The number of pods which reached phase Succeeded.'),
    column('Duration', 'Time required to complete the job.'),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(job, now) {
    const spec = rec(job.spec) ?? {};
    const status = rec(job.status) ?? {};
    const succeeded = num(status.succeeded);
    const parallelism = num(spec.parallelism);
    const completions =
      typeof spec.completions === 'number'
        ? `${succeeded}/${spec.completions}`
        : parallelism > 1
          ? `${succeeded}/1 of ${parallelism}`
          : `${succeeded}/1`;
    const start = str(status.startTime);
    const end = str(status.completionTime);
    const duration = !start
      ? ''
      : end
        ? humanDuration(Date.parse(end) - Date.parse(start))
        : since(start, now);
    const state = hasCondition(job, 'Complete')
      ? 'Complete'
      : hasCondition(job, 'Failed')
        ? 'Failed'
        : rec(job.metadata)?.deletionTimestamp
          ? 'Terminating'
          : hasCondition(job, 'Suspended')
            ? 'Suspended'
            : hasCondition(job, 'FailureTarget')
              ? 'FailureTarget'
              : hasCondition(job, 'SuccessCriteriaMet')
                ? 'SuccessCriteriaMet'
                : 'Running';
    return [
      nameOf(job),
      state,
      completions,
      duration,
      age(job, now),
      ...templateCells('Job', job),
      formatLabelSelector(spec.selector),
    ];
  },
};

const CRONJOB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'The time zone name for the given schedule.'),
    column('Suspend', 'This flag tells the controller to suspend subsequent executions.', {
      type: 'boolean',
    }),
    column('Active', 'A list of pointers to currently running jobs.', { type: 'integer' }),
    column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(cj, now) {
    const spec = rec(cj.spec) ?? {};
    const status = rec(cj.status) ?? {};
    return [
      nameOf(cj),
      text(spec.schedule),
      text(spec.timeZone, '<none>'),
      typeof spec.suspend === 'boolean' ? spec.suspend : false,
      arr(status.active).length,
      str(status.lastScheduleTime) ? since(status.lastScheduleTime, now) : '<none>',
      age(cj, now),
      ...templateCells('CronJob', cj),
      formatLabelSelector(rec(rec(spec.jobTemplate)?.spec)?.selector),
    ];
  },
};

/** `cpu: 45%/80%`, `memory: <unknown>/500Mi`: each metric's current value against its target. */
function hpaTargets(hpa: Json): string {
  const specs = arr(rec(hpa.spec)?.metrics).map((m) => rec(m) ?? {});
  const current = arr(rec(hpa.status)?.currentMetrics).map((m) => rec(m) ?? {});
  const spec = rec(hpa.spec) ?? {};
  if (specs.length === 0 && typeof spec.targetCPUUtilizationPercentage === 'number') {
    const cur = rec(hpa.status)?.currentCPUUtilizationPercentage;
    return `cpu: ${typeof cur === 'number' ? `${cur}%` : '<unknown>'}/${spec.targetCPUUtilizationPercentage}%`;
  }
  const cells = specs.map((m, i) => {
    const type = String(m.type ?? '');
    const source = rec(m[type.charAt(0).toLowerCase() + type.slice(1)]) ?? {};
    const target = rec(source.target) ?? {};
    const now = rec(rec(current[i]?.[type.charAt(0).toLowerCase() + type.slice(1)])?.current) ?? {};
    const name = str(source.name) ?? str(rec(source.metric)?.name) ?? type.toLowerCase();
    if (target.averageUtilization !== undefined) {
      const value = typeof now.averageUtilization === 'number' ? `${now.averageUtilization}%` : '<unknown>';
      return `${name}: ${value}/${target.averageUtilization}%`;
    }
    const want =
      str(target.averageValue) ?? str(target.value) ?? String(target.averageValue ?? target.value ?? '');
    const have = str(now.averageValue) ?? str(now.value) ?? '<unknown>';
    return `${name}: ${have}/${want}${target.averageValue !== undefined ? ' (avg)' : ''}`;
  });
  if (cells.length === 0) return '<none>';
  return cells.length > 2
    ? `${cells.slice(0, 2).join(', ')} + ${cells.length - 2} more...`
    : cells.join(', ');
}

const HPA_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      'Reference',
      'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.',
    ),
    column(
      'Targets',
      'metrics contains the specifications for which to use to calculate the desired replica count.',
    ),
    column(
      'MinPods',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    ),
    column(
      'MaxPods',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.',
    ),
    column('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    AGE_COLUMN,
  ],
  cells(hpa, now) {
    const spec = rec(hpa.spec) ?? {};
    const ref = rec(spec.scaleTargetRef) ?? {};
    return [
      nameOf(hpa),
      `${text(ref.kind)}/${text(ref.name)}`,
      hpaTargets(hpa),
      typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : '<unset>',
      String(num(spec.maxReplicas)),
      String(num(rec(hpa.status)?.currentReplicas)),
      age(hpa, now),
    ];
  },
};

const PDB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', {
      type: 'integer',
    }),
    AGE_COLUMN,
  ],
  cells(pdb, now) {
    const spec = rec(pdb.spec) ?? {};
    const value = (v: unknown) => (v === undefined || v === null ? 'N/A' : String(v));
    return [
      nameOf(pdb),
      value(spec.minAvailable),
      value(spec.maxUnavailable),
      num(rec(pdb.status)?.disruptionsAllowed),
      age(pdb, now),
    ];
  },
};

const CONTROLLER_REVISION_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'Controller of the object'),
    column('Revision', 'Revision indicates the revision of the state represented by Data.'),
    AGE_COLUMN,
  ],
  cells(cr, now) {
    const owner = arr(rec(cr.metadata)?.ownerReferences)
      .map(rec)
      .find((o) => o?.controller === true);
    let controller = '<none>';
    if (owner) {
      const group = String(owner.apiVersion ?? '').split('/');
      const kind = String(owner.kind ?? '').toLowerCase();
      controller = `${group.length > 1 ? `${kind}.${group[0]}` : kind}/${text(owner.name)}`;
    }
    return [nameOf(cr), controller, num(cr.revision), age(cr, now)];
  },
};

const selectorMap = (spec: Json) => formatLabels(spec.selector);
const labelSelector = (spec: Json) => formatLabelSelector(spec.selector);

export const WORKLOAD_PRINTERS: Readonly<Record<string, Printer>> = {
  Deployment: DEPLOYMENT_PRINTER,
  ReplicaSet: replicaPrinter('ReplicaSet', labelSelector),
  ReplicationController: replicaPrinter('ReplicationController', selectorMap),
  StatefulSet: STATEFULSET_PRINTER,
  DaemonSet: DAEMONSET_PRINTER,
  Job: JOB_PRINTER,
  CronJob: CRONJOB_PRINTER,
  HorizontalPodAutoscaler: HPA_PRINTER,
  PodDisruptionBudget: PDB_PRINTER,
  ControllerRevision: CONTROLLER_REVISION_PRINTER,
};
