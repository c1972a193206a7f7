// How kstory prints sizes, counts and times, in every report, summary and narrative (durations are
// in duration.ts).

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A UTC time (RFC 3339 text or epoch milliseconds) as `2026-03-01 10:42:13Z`, the form used in every report. */
export function formatTime(time: string | number | null | undefined): string {
  if (time === null || time === undefined || time === '') return '-';
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
