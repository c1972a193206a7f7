// The values a pattern's narrative and remediation placeholders are filled with, for one finding:
// its subject, times and duration, and what each signal counted, measured and read.

import type { Variant } from '../patterns/schema.ts';
import { formatDuration } from '../vocab/duration.ts';
import { formatSubject, type Subject } from '../vocab/object-ref.ts';
import { formatTime } from '../vocab/units.ts';
import type { SignalHit } from './report.ts';

export function placeholderValues(
  subject: Subject,
  first: string,
  last: string,
  variant: Variant | null,
  hits: Map<string, SignalHit>,
): Record<string, string> {
  const values: Record<string, string> = {
    namespace: subject.namespace ?? '',
    kind: subject.kind,
    name: subject.name,
    container: subject.container ?? '',
    subject: formatSubject(subject),
    first: formatTime(first),
    last: formatTime(last),
    duration: narrativeDuration(Date.parse(last) - Date.parse(first)),
    variant: variant?.id ?? '',
  };
  for (const [signal, hit] of hits) {
    values[`count.${signal}`] = String(hit.occurrences);
    values[`value.${signal}`] = hit.value === null ? '' : formatNumber(hit.value);
    values[`first.${signal}`] = formatTime(hit.first);
    values[`last.${signal}`] = formatTime(hit.last);
    values[`text.${signal}`] = hit.text ?? '';
  }
  return values;
}

/** How long a problem lasted, in a sentence: `20m`, `2h 5m`. */
function narrativeDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'a moment';
  return formatDuration(ms, { smallest: 'm' });
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) < 10 ? 2 : 1);
}
