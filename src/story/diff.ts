// A compact diff of two versions of an object: the leaf fields that changed, by JSON path, with
// lists of named entries (containers, conditions, env) keyed by their name or type so that a change
// to one container reads `spec.containers[app].image` rather than as a new list.

import type { FieldChange } from './schema.ts';

/** Fields that change on every write without anything happening: bookkeeping and heartbeats. */
const IGNORED = [
  /^metadata\.resourceVersion$/,
  /^metadata\.managedFields/,
  /^metadata\.annotations\.kubectl\.kubernetes\.io\/last-applied-configuration$/,
  /\.lastHeartbeatTime$/,
  /\.lastProbeTime$/,
  /\.lastUpdateTime$/,
  // A node's list of pulled images changes with every pull anywhere on it.
  /^status\.images$/,
];

/** How telling a changed field is, for the one-line summary: what someone changed, then the state
 * it led to, then identifiers and times that change along with them. */
export function changeRank(path: string): number {
  if (
    /^(spec|data|binaryData|stringData)\b|^metadata\.(labels|annotations|deletionTimestamp|ownerReferences)/.test(
      path,
    )
  )
    return 0;
  if (/(containerID|imageID|Time|startedAt|finishedAt|\.message)$/.test(path)) return 3;
  if (/(\.phase|\.reason|\.status|Replicas|\.ready|restartCount|\.exitCode|\.state\.[a-z]+)$/.test(path))
    return 1;
  return 2;
}

/** How many changed fields a diff lists; the rest are counted. */
export const MAX_CHANGES = 40;
/** Longer values (a ConfigMap's file, a certificate) are cut, their length said. */
const MAX_VALUE_CHARS = 500;

export function diffObjects(before: unknown, after: unknown): { changes: FieldChange[]; omitted: number } {
  const old = new Map<string, unknown>();
  const now = new Map<string, unknown>();
  flatten(before, '', old);
  flatten(after, '', now);
  const changes: FieldChange[] = [];
  for (const [path, value] of now) {
    if (IGNORED.some((re) => re.test(path))) continue;
    if (!old.has(path)) changes.push({ path, new: shorten(value) });
    else if (!sameValue(old.get(path), value))
      changes.push({ path, old: shorten(old.get(path)), new: shorten(value) });
  }
  for (const [path, value] of old) {
    if (IGNORED.some((re) => re.test(path))) continue;
    if (!now.has(path)) changes.push({ path, old: shorten(value) });
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes: changes.slice(0, MAX_CHANGES), omitted: Math.max(0, changes.length - MAX_CHANGES) };
}

/** An entry of a list that is keyed by one of these is addressed by it. */
const ENTRY_KEYS = ['name', 'type', 'key', 'containerPort', 'mountPath'];

function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) {
    const key =
      value.length > 0
        ? ENTRY_KEYS.find((k) =>
            value.every((e) => isPlain(e) && typeof e[k] !== 'object' && e[k] !== undefined),
          )
        : undefined;
    if (
      !key ||
      new Set(value.map((e) => String((e as Record<string, unknown>)[key]))).size !== value.length
    ) {
      out.set(path, value);
      return;
    }
    for (const entry of value as Record<string, unknown>[])
      flatten(entry, `${path}[${String(entry[key])}]`, out);
    return;
  }
  if (isPlain(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && path !== '') out.set(path, value);
    for (const [k, v] of entries) flatten(v, path === '' ? k : `${path}.${k}`, out);
    return;
  }
  out.set(path, value);
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function shorten(value: unknown): unknown {
  if (typeof value === 'string' && value.length > MAX_VALUE_CHARS)
    return `${value.slice(0, MAX_VALUE_CHARS)}… (${value.length} characters)`;
  if (typeof value === 'object' && value !== null) {
    const text = JSON.stringify(value);
    if (text.length > MAX_VALUE_CHARS)
      return `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} characters of JSON)`;
  }
  return value;
}
