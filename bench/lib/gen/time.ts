// Timestamps as Kubernetes and the bundle write them: metadata in whole seconds, observations in
// microseconds, both RFC 3339 UTC.

/** `2026-03-01T10:42:13Z`: how the API server writes metadata times. */
export function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** `2026-03-01T10:42:13.123456Z`: observation times in the bundle. */
export function isoMicros(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** `2026-03-01T10:42:13.123Z`. */
export function isoMillis(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}
