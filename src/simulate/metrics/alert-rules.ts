// The alerting rules of kube-prometheus (kubernetes-mixin) that the simulated incidents set off,
// one entry each: its name, severity and `for` as upstream ships them, the upstream expression, and
// that expression evaluated over the simulated kube-state-metrics and cAdvisor samples. The labels
// an alert keeps are those the expression's result keeps (namespace, pod, deployment, node…).

import { type Sample, type ScrapeHistory, seriesKey } from './scrape-history.ts';

export interface AlertRule {
  alert: string;
  severity: 'critical' | 'warning' | 'info' | 'none';
  /** How long the expression must hold before the alert fires (pending until then). */
  forMs: number;
  /** The rule's expression as kubernetes-mixin writes it, which `active` follows. */
  expr: string;
  /** The label sets of the expression's result now. */
  active(h: ScrapeHistory): Record<string, string>[];
}

const MIN = 60_000;

function pick(labels: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (labels[k] !== undefined) out[k] = labels[k];
  return out;
}

/** The value of the series of `name` with the same `on` labels as `labels`, in the newest scrape. */
function valueOn(h: ScrapeHistory, name: string, labels: Record<string, string>, on: readonly string[]) {
  const key = seriesKey(pick(labels, on));
  return h.now(name).find((s) => seriesKey(pick(s.labels, on)) === key)?.value;
}

/** PromQL's `changes(name[range])` for the series with the same `on` labels as `labels`. */
function changes(
  h: ScrapeHistory,
  name: string,
  labels: Record<string, string>,
  on: readonly string[],
  rangeMs: number,
): number {
  const key = seriesKey(pick(labels, on));
  const values = h
    .range(name, rangeMs)
    .map((scrape) => scrape.find((s) => seriesKey(pick(s.labels, on)) === key)?.value)
    .filter((v) => v !== undefined);
  let n = 0;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) n++;
  return n;
}

/** The series of `name` whose value satisfies `test`, with their labels but the metric name. */
function where(h: ScrapeHistory, name: string, test: (s: Sample) => boolean): Record<string, string>[] {
  return h
    .now(name)
    .filter(test)
    .map((s) => s.labels);
}

/** `a != b` style comparisons of two series of one object, matched on its identifying labels. */
function compare(
  h: ScrapeHistory,
  left: string,
  right: string,
  on: readonly string[],
  test: (l: number, r: number) => boolean,
): Record<string, string>[] {
  return where(h, left, (s) => {
    const r = valueOn(h, right, s.labels, on);
    return r !== undefined && test(s.value, r);
  });
}

const DEPLOYMENT = ['namespace', 'deployment'];
const STATEFULSET = ['namespace', 'statefulset'];
const DAEMONSET = ['namespace', 'daemonset'];
const CONTAINER = ['namespace', 'pod', 'container'];

export const ALERT_RULES: readonly AlertRule[] = [
  {
    // The dead man's switch: always firing, to show the alerting pipeline works.
    alert: 'Watchdog',
    severity: 'none',
    forMs: 0,
    expr: 'vector(1)',
    active: () => [{}],
  },
  {
    alert: 'KubePodCrashLooping',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1',
    active: (h) => {
      const seen = new Map<string, Record<string, string>>();
      for (const scrape of h.range('kube_pod_container_status_waiting_reason', 5 * MIN))
        for (const s of scrape)
          if (s.labels.reason === 'CrashLoopBackOff' && s.value >= 1) seen.set(seriesKey(s.labels), s.labels);
      return [...seen.values()];
    },
  },
  {
    alert: 'KubePodNotReady',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: 'sum by (namespace, pod) (max by (namespace, pod) (kube_pod_status_phase{job="kube-state-metrics", phase=~"Pending|Unknown|Failed"}) * on (namespace, pod) group_left(owner_kind) topk by (namespace, pod) (1, max by (namespace, pod, owner_kind) (kube_pod_owner{owner_kind!="Job"}))) > 0',
    active: (h) => {
      const notJobs = new Set(
        h
          .now('kube_pod_owner')
          .filter((s) => s.labels.owner_kind !== 'Job')
          .map((s) => seriesKey(pick(s.labels, ['namespace', 'pod']))),
      );
      const pods = new Map<string, Record<string, string>>();
      for (const s of h.now('kube_pod_status_phase')) {
        const pod = pick(s.labels, ['namespace', 'pod']);
        const key = seriesKey(pod);
        if (s.value > 0 && ['Pending', 'Unknown', 'Failed'].includes(s.labels.phase!) && notJobs.has(key))
          pods.set(key, pod);
      }
      return [...pods.values()];
    },
  },
  {
    alert: 'KubeContainerWaiting',
    severity: 'warning',
    forMs: 60 * MIN,
    expr: 'sum by (namespace, pod, container) (kube_pod_container_status_waiting_reason{job="kube-state-metrics"}) > 0',
    active: (h) =>
      where(h, 'kube_pod_container_status_waiting_reason', (s) => s.value > 0).map((l) => pick(l, CONTAINER)),
  },
  {
    alert: 'KubeDeploymentRolloutStuck',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: 'kube_deployment_status_condition{condition="Progressing", status="false", job="kube-state-metrics"} != 0',
    active: (h) =>
      where(
        h,
        'kube_deployment_status_condition',
        (s) => s.labels.condition === 'Progressing' && s.labels.status === 'false' && s.value !== 0,
      ),
  },
  {
    alert: 'KubeDeploymentReplicasMismatch',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: '(kube_deployment_spec_replicas{job="kube-state-metrics"} > kube_deployment_status_replicas_available{job="kube-state-metrics"}) and (changes(kube_deployment_status_replicas_updated{job="kube-state-metrics"}[10m]) == 0)',
    active: (h) =>
      compare(
        h,
        'kube_deployment_spec_replicas',
        'kube_deployment_status_replicas_available',
        DEPLOYMENT,
        (l, r) => l > r,
      ).filter((l) => changes(h, 'kube_deployment_status_replicas_updated', l, DEPLOYMENT, 10 * MIN) === 0),
  },
  {
    alert: 'KubeStatefulSetReplicasMismatch',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: '(kube_statefulset_status_replicas_ready{job="kube-state-metrics"} != kube_statefulset_status_replicas{job="kube-state-metrics"}) and (changes(kube_statefulset_status_replicas_updated{job="kube-state-metrics"}[10m]) == 0)',
    active: (h) =>
      compare(
        h,
        'kube_statefulset_status_replicas_ready',
        'kube_statefulset_status_replicas',
        STATEFULSET,
        (l, r) => l !== r,
      ).filter((l) => changes(h, 'kube_statefulset_status_replicas_updated', l, STATEFULSET, 10 * MIN) === 0),
  },
  {
    // Upstream compares the current and update revisions; while they differ, fewer replicas than
    // wanted run the update revision, which is what replicas_updated counts.
    alert: 'KubeStatefulSetUpdateNotRolledOut',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: '(max by (namespace, statefulset) (kube_statefulset_status_current_revision unless kube_statefulset_status_update_revision) * (kube_statefulset_replicas != kube_statefulset_status_replicas_updated)) and (changes(kube_statefulset_status_replicas_updated[5m]) == 0)',
    active: (h) =>
      compare(
        h,
        'kube_statefulset_replicas',
        'kube_statefulset_status_replicas_updated',
        STATEFULSET,
        (l, r) => l !== r,
      )
        .filter((l) => changes(h, 'kube_statefulset_status_replicas_updated', l, STATEFULSET, 5 * MIN) === 0)
        .map((l) => pick(l, STATEFULSET)),
  },
  {
    alert: 'KubeDaemonSetRolloutStuck',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: '((kube_daemonset_status_current_number_scheduled != kube_daemonset_status_desired_number_scheduled) or (kube_daemonset_status_number_misscheduled != 0) or (kube_daemonset_status_updated_number_scheduled != kube_daemonset_status_desired_number_scheduled) or (kube_daemonset_status_number_available != kube_daemonset_status_desired_number_scheduled)) and (changes(kube_daemonset_status_updated_number_scheduled[5m]) == 0)',
    active: (h) => {
      const desired = 'kube_daemonset_status_desired_number_scheduled';
      const stuck = new Map<string, Record<string, string>>();
      for (const name of [
        'kube_daemonset_status_current_number_scheduled',
        'kube_daemonset_status_updated_number_scheduled',
        'kube_daemonset_status_number_available',
      ])
        for (const l of compare(h, name, desired, DAEMONSET, (a, b) => a !== b))
          stuck.set(seriesKey(pick(l, DAEMONSET)), pick(l, DAEMONSET));
      for (const l of where(h, 'kube_daemonset_status_number_misscheduled', (s) => s.value !== 0))
        stuck.set(seriesKey(pick(l, DAEMONSET)), pick(l, DAEMONSET));
      return [...stuck.values()].filter(
        (l) => changes(h, 'kube_daemonset_status_updated_number_scheduled', l, DAEMONSET, 5 * MIN) === 0,
      );
    },
  },
  {
    alert: 'KubeJobFailed',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: 'kube_job_failed{job="kube-state-metrics"} > 0',
    active: (h) => where(h, 'kube_job_failed', (s) => s.value > 0),
  },
  {
    alert: 'KubeHpaMaxedOut',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: 'kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"} == kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics"}',
    active: (h) =>
      compare(
        h,
        'kube_horizontalpodautoscaler_status_current_replicas',
        'kube_horizontalpodautoscaler_spec_max_replicas',
        ['namespace', 'horizontalpodautoscaler'],
        (l, r) => l === r,
      ),
  },
  {
    alert: 'KubeNodeNotReady',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: 'kube_node_status_condition{job="kube-state-metrics",condition="Ready",status="true"} == 0',
    active: (h) =>
      where(
        h,
        'kube_node_status_condition',
        (s) => s.labels.condition === 'Ready' && s.labels.status === 'true' && s.value === 0,
      ),
  },
  {
    alert: 'KubeNodePressure',
    severity: 'info',
    forMs: 10 * MIN,
    expr: 'kube_node_status_condition{job="kube-state-metrics",condition=~"(MemoryPressure|DiskPressure|PIDPressure)",status="true"} == 1 and on (node) kube_node_spec_unschedulable{job="kube-state-metrics"} == 0',
    active: (h) =>
      where(
        h,
        'kube_node_status_condition',
        (s) =>
          ['MemoryPressure', 'DiskPressure', 'PIDPressure'].includes(s.labels.condition!) &&
          s.labels.status === 'true' &&
          s.value === 1 &&
          valueOn(h, 'kube_node_spec_unschedulable', s.labels, ['node']) === 0,
      ),
  },
  {
    alert: 'KubePersistentVolumeErrors',
    severity: 'critical',
    forMs: 5 * MIN,
    expr: 'kube_persistentvolume_status_phase{phase=~"Failed|Pending",job="kube-state-metrics"} > 0',
    active: (h) =>
      where(
        h,
        'kube_persistentvolume_status_phase',
        (s) => ['Failed', 'Pending'].includes(s.labels.phase!) && s.value > 0,
      ),
  },
  {
    alert: 'KubeQuotaExceeded',
    severity: 'warning',
    forMs: 15 * MIN,
    expr: 'kube_resourcequota{job="kube-state-metrics", type="used"} / ignoring(instance, job, type) (kube_resourcequota{job="kube-state-metrics", type="hard"} > 0) > 1',
    active: (h) => quotaRatio(h, (r) => r > 1),
  },
  {
    alert: 'KubeQuotaFullyUsed',
    severity: 'info',
    forMs: 15 * MIN,
    expr: 'kube_resourcequota{job="kube-state-metrics", type="used"} / ignoring(instance, job, type) (kube_resourcequota{job="kube-state-metrics", type="hard"} > 0) == 1',
    active: (h) => quotaRatio(h, (r) => r === 1),
  },
  {
    alert: 'CPUThrottlingHigh',
    severity: 'info',
    forMs: 15 * MIN,
    expr: 'sum(increase(container_cpu_cfs_throttled_periods_total{container!=""}[5m])) without (id, metrics_path, name, image, endpoint, job, node) / on (namespace, pod, container, instance) group_left sum(increase(container_cpu_cfs_periods_total[5m])) without (id, metrics_path, name, image, endpoint, job, node) > (25 / 100)',
    active: (h) => {
      const increase = (name: string, labels: Record<string, string>) => {
        const key = seriesKey(pick(labels, CONTAINER));
        const values = h
          .range(name, 5 * MIN)
          .map((scrape) => scrape.find((s) => seriesKey(pick(s.labels, CONTAINER)) === key)?.value)
          .filter((v) => v !== undefined);
        return values.length < 2 ? 0 : values.at(-1)! - values[0]!;
      };
      return where(h, 'container_cpu_cfs_throttled_periods_total', (s) => s.labels.container !== '')
        .filter((l) => {
          const periods = increase('container_cpu_cfs_periods_total', l);
          return periods > 0 && increase('container_cpu_cfs_throttled_periods_total', l) / periods > 0.25;
        })
        .map((l) => pick(l, CONTAINER));
    },
  },
];

function quotaRatio(h: ScrapeHistory, test: (ratio: number) => boolean): Record<string, string>[] {
  const on = ['namespace', 'resourcequota', 'resource'];
  const hard = h.now('kube_resourcequota').filter((s) => s.labels.type === 'hard' && s.value > 0);
  return h
    .now('kube_resourcequota')
    .filter((s) => {
      if (s.labels.type !== 'used') return false;
      const key = seriesKey(pick(s.labels, on));
      const limit = hard.find((x) => seriesKey(pick(x.labels, on)) === key);
      return limit !== undefined && test(s.value / limit.value);
    })
    .map((s) => pick(s.labels, on));
}
