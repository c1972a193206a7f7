// What a write does to the object stored beyond what the client sent: which kinds count generations,
// which keep their status in the main resource, which updates change nothing, how old the cluster is.

import type { KubeObject } from '../engine/records.ts';

/** Kinds that make up the cluster itself rather than its workloads, and the age they are given. */
export const CLUSTER_FABRIC = new Set(['Namespace', 'Node']);
export const CLUSTER_AGE_MS = 90 * 24 * 3600_000;

export const GENERATION_KINDS = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Certificate',
  'Ingress',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'Application',
  'ConstraintTemplate',
  'K8sRequiredLabels',
]);

/**
 * Custom resources whose CRD has no status subresource (Argo CD's Application): clients write their
 * status through the main resource, and every change but metadata bumps the generation.
 */
export const NO_STATUS_SUBRESOURCE = new Set(['Application']);

/** Whether an update would store exactly what is stored (then nothing is written or audited). */
export function isNoop(
  old: KubeObject,
  next: KubeObject,
  subresource: string | undefined,
  statusInMain: boolean,
): boolean {
  if (subresource === 'status') return JSON.stringify(old.status) === JSON.stringify(next.status);
  if (subresource === 'scale') return JSON.stringify(old.spec) === JSON.stringify(next.spec);
  if (statusInMain && JSON.stringify(old.status) !== JSON.stringify(next.status)) return false;
  const { status: _a, metadata: m1, ...rest1 } = old as KubeObject & { status?: unknown };
  const { status: _b, metadata: m2, ...rest2 } = next as KubeObject & { status?: unknown };
  if (JSON.stringify(rest1) !== JSON.stringify(rest2)) return false;
  const { resourceVersion: _r1, generation: _g1, ...meta1 } = m1;
  const { resourceVersion: _r2, generation: _g2, ...meta2 } = m2;
  return JSON.stringify(meta1) === JSON.stringify(meta2);
}
