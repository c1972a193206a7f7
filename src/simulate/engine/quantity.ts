// Kubernetes resource quantities (`100m`, `1.5`, `128Mi`, `2G`) to numbers and back, and scenario durations.

import { KstoryError } from '../../errors.ts';
import { quantityMilli, quantityValue } from '../../kube/quantity.ts';
import { parseDuration as parseTextDuration } from '../../vocab/duration.ts';

function unreadable(text: string): never {
  throw new KstoryError(`not a Kubernetes quantity: "${text}"`, {
    hint: 'Write e.g. 250m, 2, 128Mi or 1Gi.',
  });
}

/** CPU in millicores, rounded up as Kubernetes does (the same parser as recorded objects). */
export function parseCpuMillis(text: string | number): number {
  if (typeof text === 'number') return Math.round(text * 1000);
  return quantityMilli(text.trim()) ?? unreadable(text);
}

/** Bytes, rounded up as Kubernetes does. */
export function parseBytes(text: string | number): number {
  if (typeof text === 'number') return Math.round(text);
  return quantityValue(text.trim()) ?? unreadable(text);
}

/** Millicores as the API server canonicalises them: `2` for 2000m, `250m` otherwise. */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Bytes in the largest exact binary unit, as `kubectl` shows canonical quantities. */
export function formatBytes(bytes: number): string {
  for (const [suffix, factor] of [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return String(bytes);
}

/** Durations as scenarios write them: `90s`, `5m`, `1h30m`, or a number of seconds. Returns milliseconds. */
export function parseDuration(text: string | number): number {
  return typeof text === 'number' ? text * 1000 : parseTextDuration(text);
}
