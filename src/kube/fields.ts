// Typed readers of Kubernetes JSON: a field as a record, list, string, integer or scalar text, and
// the pod spec an object runs. They read what is there and give null or empty for anything else.

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
export function text(value: unknown): string | null {
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
