// How Kubernetes prints values, spoken by the served API's tables and by the describe and events
// renderers alike: ages ("5m10s"), label lists and selectors, an Event's last sighting, instants.

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A volume's access modes and the short names kubectl prints for them, in the order it prints them. */
export const ACCESS_MODES: Readonly<Record<string, string>> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

/** Access modes as kubectl's tables and describe print them (`RWO,RWX`): known modes, in its order. */
export function formatAccessModes(modes: unknown): string {
  const given = new Set(Array.isArray(modes) ? modes.map(String) : []);
  return Object.keys(ACCESS_MODES)
    .filter((m) => given.has(m))
    .map((m) => ACCESS_MODES[m])
    .join(',');
}

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

/** Time from a Kubernetes timestamp to `nowMicros` (an instant in epoch microseconds), or `<unknown>`. */
export function since(timestamp: unknown, nowMicros: number): string {
  const t = text(timestamp);
  const ms = t ? Date.parse(t) : Number.NaN;
  if (Number.isNaN(ms)) return '<unknown>';
  return humanDuration(nowMicros / 1000 - ms);
}

function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `a=1,b=2` (sorted), or `<none>`. */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(fields(labels) ?? {}).sort(byKey);
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/** A LabelSelector as the API server prints it: `app=x,tier in (a,b)`, `<none>` when empty. */
export function formatLabelSelector(selector: unknown): string {
  const s = fields(selector);
  if (!s) return '<none>';
  const parts = Object.entries(fields(s.matchLabels) ?? {})
    .sort(byKey)
    .map(([k, v]) => `${k}=${String(v)}`);
  for (const item of Array.isArray(s.matchExpressions) ? s.matchExpressions : []) {
    const e = fields(item);
    if (!e) continue;
    const values = (Array.isArray(e.values) ? e.values : []).map(String).join(',');
    const key = String(e.key ?? '');
    if (e.operator === 'In') parts.push(`${key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** When a core/v1 Event was last seen (epoch ms; 0 when it says nothing). */
export function eventLastSeen(ev: Fields): number {
  const t =
    text(fields(ev.series)?.lastObservedTime) ??
    text(ev.lastTimestamp) ??
    text(ev.eventTime) ??
    text(ev.firstTimestamp);
  return t ? Date.parse(t) : 0;
}

/** `2026-03-02T09:10:00Z`: an instant (epoch microseconds) to the second, as Kubernetes writes times. */
export function isoSecondsOf(micros: number): string {
  return `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)}Z`;
}
