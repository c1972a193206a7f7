// The attrs column of an object row: per kind, the few spec and status fields a pattern asks about
// (a Deployment's strategy, a Job's counts, a Node's allocatable, a TLS Secret's expiry) as text.

import { X509Certificate } from 'node:crypto';
import { arr, type Json, rec, text } from './fields.ts';
import { quantityMilli, quantityValue } from './quantity.ts';
import { normalizeTs } from './time.ts';

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
    case 'Service': {
      put(a, 'type', spec?.type);
      put(a, 'cluster_ip', spec?.clusterIP);
      // How many addresses its load balancer has; 0 while the cloud has given none (EXTERNAL-IP
      // <pending>). Unknown when the status was not seen.
      const balancer = rec(status?.loadBalancer);
      if (spec?.type === 'LoadBalancer' && balancer)
        put(a, 'load_balancer_ingress', arr(balancer.ingress).length);
      break;
    }
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
