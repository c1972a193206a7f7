// Timestamps as bundles store them: RFC 3339 in UTC (`Z`), at most microseconds. Kubernetes writes
// `Z` already; other offsets and nanoseconds come from logs and hand-made files.

const UTC_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z$/;
const RFC3339_RE = /^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|z|[+-]\d\d:?\d\d)$/;

/** The timestamp in bundle form, or null when `value` is not an RFC 3339 timestamp. */
export function normalizeTs(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (UTC_RE.test(value)) return value;
  const match = RFC3339_RE.exec(value);
  if (!match) return null;
  const [, date, time, fraction, zone = 'Z'] = match;
  const micro = fraction ? `.${fraction.slice(0, 6)}` : '';
  if (zone === 'Z' || zone === 'z' || /^[+-]00:?00$/.test(zone)) return `${date}T${time}${micro}Z`;
  const ms = Date.parse(
    `${date}T${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
  );
  if (Number.isNaN(ms)) return null;
  return `${new Date(ms).toISOString().slice(0, 19)}${micro}Z`;
}

/** A key that sorts timestamps in bundle form by time (`…05Z` sorts before `…05.1Z`). */
export function tsKey(ts: string): string {
  return ts.length === 20 ? `${ts.slice(0, 19)}.000000` : ts.slice(0, -1).padEnd(26, '0');
}

/** The latest of some timestamps in bundle form (nulls ignored), or null. */
export function latestTs(values: Iterable<string | null | undefined>): string | null {
  let best: string | null = null;
  let bestKey = '';
  for (const value of values) {
    if (!value) continue;
    const key = tsKey(value);
    if (best === null || key > bestKey) {
      best = value;
      bestKey = key;
    }
  }
  return best;
}

/** Epoch milliseconds to bundle form. */
export function tsFromMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** `ts` moved by `micros` microseconds, in bundle form. */
export function addMicros(ts: string, micros: number): string {
  const seconds = Date.parse(`${ts.slice(0, 19)}Z`);
  const fraction = ts.length > 20 ? Number(ts.slice(20, -1).padEnd(6, '0').slice(0, 6)) : 0;
  const total = seconds * 1000 + fraction + micros;
  const ms = Math.floor(total / 1000);
  const micro = total - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(Math.round(micro)).padStart(3, '0')}Z`;
}
