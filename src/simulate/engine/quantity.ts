// Kubernetes resource quantities (`100m`, `1.5`, `128Mi`, `2G`) to numbers and back.

import { KstoryError } from '../../errors.ts';
import { quantityMilli, quantityValue } from '../../kube/quantity.ts';

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

/** Durations as scenarios write them: `90s`, `5m`, `1h30m`, `2h`. Returns milliseconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const match of text.trim().matchAll(re)) {
    const n = Number(match[1]);
    const unit = match[2];
    total +=
      n *
      (unit === 'ms'
        ? 1
        : unit === 's'
          ? 1000
          : unit === 'm'
            ? 60_000
            : unit === 'h'
              ? 3_600_000
              : 86_400_000);
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed !== text.trim().length) {
    throw new KstoryError(`not a duration: "${text}"`, { hint: 'Write e.g. 30s, 5m, 1h30m.' });
  }
  return total;
}
