// Admission plugins in the API server's order: defaulting and the ServiceAccount token volume,
// DefaultTolerationSeconds, LimitRanger, ResourceQuota, then validating webhooks. Messages are the
// real plugins' texts, as they reach users and the ReplicaSet controller's FailedCreate events.

import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { formatBytes, formatCpu, parseBytes, parseCpuMillis } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import type { AdmissionPlugin, Failure } from './types.ts';

export function isTerminalPod(pod: KubeObject): boolean {
  const phase = (pod.status as Json | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Pod defaults the API server applies (SetDefaults_Pod and friends), then the ServiceAccount
 * plugin: a pod whose ServiceAccount does not exist is refused, others get the projected token.
 */
export function podDefaulting(sim: SimContext): AdmissionPlugin {
  return ({ verb, object }) => {
    if (object.kind !== 'Pod' || verb !== 'create') return null;
    const spec = object.spec as Json;
    const namespace = object.metadata.namespace ?? 'default';
    const account = (spec.serviceAccountName as string | undefined) ?? 'default';
    if (!sim.api.get('ServiceAccount', namespace, account)) {
      return {
        code: 403,
        reason: 'Forbidden',
        message: `pods "${object.metadata.name}" is forbidden: error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`,
        details: { name: object.metadata.name, kind: 'pods' },
      };
    }
    for (const c of spec.containers as Json[]) {
      const image = String(c.image);
      c.imagePullPolicy ??=
        image.endsWith(':latest') || !image.split('/').pop()?.includes(':') ? 'Always' : 'IfNotPresent';
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.resources ??= {};
      // Requests default to limits when only limits are set.
      if (c.resources.limits && !c.resources.requests) c.resources.requests = { ...c.resources.limits };
      for (const p of [c.readinessProbe, c.livenessProbe]) if (p?.httpGet) p.httpGet.scheme ??= 'HTTP';
    }
    spec.dnsPolicy ??= 'ClusterFirst';
    spec.enableServiceLinks ??= true;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    spec.priority ??=
      spec.priorityClassName === 'system-node-critical'
        ? 2000001000
        : spec.priorityClassName === 'system-cluster-critical'
          ? 2000000000
          : 0;
    spec.restartPolicy ??= 'Always';
    spec.schedulerName ??= 'default-scheduler';
    spec.securityContext ??= {};
    spec.serviceAccountName ??= 'default';
    spec.serviceAccount = spec.serviceAccountName;
    spec.terminationGracePeriodSeconds ??= 30;
    const tokenVolume = `kube-api-access-${sim.rng.nameSuffix()}`;
    spec.volumes = [
      ...((spec.volumes as Json[] | undefined) ?? []),
      {
        name: tokenVolume,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [
                  { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
                ],
              },
            },
          ],
        },
      },
    ];
    for (const v of spec.volumes as Json[]) {
      if (v.configMap) v.configMap.defaultMode ??= 420;
      if (v.secret) v.secret.defaultMode ??= 420;
    }
    for (const c of spec.containers as Json[]) {
      c.volumeMounts = [
        ...((c.volumeMounts as Json[] | undefined) ?? []),
        { name: tokenVolume, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      ];
    }
    // DefaultTolerationSeconds.
    const tolerations = (spec.tolerations as Json[] | undefined) ?? [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerations.some((t) => t.key === key || (t.operator === 'Exists' && !t.key))) {
        tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
      }
    }
    spec.tolerations = tolerations;
    object.status = { phase: 'Pending', qosClass: qosClass(spec) };
    return null;
  };
}

export function qosClass(spec: Json): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = spec.containers as Json[];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) if (!lim[r] || (req[r] && req[r] !== lim[r])) guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** DefaultStorageClass: a claim without a class gets the default one. */
export function defaultStorageClass(sim: SimContext): AdmissionPlugin {
  return ({ verb, object }) => {
    if (object.kind !== 'PersistentVolumeClaim' || verb !== 'create') return null;
    const spec = object.spec as Json;
    if (spec.storageClassName !== undefined) return null;
    const def = sim.api
      .list('StorageClass')
      .find((s) => s.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    if (def) spec.storageClassName = def.metadata.name;
    return null;
  };
}

/** LimitRanger: defaults from the namespace's LimitRange, then its maximums. */
export function limitRanger(sim: SimContext): AdmissionPlugin {
  return ({ verb, object }) => {
    if (object.kind !== 'Pod' || verb !== 'create') return null;
    const ranges = sim.api.list('LimitRange', object.metadata.namespace);
    for (const range of ranges) {
      for (const limit of ((range.spec as Json).limits as Json[]) ?? []) {
        if (limit.type !== 'Container') continue;
        for (const c of (object.spec as Json).containers as Json[]) {
          c.resources ??= {};
          if (limit.default) c.resources.limits = { ...limit.default, ...c.resources.limits };
          if (limit.defaultRequest)
            c.resources.requests = { ...limit.defaultRequest, ...c.resources.requests };
          for (const [resource, max] of Object.entries((limit.max as Record<string, string>) ?? {})) {
            const value = c.resources.limits?.[resource];
            const parse = resource === 'cpu' ? parseCpuMillis : parseBytes;
            if (value && parse(value) > parse(max)) {
              return {
                code: 403,
                reason: 'Forbidden',
                message: `pods "${object.metadata.name}" is forbidden: maximum ${resource} usage per Container is ${max}, but limit is ${value}`,
              };
            }
          }
        }
      }
    }
    return null;
  };
}

/** Resource totals of a pod, as quota counts them. */
export function podQuotaUsage(pod: KubeObject): Record<string, number> {
  const usage: Record<string, number> = {
    pods: 1,
    'requests.cpu': 0,
    'requests.memory': 0,
    'limits.cpu': 0,
    'limits.memory': 0,
  };
  for (const c of (pod.spec as Json).containers as Json[]) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (req.cpu) usage['requests.cpu']! += parseCpuMillis(req.cpu);
    if (req.memory) usage['requests.memory']! += parseBytes(req.memory);
    if (lim.cpu) usage['limits.cpu']! += parseCpuMillis(lim.cpu);
    if (lim.memory) usage['limits.memory']! += parseBytes(lim.memory);
  }
  usage.cpu = usage['requests.cpu']!;
  usage.memory = usage['requests.memory']!;
  return usage;
}

export function namespaceQuotaUsage(sim: SimContext, namespace: string): Record<string, number> {
  const used: Record<string, number> = {};
  for (const pod of sim.api.list('Pod', namespace)) {
    if (isTerminalPod(pod)) continue;
    for (const [k, v] of Object.entries(podQuotaUsage(pod))) used[k] = (used[k] ?? 0) + v;
  }
  return used;
}

export function formatQuotaValue(resource: string, value: number): string {
  if (resource.endsWith('cpu')) return formatCpu(value);
  if (resource.endsWith('memory') || resource.endsWith('storage')) return formatBytes(value);
  return String(value);
}

export function parseQuotaValue(resource: string, text: string): number {
  if (resource.endsWith('cpu')) return parseCpuMillis(text);
  return parseBytes(text);
}

/** ResourceQuota admission: `exceeded quota: NAME, requested: ..., used: ..., limited: ...`. */
export function resourceQuota(sim: SimContext): AdmissionPlugin {
  return ({ verb, object }) => {
    if (object.kind !== 'Pod' || verb !== 'create') return null;
    const namespace = object.metadata.namespace ?? 'default';
    const quotas = sim.api.list('ResourceQuota', namespace);
    if (quotas.length === 0) return null;
    const request = podQuotaUsage(object);
    const used = namespaceQuotaUsage(sim, namespace);
    for (const quota of quotas) {
      const hard = ((quota.spec as Json).hard as Record<string, string>) ?? {};
      const over = Object.keys(hard)
        .filter(
          (r) => request[r] !== undefined && (used[r] ?? 0) + request[r]! > parseQuotaValue(r, hard[r]!),
        )
        .sort();
      if (over.length === 0) continue;
      const fmt = (values: Record<string, number>) =>
        over.map((r) => `${r}=${formatQuotaValue(r, values[r] ?? 0)}`).join(',');
      const limited = over.map((r) => `${r}=${hard[r]}`).join(',');
      return {
        code: 403,
        reason: 'Forbidden',
        message: `pods "${object.metadata.name}" is forbidden: exceeded quota: ${quota.metadata.name}, requested: ${fmt(request)}, used: ${fmt(used)}, limited: ${limited}`,
        details: { name: object.metadata.name, kind: 'pods' },
      };
    }
    return null;
  };
}

/** Validating webhooks from ValidatingWebhookConfigurations: denials and unreachable services. */
export function validatingWebhooks(sim: SimContext): AdmissionPlugin {
  return ({ verb, object }) => {
    if (object.kind !== 'Pod' || verb !== 'create') return null;
    for (const config of sim.api.list('ValidatingWebhookConfiguration')) {
      for (const hook of ((config as Json).webhooks as Json[]) ?? []) {
        const namespaces: string[] = hook.namespaceSelector?.matchExpressions?.[0]?.values ?? [];
        if (namespaces.length > 0 && !namespaces.includes(object.metadata.namespace ?? '')) continue;
        const svc = hook.clientConfig.service as Json;
        if (sim.world.isWebhookDown(hook.name, sim.clock.now)) {
          if (hook.failurePolicy === 'Ignore') continue;
          const ip = sim.api.get('Service', svc.namespace, svc.name)?.spec as Json | undefined;
          return {
            code: 500,
            reason: 'InternalError',
            message: `Internal error occurred: failed calling webhook "${hook.name}": failed to call webhook: Post "https://${svc.name}.${svc.namespace}.svc:443${svc.path}?timeout=10s": dial tcp ${ip?.clusterIP ?? '10.96.0.1'}:443: connect: connection refused`,
          };
        }
        const denial =
          hook.name === GATEKEEPER_WEBHOOK
            ? gatekeeperDenial(sim, object)
            : requiredLabelDenial(config.metadata.annotations?.['policy.example.com/require-label'], object);
        if (denial) {
          // webhookerrors.ToStatusErr: the webhook's own code (at least 400) and message, prefixed.
          return {
            code: denial.code,
            reason: denial.reason,
            message: `admission webhook "${hook.name}" denied the request: ${denial.message}`,
          };
        }
      }
    }
    return null;
  };
}

export const GATEKEEPER_WEBHOOK = 'validation.gatekeeper.sh';

/** A generic policy webhook that answers without a code (then 400) when a label is missing. */
function requiredLabelDenial(required: string | undefined, pod: KubeObject): Failure | null {
  if (!required || pod.metadata.labels?.[required]) return null;
  return { code: 400, reason: 'BadRequest', message: `pod is missing required label "${required}"` };
}

/**
 * OPA Gatekeeper: the K8sRequiredLabels constraints in `deny` enforcement that match the pod, each
 * violation as `[constraint] message`, answered 403 Forbidden. `dryrun` and `warn` admit the pod.
 */
function gatekeeperDenial(sim: SimContext, pod: KubeObject): Failure | null {
  const messages: string[] = [];
  for (const constraint of sim.api.list('K8sRequiredLabels')) {
    const spec = constraint.spec as Json;
    if ((spec.enforcementAction ?? 'deny') !== 'deny') continue;
    const violation = requiredLabelsViolation(constraint, pod);
    if (violation) messages.push(`[${constraint.metadata.name}] ${violation}`);
  }
  if (messages.length === 0) return null;
  return { code: 403, reason: 'Forbidden', message: messages.join('\n') };
}

/** The library's k8srequiredlabels rule for a pod it matches: `you must provide labels: {"team"}`. */
export function requiredLabelsViolation(constraint: KubeObject, pod: KubeObject): string | null {
  const spec = constraint.spec as Json;
  const match = (spec.match as Json | undefined) ?? {};
  const namespaces = (match.namespaces as string[] | undefined) ?? [];
  if (namespaces.length > 0 && !namespaces.includes(pod.metadata.namespace ?? '')) return null;
  const kinds = ((match.kinds as Json[] | undefined) ?? []).flatMap((k) => (k.kinds as string[]) ?? []);
  if (kinds.length > 0 && !kinds.includes('Pod')) return null;
  const required = (((spec.parameters as Json | undefined)?.labels as Json[] | undefined) ?? []).map(
    (l) => l.key as string,
  );
  const missing = required.filter((key) => pod.metadata.labels?.[key] === undefined).sort();
  if (missing.length === 0) return null;
  return `you must provide labels: {${missing.map((m) => JSON.stringify(m)).join(', ')}}`;
}
