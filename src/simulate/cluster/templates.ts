// Pod templates and workload manifests as a user would apply them, built from scenario workloads.
// Defaults the API server adds (imagePullPolicy, terminationMessagePath, dnsPolicy...) are filled
// in by the defaulting admission plugin, not here, so that audit request bodies look like kubectl's.

import { formatBytes, formatCpu, parseBytes, parseCpuMillis, parseDuration } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import type { ContainerSpec, ProbeSpec, Workload } from '../scenario/schema.ts';

type Json = Record<string, unknown>;

function resources(spec: ContainerSpec): Json {
  const out: Json = {};
  const conv = (r: { cpu?: string | number; memory?: string | number } | undefined) => {
    if (!r) return undefined;
    const o: Record<string, string> = {};
    if (r.cpu !== undefined) o.cpu = formatCpu(parseCpuMillis(r.cpu));
    if (r.memory !== undefined) o.memory = formatBytes(parseBytes(r.memory));
    return o;
  };
  const limits = conv(spec.limits);
  const requests = conv(spec.requests);
  if (limits) out.limits = limits;
  if (requests) out.requests = requests;
  return out;
}

function probe(p: ProbeSpec): Json {
  return {
    httpGet: { path: p.path, port: p.port, scheme: 'HTTP' },
    initialDelaySeconds: parseDuration(p.initialDelay) / 1000,
    periodSeconds: parseDuration(p.period) / 1000,
    timeoutSeconds: parseDuration(p.timeout) / 1000,
    successThreshold: 1,
    failureThreshold: p.failureThreshold,
  };
}

export function envManifest(env: ContainerSpec['env']): Json[] {
  return env.map((e) => {
    if (e.configMapKey)
      return {
        name: e.name,
        valueFrom: { configMapKeyRef: { name: e.configMapKey.name, key: e.configMapKey.key } },
      };
    if (e.secretKey)
      return { name: e.name, valueFrom: { secretKeyRef: { name: e.secretKey.name, key: e.secretKey.key } } };
    return { name: e.name, value: e.value ?? '' };
  });
}

export function containerManifest(spec: ContainerSpec): Json {
  const c: Json = { name: spec.name, image: spec.image };
  if (spec.command) c.command = spec.command;
  if (spec.args) c.args = spec.args;
  if (spec.ports.length > 0) c.ports = spec.ports.map((p) => ({ containerPort: p, protocol: 'TCP' }));
  if (spec.env.length > 0) c.env = envManifest(spec.env);
  if (spec.envFrom.length > 0) {
    c.envFrom = spec.envFrom.map((e) =>
      e.configMap ? { configMapRef: { name: e.configMap } } : { secretRef: { name: e.secret } },
    );
  }
  c.resources = resources(spec);
  if (spec.volumes.length > 0)
    c.volumeMounts = spec.volumes.map((v) => ({
      name: v.name,
      mountPath: v.mountPath,
      ...(v.configMap || v.secret ? { readOnly: true } : {}),
    }));
  if (spec.readiness) c.readinessProbe = probe(spec.readiness);
  if (spec.startup) c.startupProbe = probe(spec.startup);
  if (spec.liveness) c.livenessProbe = probe(spec.liveness);
  return c;
}

export function podVolumes(containers: ContainerSpec[]): Json[] {
  const seen = new Map<string, Json>();
  for (const c of containers) {
    for (const v of c.volumes) {
      if (seen.has(v.name)) continue;
      if (v.configMap) seen.set(v.name, { name: v.name, configMap: { name: v.configMap } });
      else if (v.secret) seen.set(v.name, { name: v.name, secret: { secretName: v.secret } });
      else if (v.pvc) seen.set(v.name, { name: v.name, persistentVolumeClaim: { claimName: v.pvc } });
      else seen.set(v.name, { name: v.name, emptyDir: {} });
    }
  }
  return [...seen.values()];
}

/** The pod template (metadata + spec) of a workload. */
export function podTemplate(
  w: Workload,
  selectorLabels: Record<string, string>,
  restartPolicy = 'Always',
): Json {
  const spec: Json = {
    containers: w.containers.map(containerManifest),
    ...(w.initContainers.length > 0 ? { initContainers: w.initContainers.map(containerManifest) } : {}),
    restartPolicy,
    serviceAccountName: w.serviceAccount,
    terminationGracePeriodSeconds: w.terminationGracePeriod,
  };
  const volumes = podVolumes([...w.initContainers, ...w.containers]);
  if (volumes.length > 0) spec.volumes = volumes;
  if (w.nodeSelector) spec.nodeSelector = w.nodeSelector;
  if (w.nodeName) spec.nodeName = w.nodeName;
  if (w.tolerations.length > 0) spec.tolerations = w.tolerations;
  if (w.priorityClassName) spec.priorityClassName = w.priorityClassName;
  if (w.imagePullSecrets.length > 0) spec.imagePullSecrets = w.imagePullSecrets.map((name) => ({ name }));
  // A network plugin's agent runs on the host's network: it is what gives the other pods theirs.
  if (w.kind === 'DaemonSet' && (w.networkPlugin || w.hostNetwork)) spec.hostNetwork = true;
  const metadata: Json = { labels: { ...selectorLabels, ...w.labels } };
  if (Object.keys(w.annotations).length > 0) metadata.annotations = w.annotations;
  if (w.finalizers.length > 0) metadata.finalizers = w.finalizers;
  return { metadata, spec };
}

export function selectorLabelsOf(w: Workload): Record<string, string> {
  return { 'app.kubernetes.io/name': w.name };
}

function percentOrInt(v: number | string): number | string {
  return v;
}

/** The manifest a user applies for a workload. */
export function workloadManifest(w: Workload): KubeObject {
  const selector = selectorLabelsOf(w);
  const labels = { ...selector, 'app.kubernetes.io/part-of': w.namespace, ...w.labels };
  const metadata = {
    name: w.name,
    namespace: w.namespace,
    labels,
    annotations: {} as Record<string, string>,
  };
  switch (w.kind) {
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { ...metadata, annotations: { 'deployment.kubernetes.io/revision': '1' } },
        spec: {
          replicas: w.replicas,
          selector: { matchLabels: selector },
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: {
              maxSurge: percentOrInt(w.maxSurge),
              maxUnavailable: percentOrInt(w.maxUnavailable),
            },
          },
          minReadySeconds: w.minReadySeconds,
          progressDeadlineSeconds: parseDuration(w.progressDeadline) / 1000,
          revisionHistoryLimit: w.revisionHistoryLimit,
          template: podTemplate(w, selector),
        },
      };
    case 'StatefulSet':
      return {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata,
        spec: {
          replicas: w.replicas,
          serviceName: w.service?.name ?? w.name,
          selector: { matchLabels: selector },
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          revisionHistoryLimit: 10,
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          template: podTemplate(w, selector),
          volumeClaimTemplates: w.volumeClaimTemplates.map((t) => ({
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: t.name },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: formatBytes(parseBytes(t.size)) } },
              ...(t.storageClass ? { storageClassName: t.storageClass } : {}),
              volumeMode: 'Filesystem',
            },
          })),
        },
      };
    case 'DaemonSet':
      return {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata,
        spec: {
          selector: { matchLabels: selector },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
          revisionHistoryLimit: 10,
          template: podTemplate(w, selector),
        },
      };
    case 'Job':
      return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: jobSpec(w) };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata,
        spec: {
          schedule: w.schedule,
          concurrencyPolicy: w.concurrencyPolicy,
          suspend: w.suspend,
          successfulJobsHistoryLimit: w.successfulJobsHistoryLimit,
          failedJobsHistoryLimit: w.failedJobsHistoryLimit,
          ...(w.startingDeadline
            ? { startingDeadlineSeconds: parseDuration(w.startingDeadline) / 1000 }
            : {}),
          jobTemplate: { metadata: { labels: selector }, spec: jobSpec(w) },
        },
      };
  }
}

function jobSpec(w: Extract<Workload, { kind: 'Job' | 'CronJob' }>): Json {
  const selector = selectorLabelsOf(w);
  return {
    completions: w.completions,
    parallelism: w.parallelism,
    backoffLimit: w.backoffLimit,
    completionMode: 'NonIndexed',
    suspend: false,
    podReplacementPolicy: 'TerminatingOrFailed',
    manualSelector: false,
    ...(w.activeDeadline ? { activeDeadlineSeconds: parseDuration(w.activeDeadline) / 1000 } : {}),
    template: podTemplate(w, selector, w.restartPolicy),
  };
}
