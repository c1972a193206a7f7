// The typed columns of an object row, per kind: containers, conditions, replicas, selector, refs,
// taints and attrs (see src/bundle/columns.ts). Reads the object as given (before redaction).

import { X509Certificate } from 'node:crypto';
import type { ConditionRow, ContainerRow, RefRow, TaintRow } from '../bundle/row.ts';
import { quantityMilli, quantityValue } from './quantity.ts';
import { latestTs, normalizeTs } from './time.ts';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rec(value: unknown): Json | undefined {
  return isRecord(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function int(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return null;
}

/** A scalar as attrs text; objects and nulls are left out. */
function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** The pod spec an object runs: the Pod's own, a workload's template, a CronJob's job template. */
export function podSpecOf(kind: string | null, obj: Json): Json | undefined {
  const spec = rec(obj.spec);
  if (!spec) return undefined;
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') return rec(rec(rec(rec(spec.jobTemplate)?.spec)?.template)?.spec);
  if (WORKLOAD_KINDS.has(kind ?? '') || kind === 'PodTemplate') return rec(rec(spec.template)?.spec);
  return undefined;
}

const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
]);

// --- containers ---

export function containersOf(
  kind: string | null,
  obj: Json,
  podSpec: Json | undefined,
): ContainerRow[] | null {
  if (!podSpec) return null;
  const status = kind === 'Pod' ? rec(obj.status) : undefined;
  const out: ContainerRow[] = [];
  addContainers(out, arr(podSpec.initContainers), arr(status?.initContainerStatuses), true);
  addContainers(out, arr(podSpec.containers), arr(status?.containerStatuses), false);
  return out;
}

function addContainers(out: ContainerRow[], specs: unknown[], statuses: unknown[], init: boolean): void {
  const byName = new Map<string, Json>();
  for (const s of statuses) if (isRecord(s) && typeof s.name === 'string') byName.set(s.name, s);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!isRecord(spec) || typeof spec.name !== 'string') continue;
    seen.add(spec.name);
    out.push(containerRow(spec.name, spec, byName.get(spec.name), init));
  }
  // A status without a spec (a dump with a trimmed spec) still tells what happened to the container.
  for (const [name, status] of byName)
    if (!seen.has(name)) out.push(containerRow(name, undefined, status, init));
}

function containerRow(
  name: string,
  spec: Json | undefined,
  status: Json | undefined,
  init: boolean,
): ContainerRow {
  const resources = rec(spec?.resources);
  const requests = rec(resources?.requests);
  const limits = rec(resources?.limits);
  const row: ContainerRow = {
    name,
    image: str(spec?.image) ?? str(status?.image),
    init,
    ready: null,
    restart_count: null,
    state: null,
    reason: null,
    message: null,
    exit_code: null,
    started_at: null,
    finished_at: null,
    last_reason: null,
    last_exit_code: null,
    last_started_at: null,
    last_finished_at: null,
    cpu_request_m: quantityMilli(requests?.cpu),
    cpu_limit_m: quantityMilli(limits?.cpu),
    memory_request_bytes: quantityValue(requests?.memory),
    memory_limit_bytes: quantityValue(limits?.memory),
  };
  if (status) {
    row.ready = typeof status.ready === 'boolean' ? status.ready : null;
    row.restart_count = int(status.restartCount);
    const state = rec(status.state);
    const waiting = rec(state?.waiting);
    const running = rec(state?.running);
    const terminated = rec(state?.terminated);
    if (terminated) {
      row.state = 'terminated';
      row.reason = str(terminated.reason);
      row.message = str(terminated.message);
      row.exit_code = int(terminated.exitCode);
      row.started_at = normalizeTs(terminated.startedAt);
      row.finished_at = normalizeTs(terminated.finishedAt);
    } else if (running) {
      row.state = 'running';
      row.started_at = normalizeTs(running.startedAt);
    } else if (waiting) {
      row.state = 'waiting';
      row.reason = str(waiting.reason);
      row.message = str(waiting.message);
    }
    const last = rec(rec(status.lastState)?.terminated);
    if (last) {
      row.last_reason = str(last.reason);
      row.last_exit_code = int(last.exitCode);
      row.last_started_at = normalizeTs(last.startedAt);
      row.last_finished_at = normalizeTs(last.finishedAt);
    }
  }
  return row;
}

// --- conditions, taints, selector ---

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

// --- replicas ---

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
): Replicas | null {
  // The API server omits zero counts (omitempty): with a status present, absent means 0.
  const count = (value: unknown) => int(value) ?? (status ? 0 : null);
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

// --- refs ---

export function refsOf(
  kind: string | null,
  spec: Json | undefined,
  podSpec: Json | undefined,
): RefRow[] | null {
  const out: RefRow[] = [];
  const seen = new Set<string>();
  const add = (refKind: string, name: unknown, via: string) => {
    if (typeof name !== 'string' || name === '') return;
    const key = `${refKind}\0${name}\0${via}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind: refKind, name, via });
  };
  if (podSpec) addPodRefs(podSpec, add);
  switch (kind) {
    case 'PersistentVolumeClaim':
      add('StorageClass', spec?.storageClassName, 'storageClassName');
      add('PersistentVolume', spec?.volumeName, 'volumeName');
      break;
    case 'PersistentVolume':
      add('StorageClass', spec?.storageClassName, 'storageClassName');
      break;
    case 'HorizontalPodAutoscaler': {
      const target = rec(spec?.scaleTargetRef);
      if (typeof target?.kind === 'string') add(target.kind, target.name, 'scaleTargetRef');
      break;
    }
    case 'Ingress': {
      addIngressBackend(rec(spec?.defaultBackend) ?? rec(spec?.backend), add);
      for (const rule of arr(spec?.rules)) {
        for (const p of arr(rec(rec(rule)?.http)?.paths)) addIngressBackend(rec(rec(p)?.backend), add);
      }
      for (const tls of arr(spec?.tls)) add('Secret', rec(tls)?.secretName, 'tls');
      break;
    }
  }
  return podSpec || out.length > 0 ? out : null;
}

type AddRef = (kind: string, name: unknown, via: string) => void;

function addIngressBackend(backend: Json | undefined, add: AddRef): void {
  if (!backend) return;
  // networking.k8s.io/v1 nests the service; extensions/v1beta1 names it directly.
  add('Service', rec(backend.service)?.name ?? backend.serviceName, 'backend');
}

/** References marked `optional: true` are left out: their absence breaks nothing. */
function addPodRefs(podSpec: Json, add: AddRef): void {
  const required = (ref: Json | undefined) => (ref && ref.optional !== true ? ref : undefined);
  for (const volume of arr(podSpec.volumes)) {
    const v = rec(volume);
    if (!v) continue;
    add('ConfigMap', required(rec(v.configMap))?.name, 'volume');
    add('Secret', required(rec(v.secret))?.secretName, 'volume');
    add('PersistentVolumeClaim', rec(v.persistentVolumeClaim)?.claimName, 'volume');
    for (const source of arr(rec(v.projected)?.sources)) {
      add('ConfigMap', required(rec(rec(source)?.configMap))?.name, 'volume');
      add('Secret', required(rec(rec(source)?.secret))?.name, 'volume');
    }
  }
  for (const list of [podSpec.initContainers, podSpec.containers]) {
    for (const container of arr(list)) {
      const c = rec(container);
      if (!c) continue;
      for (const env of arr(c.env)) {
        const from = rec(rec(env)?.valueFrom);
        add('ConfigMap', required(rec(from?.configMapKeyRef))?.name, 'env');
        add('Secret', required(rec(from?.secretKeyRef))?.name, 'env');
      }
      for (const envFrom of arr(c.envFrom)) {
        add('ConfigMap', required(rec(rec(envFrom)?.configMapRef))?.name, 'envFrom');
        add('Secret', required(rec(rec(envFrom)?.secretRef))?.name, 'envFrom');
      }
    }
  }
  add('ServiceAccount', podSpec.serviceAccountName ?? podSpec.serviceAccount, 'serviceAccount');
  for (const pull of arr(podSpec.imagePullSecrets)) add('Secret', rec(pull)?.name, 'imagePullSecret');
}

// --- attrs ---

type Attrs = Record<string, string>;

function put(attrs: Attrs, key: string, value: unknown): void {
  const t = text(value);
  if (t !== null) attrs[key] = t;
}

export function attrsOf(kind: string | null, obj: Json, metadata: Json | undefined): Attrs | null {
  const spec = rec(obj.spec);
  const status = rec(obj.status);
  const annotations = rec(metadata?.annotations);
  const a: Attrs = {};
  switch (kind) {
    case 'Pod':
      put(a, 'qos_class', status?.qosClass);
      put(a, 'priority_class', spec?.priorityClassName);
      put(a, 'service_account', spec?.serviceAccountName ?? spec?.serviceAccount);
      put(a, 'restart_policy', spec?.restartPolicy);
      put(a, 'scheduler', spec?.schedulerName);
      break;
    case 'Node': {
      const info = rec(status?.nodeInfo);
      const allocatable = rec(status?.allocatable);
      put(a, 'kubelet_version', info?.kubeletVersion);
      put(a, 'os_image', info?.osImage);
      put(a, 'container_runtime', info?.containerRuntimeVersion);
      put(a, 'allocatable_cpu_m', quantityMilli(allocatable?.cpu));
      put(a, 'allocatable_memory_bytes', quantityValue(allocatable?.memory));
      put(a, 'allocatable_pods', quantityValue(allocatable?.pods));
      break;
    }
    case 'Deployment': {
      const strategy = rec(spec?.strategy);
      const rolling = rec(strategy?.rollingUpdate);
      put(a, 'strategy', strategy?.type);
      put(a, 'max_surge', rolling?.maxSurge);
      put(a, 'max_unavailable', rolling?.maxUnavailable);
      put(a, 'progress_deadline_seconds', spec?.progressDeadlineSeconds);
      put(a, 'paused', spec?.paused ?? (spec ? false : null));
      put(a, 'revision', annotations?.['deployment.kubernetes.io/revision']);
      break;
    }
    case 'ReplicaSet':
      put(a, 'revision', annotations?.['deployment.kubernetes.io/revision']);
      put(a, 'pod_template_hash', rec(metadata?.labels)?.['pod-template-hash']);
      break;
    case 'StatefulSet': {
      const strategy = rec(spec?.updateStrategy);
      put(a, 'update_strategy', strategy?.type);
      put(a, 'current_revision', status?.currentRevision);
      put(a, 'update_revision', status?.updateRevision);
      put(a, 'partition', rec(strategy?.rollingUpdate)?.partition);
      break;
    }
    case 'DaemonSet':
      put(a, 'number_misscheduled', status?.numberMisscheduled);
      put(a, 'number_unavailable', status?.numberUnavailable ?? (status ? 0 : null));
      put(a, 'update_strategy', rec(spec?.updateStrategy)?.type);
      break;
    case 'Job':
      for (const [key, field] of [
        ['active', 'active'],
        ['succeeded', 'succeeded'],
        ['failed', 'failed'],
      ] as const) {
        put(a, key, status?.[field] ?? (status ? 0 : null));
      }
      put(a, 'backoff_limit', spec?.backoffLimit);
      put(a, 'active_deadline_seconds', spec?.activeDeadlineSeconds);
      put(a, 'completions', spec?.completions);
      put(a, 'parallelism', spec?.parallelism);
      put(a, 'start_time', normalizeTs(status?.startTime));
      put(a, 'completion_time', normalizeTs(status?.completionTime));
      break;
    case 'CronJob':
      put(a, 'schedule', spec?.schedule);
      put(a, 'suspend', spec?.suspend);
      put(a, 'last_schedule_time', normalizeTs(status?.lastScheduleTime));
      put(a, 'last_successful_time', normalizeTs(status?.lastSuccessfulTime));
      put(a, 'concurrency_policy', spec?.concurrencyPolicy);
      put(a, 'starting_deadline_seconds', spec?.startingDeadlineSeconds);
      break;
    case 'HorizontalPodAutoscaler': {
      const target = rec(spec?.scaleTargetRef);
      put(a, 'min_replicas', spec?.minReplicas);
      put(a, 'max_replicas', spec?.maxReplicas);
      put(a, 'target_kind', target?.kind);
      put(a, 'target_name', target?.name);
      break;
    }
    case 'PodDisruptionBudget':
      put(a, 'min_available', spec?.minAvailable);
      put(a, 'max_unavailable', spec?.maxUnavailable);
      put(a, 'disruptions_allowed', status?.disruptionsAllowed ?? status?.podDisruptionsAllowed);
      put(a, 'current_healthy', status?.currentHealthy);
      put(a, 'desired_healthy', status?.desiredHealthy);
      put(a, 'expected_pods', status?.expectedPods);
      break;
    case 'PersistentVolumeClaim':
      put(a, 'storage_class', spec?.storageClassName);
      put(a, 'volume_name', spec?.volumeName);
      put(a, 'requested_storage', rec(rec(spec?.resources)?.requests)?.storage);
      put(a, 'access_modes', Array.isArray(spec?.accessModes) ? spec.accessModes.join(',') : null);
      break;
    case 'PersistentVolume': {
      const claim = rec(spec?.claimRef);
      put(a, 'storage_class', spec?.storageClassName);
      put(a, 'claim_namespace', claim?.namespace);
      put(a, 'claim_name', claim?.name);
      put(a, 'reclaim_policy', spec?.persistentVolumeReclaimPolicy);
      put(a, 'capacity', rec(spec?.capacity)?.storage);
      break;
    }
    case 'Service':
      put(a, 'type', spec?.type);
      put(a, 'cluster_ip', spec?.clusterIP);
      break;
    case 'Endpoints': {
      // Ready and not-ready addresses over all subsets: what a Service can route to right now.
      let ready = 0;
      let notReady = 0;
      for (const subset of arr(obj.subsets)) {
        ready += arr(rec(subset)?.addresses).length;
        notReady += arr(rec(subset)?.notReadyAddresses).length;
      }
      put(a, 'ready_addresses', ready);
      put(a, 'not_ready_addresses', notReady);
      break;
    }
    case 'EndpointSlice': {
      let ready = 0;
      let notReady = 0;
      for (const endpoint of arr(obj.endpoints)) {
        // An endpoint without conditions counts as ready (EndpointSlice API semantics).
        if (rec(rec(endpoint)?.conditions)?.ready === false) notReady++;
        else ready++;
      }
      put(a, 'service_name', rec(metadata?.labels)?.['kubernetes.io/service-name']);
      put(a, 'ready_endpoints', ready);
      put(a, 'not_ready_endpoints', notReady);
      break;
    }
    case 'ResourceQuota': {
      const hard = rec(status?.hard) ?? rec(spec?.hard);
      for (const key in hard) put(a, `hard.${key}`, hard[key]);
      const used = rec(status?.used);
      for (const key in used) put(a, `used.${key}`, used[key]);
      break;
    }
    case 'Application': {
      // Argo CD's Application (argoproj.io): its health and sync state, the last sync operation's phase.
      const health = rec(status?.health);
      const sync = rec(status?.sync);
      put(a, 'health_status', health?.status);
      put(a, 'sync_status', sync?.status);
      put(a, 'sync_revision', sync?.revision);
      put(a, 'operation_phase', rec(status?.operationState)?.phase);
      break;
    }
    case 'Secret': {
      put(a, 'type', obj.type);
      const keys = [...Object.keys(rec(obj.data) ?? {}), ...Object.keys(rec(obj.stringData) ?? {})];
      put(a, 'data_keys', [...new Set(keys)].sort().join(','));
      put(a, 'tls_not_after', tlsNotAfter(obj));
      break;
    }
    default:
      return null;
  }
  return a;
}

/** notAfter of a TLS Secret's certificate, read before its data is redacted. */
function tlsNotAfter(secret: Json): string | null {
  if (secret.type !== 'kubernetes.io/tls') return null;
  const data = rec(secret.data);
  const stringData = rec(secret.stringData);
  let pem: string | null = null;
  if (typeof data?.['tls.crt'] === 'string') pem = Buffer.from(data['tls.crt'], 'base64').toString('utf8');
  else if (typeof stringData?.['tls.crt'] === 'string') pem = stringData['tls.crt'];
  if (!pem) return null;
  try {
    // The first certificate of a chain is the leaf, the one that expires for clients.
    const cert = new X509Certificate(pem);
    return new Date(cert.validTo).toISOString().replace('.000Z', 'Z');
  } catch {
    return null;
  }
}

// --- time of last change ---

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
