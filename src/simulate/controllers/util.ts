// Helpers the controllers share: owner references, label selection, pod readiness and availability.

import type { Json } from '../engine/json.ts';
import type { KubeObject, OwnerReference } from '../engine/records.ts';

export function ownerRef(owner: KubeObject, blockOwnerDeletion = true): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion,
  };
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export function podCondition(pod: KubeObject, type: string): Json | undefined {
  return ((pod.status as Json | undefined)?.conditions as Json[] | undefined)?.find((c) => c.type === type);
}

export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (pod availability as the workload controllers count it). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  return Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000 <= now;
}

export function isActivePod(pod: KubeObject): boolean {
  const phase = (pod.status as Json | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** intstr: an integer or a percentage of `total`, rounded up (surge) or down (unavailable). */
export function resolveIntOrPercent(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number(value) || 0;
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** A condition list with one condition set; transition time kept when the status did not change. */
export function setCondition(
  conditions: Json[] | undefined,
  next: { type: string; status: string; reason?: string; message?: string },
  nowIso: string,
  options: { updateTime?: boolean; probeTime?: boolean } = {},
): Json[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const cond: Json = { type: next.type, status: next.status };
  if (options.probeTime) cond.lastProbeTime = null;
  if (options.updateTime) {
    const sameContent =
      prev && prev.status === next.status && prev.reason === next.reason && prev.message === next.message;
    cond.lastUpdateTime = sameContent ? prev.lastUpdateTime : nowIso;
  }
  cond.lastTransitionTime = prev && prev.status === next.status ? prev.lastTransitionTime : nowIso;
  if (next.reason) cond.reason = next.reason;
  if (next.message) cond.message = next.message;
  if (i >= 0) list[i] = cond;
  else list.push(cond);
  return list;
}

export function templateOf(obj: KubeObject): Json {
  return (obj.spec as Json).template as Json;
}
