// Health of what an Argo CD Application manages, assessed as gitops-engine does: a Deployment past
// its progress deadline is Degraded, and the Application is as unhealthy as its worst resource.

import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';

/** gitops-engine's health order: the application is as unhealthy as its worst resource. */
const HEALTH_ORDER = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

export interface Health {
  status: string;
  message?: string;
}

export function worst(statuses: string[]): string {
  return statuses.reduce((a, b) => (HEALTH_ORDER.indexOf(b) > HEALTH_ORDER.indexOf(a) ? b : a), 'Healthy');
}

/** gitops-engine's health of a Deployment or StatefulSet. */
export function workloadHealth(w: KubeObject): Health {
  const spec = w.spec as Json;
  const status = (w.status as Json | undefined) ?? {};
  const replicas = (spec.replicas as number | undefined) ?? 1;
  const generation = w.metadata.generation ?? 0;
  const observed = (status.observedGeneration as number | undefined) ?? 0;
  if (w.kind === 'StatefulSet') {
    if (observed === 0 || generation > observed)
      return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
    const ready = (status.readyReplicas as number | undefined) ?? 0;
    if (ready < replicas)
      return { status: 'Progressing', message: `Waiting for ${replicas - ready} pods to be ready...` };
    if (status.currentRevision !== status.updateRevision)
      return {
        status: 'Progressing',
        message: `waiting for statefulset rolling update to complete ${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision}...`,
      };
    return {
      status: 'Healthy',
      message: `statefulset rolling update complete ${status.currentReplicas ?? replicas} pods at revision ${status.currentRevision}...`,
    };
  }
  if (spec.paused) return { status: 'Suspended', message: 'Deployment is paused' };
  if (generation > observed)
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  const progressing = ((status.conditions as Json[] | undefined) ?? []).find((c) => c.type === 'Progressing');
  const updated = (status.updatedReplicas as number | undefined) ?? 0;
  const total = (status.replicas as number | undefined) ?? 0;
  const available = (status.availableReplicas as number | undefined) ?? 0;
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { status: 'Degraded', message: `Deployment "${w.metadata.name}" exceeded its progress deadline` };
  if (updated < replicas)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
    };
  if (total > updated)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${total - updated} old replicas are pending termination...`,
    };
  if (available < updated)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  return { status: 'Healthy' };
}
