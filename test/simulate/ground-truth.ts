// The observable signal behind each pattern id the built-in scenarios declare as ground truth: a
// query that must find rows about the finding's subject. It checks that a fixture really holds the
// failure its scenario claims (the analyzer's own detection lives in patterns/, not here).

import type { Bundle } from '../../src/bundle/reader.ts';

export interface Subject {
  namespace: string | null;
  kind: string;
  name: string;
}

export function parseSubject(text: string): Subject {
  const parts = text.split('/');
  if (parts.length === 3) return { namespace: parts[0]!, kind: parts[1]!, name: parts[2]! };
  if (parts.length === 2) return { namespace: null, kind: parts[0]!, name: parts[1]! };
  throw new Error(`bad subject ${text}`);
}

/** Pods that belong to a workload subject (through its ReplicaSet or Job), or the pod itself. */
function podsOf(s: Subject, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  const ns = `${p}namespace = '${s.namespace}'`;
  if (s.kind === 'Pod') return `${ns} AND ${p}name = '${s.name}'`;
  if (s.kind === 'Node') return `${p}node = '${s.name}'`;
  return `${ns} AND (${p}owner_name = '${s.name}' OR regexp_matches(${p}owner_name, '^${s.name}-[a-z0-9]{6,10}$'))`;
}

/** FailedCreate events of the controller that creates a workload's pods (its ReplicaSets, Jobs). */
function refusedBy(s: Subject): string {
  return `event_reason = 'FailedCreate' AND namespace = '${s.namespace}'
    AND ((kind IN ('ReplicaSet', 'Job') AND name LIKE '${s.name}-%') OR (kind = '${s.kind}' AND name = '${s.name}'))`;
}

function podNames(s: Subject): string {
  return `SELECT DISTINCT name FROM pods WHERE ${podsOf(s)}`;
}

function objectIs(s: Subject, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  return `${p}kind = '${s.kind}' AND ${p}name = '${s.name}'${s.namespace ? ` AND ${p}namespace = '${s.namespace}'` : ''}`;
}

const SIGNALS: Record<string, (s: Subject, container?: string) => string> = {
  'crash-loop-backoff': (s) =>
    `SELECT count(*) FROM containers WHERE ${podsOf(s)} AND reason = 'CrashLoopBackOff'`,
  'oom-killed': (s) =>
    `SELECT count(*) FROM containers WHERE ${podsOf(s)} AND last_reason = 'OOMKilled' AND last_exit_code = 137`,
  'memory-near-limit': (s) =>
    `SELECT count(*) FROM metrics m WHERE m.metric_name = 'container_memory_working_set_bytes' AND m.namespace = '${s.namespace}'
       AND m.name IN (${podNames(s)}) AND m.metric_value >= 0.9 * (SELECT max(memory_limit_bytes) FROM containers WHERE ${podsOf(s)})`,
  'image-pull-backoff': (s) =>
    `SELECT count(*) FROM containers WHERE ${podsOf(s)} AND reason IN ('ImagePullBackOff', 'ErrImagePull')`,
  // An init container that exited with an error or could not start, so the pod never started.
  'init-container-failed': (s) =>
    `SELECT count(*) FROM containers WHERE ${podsOf(s)} AND init
       AND (reason IN ('CrashLoopBackOff', 'StartError') OR last_exit_code > 0 OR last_reason = 'StartError')`,
  // The kubelet could not find a pull secret the pod names.
  'image-pull-secret-missing': (s) =>
    `SELECT count(*) FROM events WHERE event_reason = 'FailedToRetrieveImagePullSecret' AND kind = 'Pod' AND name IN (${podNames(s)})`,
  // The registry refused the pull for want of credentials, and the container waits for its image.
  'registry-auth': (s) =>
    `SELECT (SELECT count(*) FROM containers WHERE ${podsOf(s)} AND reason IN ('ImagePullBackOff', 'ErrImagePull'))
          * (SELECT count(*) FROM events WHERE event_reason = 'Failed' AND name IN (${podNames(s)})
               AND regexp_matches(event_message, 'Failed to pull image .*(authoriz|Unauthorized|Forbidden|pull access denied)'))`,
  'create-container-config-error': (s) =>
    `SELECT count(*) FROM containers WHERE ${podsOf(s)} AND reason = 'CreateContainerConfigError'`,
  'container-creating-stuck': (s) =>
    `SELECT count(*) FROM events WHERE event_reason = 'FailedMount' AND kind = 'Pod' AND name IN (${podNames(s)})`,
  'failed-scheduling': (s) =>
    `SELECT count(*) FROM events WHERE event_reason = 'FailedScheduling' AND kind = 'Pod' AND name IN (${podNames(s)})`,
  'deployment-rollout-stuck': (s) =>
    `SELECT count(*) FROM conditions WHERE ${objectIs(s)} AND type = 'Progressing' AND reason = 'ProgressDeadlineExceeded'`,
  // Short of replicas for at least three scrapes in a row is more than a rollout's transient.
  'workload-replicas-mismatch': (s) => {
    const [desired, available] =
      s.kind === 'StatefulSet'
        ? ['kube_statefulset_replicas', 'kube_statefulset_status_replicas_ready']
        : ['kube_deployment_spec_replicas', 'kube_deployment_status_replicas_available'];
    return `SELECT count(*) FROM (
       SELECT ts, max(metric_value) FILTER (WHERE metric_name = '${desired}') AS desired,
              max(metric_value) FILTER (WHERE metric_name = '${available}') AS available
       FROM metrics WHERE kind = '${s.kind}' AND namespace = '${s.namespace}' AND name = '${s.name}' GROUP BY ts)
     WHERE available < desired HAVING count(*) >= 3`;
  },
  'service-no-ready-endpoints': (s) =>
    `SELECT count(*) FROM objects WHERE kind = 'Endpoints' AND namespace = '${s.namespace}' AND name = '${s.name}' AND json_extract(body, '$.subsets[0].addresses') IS NULL`,
  'config-changed': (s) =>
    `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_verb IN ('patch', 'update', 'delete') AND audit_code = 200 AND audit_user NOT LIKE 'system:%'`,
  'workload-resources-changed': (s) =>
    `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_verb = 'patch' AND audit_code = 200 AND audit_user NOT LIKE 'system:%' AND body LIKE '%"resources"%'`,
  'workload-image-changed': (s) =>
    `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_verb = 'patch' AND audit_code = 200 AND body LIKE '%"image"%'`,
  'pvc-pending': (s) => `SELECT count(*) FROM objects WHERE ${objectIs(s)} AND phase = 'Pending'`,
  'node-pressure': (s) =>
    `SELECT count(*) FROM conditions WHERE ${objectIs(s)} AND type IN ('MemoryPressure', 'DiskPressure', 'PIDPressure') AND status = 'True'`,
  // Evicted by the kubelet (or by the taint manager) on a node, or pods of a workload.
  'pod-evicted': (s) =>
    `SELECT (SELECT count(*) FROM pods WHERE ${podsOf(s)} AND status_reason = 'Evicted')
          + (SELECT count(*) FROM events WHERE event_reason = 'TaintManagerEviction' AND name IN (${podNames(s)}))`,
  // Deleted from a lost node by the taint manager (DisruptionTarget, TaintManagerEviction) or the node controller.
  'pod-taint-evicted': (s) =>
    `SELECT (SELECT count(*) FROM conditions WHERE kind = 'Pod' AND name IN (${podNames(s)}) AND type = 'DisruptionTarget' AND reason = 'DeletionByTaintManager')
          + (SELECT count(*) FROM events WHERE event_reason IN ('TaintManagerEviction', 'NodeControllerEviction') AND event_message LIKE 'Marking for deletion%' AND name IN (${podNames(s)}))`,
  // Refused at admission by the kubelet of the node it was bound to (OutOfcpu, OutOfmemory, ...).
  'pod-rejected-by-node': (s) =>
    `SELECT count(*) FROM pods WHERE ${podsOf(s)} AND phase = 'Failed' AND status_message LIKE 'Pod was rejected: %'`,
  'pod-sandbox-failed': (s) =>
    `SELECT count(*) FROM events WHERE event_reason IN ('FailedCreatePodSandBox', 'NetworkNotReady') AND kind = 'Pod' AND name IN (${podNames(s)})`,
  'network-plugin-not-ready': (s) =>
    `SELECT (SELECT count(*) FROM conditions WHERE ${objectIs(s)} AND type = 'Ready' AND status = 'False' AND message LIKE '%NetworkPluginNotReady%')
          + (SELECT count(*) FROM events WHERE event_reason = 'FailedCreatePodSandBox' AND node = '${s.name}')`,
  'network-plugin-down': (s) =>
    `SELECT count(*) FROM containers WHERE ${podsOf(s)} AND NOT init AND (state <> 'running' OR NOT ready)`,
  // Its Ready condition, or, when the recording could not read Nodes, the scheduler refusing it.
  'node-not-ready': (s) =>
    `SELECT (SELECT count(*) FROM conditions WHERE ${objectIs(s)} AND type = 'Ready' AND status IN ('False', 'Unknown'))
          + (SELECT count(*) FROM node_refusals WHERE refused_node = '${s.name}')`,
  'readiness-probe-failed': (s) =>
    `SELECT count(*) FROM events WHERE event_reason = 'Unhealthy' AND event_message LIKE 'Readiness probe failed: HTTP probe failed%' AND name IN (${podNames(s)})`,
  'startup-probe-failed': (s) =>
    `SELECT count(*) FROM events WHERE event_reason = 'Killing' AND event_message LIKE '%failed startup probe, will be restarted' AND name IN (${podNames(s)})`,
  'liveness-probe-failed': (s) =>
    `SELECT count(*) FROM events WHERE event_reason = 'Unhealthy' AND event_message LIKE 'Liveness probe failed%' AND name IN (${podNames(s)})`,
  // A Job, or a Job of the CronJob (named <cronjob>-<scheduled minute>).
  'job-failed': (s) =>
    `SELECT count(*) FROM conditions WHERE ${
      s.kind === 'CronJob'
        ? `kind = 'Job' AND namespace = '${s.namespace}' AND regexp_matches(name, '^${s.name}-[0-9]+$')`
        : objectIs(s)
    } AND type = 'Failed' AND status = 'True' AND reason = 'BackoffLimitExceeded'`,
  // A person's scale of the workload (kubectl scale patches the scale subresource).
  'workload-scaled': (s) =>
    `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_subresource = 'scale' AND audit_code = 200 AND audit_user NOT LIKE 'system:%'`,
  // A person's edit of a Role or a binding.
  'rbac-changed': (s) =>
    `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_verb IN ('patch', 'update') AND audit_code = 200 AND audit_user NOT LIKE 'system:%'`,
  'resourcequota-changed': (s) =>
    `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_verb IN ('patch', 'update') AND audit_code = 200 AND audit_user NOT LIKE 'system:%'`,
  'resourcequota-exceeded': (s) =>
    `SELECT count(*) FROM events WHERE event_reason = 'FailedCreate' AND kind = 'ReplicaSet' AND namespace = '${s.namespace}' AND name LIKE '${s.name}-%' AND event_message LIKE '%exceeded quota%'`,
  // A webhook (AdmissionWebhook/<name>) refusing pods, or the workload whose pods it refuses.
  'admission-webhook-failing': (s) =>
    s.kind === 'AdmissionWebhook'
      ? `SELECT count(*) FROM events WHERE event_reason = 'FailedCreate' AND event_message LIKE '%webhook "${s.name}"%'`
      : `SELECT count(*) FROM events WHERE ${refusedBy(s)}
           AND (event_message LIKE '%failed calling webhook%' OR event_message LIKE '%admission webhook "%" denied the request:%')`,
  // The workload's controller could not create pods, whatever refused them but quota and LimitRange.
  'pod-create-failed': (s) =>
    `SELECT count(*) FROM events WHERE ${refusedBy(s)}
       AND NOT regexp_matches(event_message, 'exceeded quota|usage per Container')`,
  // A client's requests (User/...) or a workload's objects refused by RBAC.
  'rbac-forbidden': (s) =>
    s.kind === 'User'
      ? `SELECT count(*) FROM audit WHERE audit_user = '${s.name}' AND audit_code = 403 AND body LIKE '%"authorization.k8s.io/decision":"forbid"%'`
      : `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_code = 403`,
  // At least ten requests for one resource (APIResource/<plural>) failed with 429 or 5xx.
  'apiserver-error-burst': (s) =>
    `SELECT count(*) FROM audit WHERE audit_resource = '${s.name}' AND (audit_code = 429 OR audit_code >= 500)
       AND coalesce(audit_subresource, '') <> 'eviction' HAVING count(*) >= 10`,
  // A pod of the workload deleted at least 5 minutes before the recording's end and never removed.
  'pod-stuck-terminating': (s) =>
    `SELECT count(DISTINCT o.uid) FROM objects o WHERE o.kind = 'Pod' AND o.name IN (${podNames(s)})
       AND o.deleted_at IS NOT NULL AND o.deleted_at < (SELECT max(ts) FROM objects) - INTERVAL 5 MINUTE
       AND NOT EXISTS (SELECT 1 FROM objects d WHERE d.uid = o.uid AND d.watch_event = 'DELETED')`,
  'pvc-resize-failed': (s) =>
    `SELECT count(*) FROM events WHERE ${objectIs(s)} AND event_reason IN ('VolumeResizeFailed', 'FileSystemResizeFailed')`,
  'pvc-lost': (s) => `SELECT count(*) FROM objects WHERE ${objectIs(s)} AND phase = 'Lost'`,
  'service-loadbalancer-failed': (s) =>
    `SELECT count(*) FROM events WHERE ${objectIs(s)} AND event_reason = 'SyncLoadBalancerFailed'`,
  // Deleted by a person, as the audit log shows.
  'object-deleted': (s) =>
    `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_verb = 'delete' AND audit_code = 200 AND audit_user NOT LIKE 'system:%'`,
  // A volume left Released (its claim deleted, reclaim policy Retain) or Failed to be reclaimed.
  'pv-failed-released': (s) =>
    `SELECT count(*) FROM objects WHERE ${objectIs(s)} AND phase IN ('Released', 'Failed')`,
  // An Argo CD Application reporting Degraded (or Missing) health, or OutOfSync.
  'argocd-app-unhealthy': (s) =>
    `SELECT count(*) FROM objects WHERE ${objectIs(s)} AND api_version LIKE 'argoproj.io/%'
       AND (json_extract_string(body, '$.status.health.status') IN ('Degraded', 'Missing')
            OR json_extract_string(body, '$.status.sync.status') = 'OutOfSync')`,
  'certificate-expiring': (s) =>
    `SELECT count(*) FROM conditions WHERE ${objectIs(s)} AND type = 'Ready' AND status = 'False' AND reason = 'Expired'`,
  'custom-resource-unhealthy': (s) =>
    `SELECT count(*) FROM conditions WHERE ${objectIs(s)} AND type = 'Ready' AND status = 'False'`,
  'app-errors-in-logs': (s) =>
    `SELECT count(*) FROM logs WHERE name IN (${podNames(s)}) AND (log_line LIKE '%no such host%' OR log_line LIKE '%connection refused%' OR log_line LIKE 'panic:%')`,
  'cpu-throttling': (s) =>
    `SELECT count(*) FROM (
       SELECT name, container, max(metric_value) FILTER (WHERE metric_name = 'container_cpu_cfs_throttled_periods_total') AS throttled,
              max(metric_value) FILTER (WHERE metric_name = 'container_cpu_cfs_periods_total') AS periods
       FROM metrics WHERE namespace = '${s.namespace}' AND name IN (${podNames(s)}) GROUP BY name, container)
     WHERE throttled > 0.5 * periods`,
  'node-cordoned': (s) => `SELECT count(*) FROM objects WHERE ${objectIs(s)} AND unschedulable`,
  'pdb-blocking-disruptions': (s) =>
    `SELECT count(*) FROM audit WHERE audit_subresource = 'eviction' AND audit_code = 429 AND namespace = '${s.namespace}'
       AND body LIKE '%The disruption budget ${s.name} needs%'`,
  'limitrange-rejection': (s) =>
    `SELECT count(*) FROM events WHERE event_reason = 'FailedCreate' AND kind = 'ReplicaSet' AND namespace = '${s.namespace}' AND name LIKE '${s.name}-%' AND event_message LIKE '%maximum memory usage per Container is%'`,
  'statefulset-update-stuck': (s) =>
    `SELECT count(*) FROM objects WHERE ${objectIs(s)} AND ts >= (SELECT max(ts) FROM objects WHERE ${objectIs(s)})
       AND attrs['current_revision'] IS DISTINCT FROM attrs['update_revision']`,
  'service-selector-no-pods': (s) =>
    `SELECT CASE WHEN (SELECT count(*) FROM objects WHERE kind = 'Endpoints' AND namespace = '${s.namespace}' AND name = '${s.name}' AND body LIKE '%"subsets"%') = 0
                  AND (SELECT count(*) FROM objects WHERE kind = 'Endpoints' AND namespace = '${s.namespace}' AND name = '${s.name}') > 0 THEN 1 ELSE 0 END`,
  'invalid-image-name': (s) =>
    `SELECT count(*) FROM containers WHERE ${podsOf(s)} AND reason = 'InvalidImageName'`,
  'deployment-rollback': (s) =>
    `SELECT count(*) FROM audit WHERE ${objectIs(s)} AND audit_verb = 'patch' AND audit_code = 200 AND audit_user NOT LIKE 'system:%' AND body LIKE '%"path":"/spec/template"%'`,
  'daemonset-unhealthy': (s) =>
    `SELECT count(*) FROM metrics WHERE metric_name = 'kube_daemonset_status_number_unavailable' AND namespace = '${s.namespace}' AND name = '${s.name}' AND metric_value > 0 HAVING count(*) >= 3`,
  'cronjob-missed-schedule': (s) =>
    `SELECT count(*) FROM events WHERE ${objectIs(s)} AND event_reason = 'JobAlreadyActive'`,
  'hpa-at-max-replicas': (s) =>
    `SELECT count(*) FROM conditions WHERE ${objectIs(s)} AND type = 'ScalingLimited' AND status = 'True' AND reason = 'TooManyReplicas'`,
};

export function knownPatterns(): string[] {
  return Object.keys(SIGNALS);
}

export async function signalCount(bundle: Bundle, pattern: string, subject: string): Promise<number> {
  const build = SIGNALS[pattern];
  if (!build) throw new Error(`no signal known for pattern ${pattern}`);
  const rows = await bundle.query<Record<string, unknown>>(build(parseSubject(subject)));
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** Failure signs that must not appear on a healthy subject's pods. */
export async function failureSigns(bundle: Bundle, subject: string): Promise<number> {
  const s = parseSubject(subject);
  const rows = await bundle.query<{ n: bigint }>(
    `SELECT (SELECT count(*) FROM containers WHERE ${podsOf(s)} AND reason IN ('CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError'))
          + (SELECT count(*) FROM events WHERE event_reason IN ('FailedScheduling', 'FailedMount', 'Evicted', 'BackOff', 'FailedCreate') AND kind = 'Pod' AND name IN (${podNames(s)}))
          + (SELECT count(*) FROM conditions WHERE ${objectIs(s)} AND reason IN ('ProgressDeadlineExceeded', 'BackoffLimitExceeded')) AS n`,
  );
  return Number(rows[0]?.n ?? 0);
}
