// Hit collection: runs a pattern's signals over the bundle and groups what they match by the
// pattern's subject (an object, or one container of a pod), one hit per signal and subject.

import type { Bundle } from '../bundle/reader.ts';
import { positiveSignalsOf } from '../patterns/condition.ts';
import type { LoadedPattern } from '../patterns/load.ts';
import { compileSignal } from '../patterns/signal-sql.ts';
import { objectKey, type Subject } from '../vocab/object-ref.ts';
import type { SignalHit } from './report.ts';

/** What the signals of one pattern matched about one subject, by signal name. */
export interface SubjectHits {
  subject: Subject;
  hits: Map<string, SignalHit>;
}

interface HitRow {
  s_namespace: string | null;
  s_kind: string | null;
  s_name: string | null;
  s_container: string | null;
  first: string;
  last: string;
  occurrences: number;
  value: number | null;
  text: string | null;
}

export function subjectKey(subject: Subject): string {
  return `${subject.namespace ?? ''}/${subject.kind}/${subject.name}/${subject.container ?? ''}`;
}

function mergeHit(a: SignalHit | undefined, b: SignalHit): SignalHit {
  if (!a) return b;
  return {
    first: a.first < b.first ? a.first : b.first,
    last: a.last > b.last ? a.last : b.last,
    occurrences: a.occurrences + b.occurrences,
    value: a.value === null ? b.value : b.value === null ? a.value : Math.max(a.value, b.value),
    text: a.last > b.last ? (a.text ?? b.text) : (b.text ?? a.text),
  };
}

/** Above this many candidate subjects, later signals are asked about everything and filtered here. */
export const MAX_CANDIDATE_FILTER = 5000;

/** Hits of every signal, grouped by the pattern's subject level. */
export async function collectHits(
  bundle: Bundle,
  pattern: LoadedPattern,
  range: { start: string; end: string },
  unmatched: ReadonlySet<string> | undefined,
): Promise<Map<string, SubjectHits>> {
  const subjects = new Map<string, SubjectHits>();
  const podLevel: { signal: string; subject: Subject; hit: SignalHit }[] = [];
  const kinds = new Set(pattern.kinds);

  // The signals the condition needs present go first: when none of them hits, nothing can be
  // found and the rest is not asked; otherwise the rest is asked only about the subjects they found
  // (most signals, like "running and ready at the end", hold for thousands of healthy subjects).
  const positive = new Set(positiveSignalsOf(pattern.condition));
  const ordered = Object.entries(pattern.detect.signals).sort(
    ([a], [b]) => Number(positive.has(b)) - Number(positive.has(a)),
  );
  let candidates: Set<string> | null = null;
  for (const [name, signal] of ordered) {
    if (!positive.has(name) && candidates === null) {
      candidates = new Set([...subjects.values(), ...podLevel].map((e) => e.subject.name));
      if (candidates.size === 0) break;
    }
    // No row matches it at all: it cannot hit, whatever the subjects.
    if (unmatched?.has(`${pattern.id}/${name}`)) continue;
    const names = candidates && candidates.size <= MAX_CANDIDATE_FILTER ? [...candidates] : undefined;
    const compiled = compileSignal(signal, range, { names });
    const rows = await bundle.query<HitRow>(compiled.sql, compiled.params);
    for (const row of rows) {
      if (row.s_kind === null || row.s_name === null) continue;
      if (kinds.size > 0 && !kinds.has(row.s_kind)) continue;
      const subject: Subject = {
        namespace: row.s_namespace,
        kind: row.s_kind,
        name: row.s_name,
        container: pattern.subject === 'container' ? row.s_container : null,
      };
      const hit: SignalHit = {
        first: row.first,
        last: row.last,
        occurrences: Number(row.occurrences),
        value: row.value === null ? null : Number(row.value),
        text: row.text,
      };
      if (pattern.subject === 'container' && subject.container === null) {
        podLevel.push({ signal: name, subject, hit });
        continue;
      }
      const key = subjectKey(subject);
      const entry = subjects.get(key) ?? { subject, hits: new Map() };
      entry.hits.set(name, mergeHit(entry.hits.get(name), hit));
      subjects.set(key, entry);
    }
  }
  // A pod-level hit (an event without a container, the pod's phase) concerns every container of
  // the pod that other signals found; a pod with no container-level hit stays a pod subject.
  const containersByPod = new Map<string, SubjectHits[]>();
  for (const entry of subjects.values()) {
    if (entry.subject.container === null) continue;
    const pod = objectKey(entry.subject);
    containersByPod.set(pod, [...(containersByPod.get(pod) ?? []), entry]);
  }
  for (const { signal, subject, hit } of podLevel) {
    const containers = containersByPod.get(objectKey(subject)) ?? [];
    const targets =
      containers.length > 0
        ? containers
        : [subjects.get(subjectKey(subject)) ?? { subject, hits: new Map<string, SignalHit>() }];
    for (const target of targets) {
      target.hits.set(signal, mergeHit(target.hits.get(signal), hit));
      subjects.set(subjectKey(target.subject), target);
    }
  }
  return subjects;
}
