// How the Kubernetes API server writes the cells of its tables: ages ("5m10s"), label lists,
// selectors, container names and images. The same rules, so that `kubectl get` reads the same.

import { arr, type Json, rec, str } from '../../kube/fields.ts';
import { formatLabelSelector, formatLabels, humanDuration, since } from '../../vocab/kube-print.ts';
import type { Instant } from '../instant.ts';

export function age(obj: Json, now: Instant): string {
  return since(rec(obj.metadata)?.creationTimestamp, now);
}

export function nameOf(obj: Json): string {
  return String(rec(obj.metadata)?.name ?? '');
}

/** Container names and images of a pod spec, comma-joined. */
export function containerCells(podSpec: Json | undefined): [string, string] {
  const containers = arr(podSpec?.containers).map(rec);
  return [
    containers.map((c) => String(c?.name ?? '')).join(','),
    containers.map((c) => String(c?.image ?? '')).join(','),
  ];
}

/** Up to `max` items then `+ N more...`, as the API server shortens long lists. */
export function listWithMore(items: string[], max: number, empty: string): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

export function text(value: unknown, fallback = ''): string {
  const s = str(value);
  return s ?? fallback;
}

export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export { formatLabelSelector, formatLabels, humanDuration, since };
