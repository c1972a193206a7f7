// How the Kubernetes API server writes the cells of its tables: ages ("5m10s"), label lists,
// selectors, container names and images. The same rules, so that `kubectl get` reads the same.

import { arr, type Json, rec, str } from '../../kube/fields.ts';
import type { Instant } from '../instant.ts';

/** The API server's human duration: `45s`, `2m30s`, `15m`, `3h10m`, `10h`, `3d4h`, `40d`, `2y10d`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    const years = Math.floor(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Time from a Kubernetes timestamp to `now`, or `<unknown>` without one. */
export function since(timestamp: unknown, now: Instant): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return '<unknown>';
  return humanDuration(now / 1000 - ms);
}

export function age(obj: Json, now: Instant): string {
  return since(rec(obj.metadata)?.creationTimestamp, now);
}

export function nameOf(obj: Json): string {
  return String(rec(obj.metadata)?.name ?? '');
}

/** `a=1,b=2` (sorted), or `<none>`. */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(rec(labels) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/** A LabelSelector as the API server prints it: `app=x,tier in (a,b)`, `<none>` when empty. */
export function formatLabelSelector(selector: unknown): string {
  const s = rec(selector);
  if (!s) return '<none>';
  const parts: string[] = [];
  const labels = Object.entries(rec(s.matchLabels) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of labels) parts.push(`${k}=${String(v)}`);
  for (const e of arr(s.matchExpressions).map(rec)) {
    if (!e) continue;
    const values = arr(e.values).map(String);
    const key = String(e.key ?? '');
    switch (e.operator) {
      case 'In':
        parts.push(`${key} in (${values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${key} notin (${values.join(',')})`);
        break;
      case 'Exists':
        parts.push(key);
        break;
      case 'DoesNotExist':
        parts.push(`!${key}`);
        break;
    }
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** Container names and images of a pod spec, comma-joined. */
export function containerCells(podSpec: Json | undefined): [string, string] {
  const containers = arr(podSpec?.containers).map(rec);
  return [
    containers.map((c) => String(c?.name ?? '')).join(','),
    containers.map((c) => String(c?.image ?? '')).join(','),
  ];
}

const ACCESS_MODES: Readonly<Record<string, string>> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

export function accessModes(modes: unknown): string {
  const given = new Set(arr(modes).map(String));
  return Object.keys(ACCESS_MODES)
    .filter((m) => given.has(m))
    .map((m) => ACCESS_MODES[m])
    .join(',');
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
