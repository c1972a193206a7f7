// Scope: the incidents a reader asked about, by namespace, kind, labels (-l) or one object and its
// ownership (--subject); an incident is in scope when any of its findings is.

import picomatch from 'picomatch';
import type { Bundle } from '../bundle/reader.ts';
import { type ObjectRef, objectKey } from '../vocab/object-ref.ts';
import type { Incident } from './chain.ts';
import type { Relations } from './relations.ts';
import type { Finding } from './report.ts';
import type { Labels } from './selector.ts';

export interface Scope {
  /** Globs of namespaces. */
  namespaces?: readonly string[];
  /** Kinds, in any case. */
  kinds?: readonly string[];
  /** Keys of the objects a label selector picked (selectedObjects): them, or what they own. */
  selected: ReadonlySet<string> | null;
  /** One object: it, its owners or what it owns. */
  subject: ObjectRef | null;
}

export function inScope(
  incidents: readonly Incident[],
  findings: readonly Finding[],
  relations: Relations,
  scope: Scope,
): Incident[] {
  const { namespaces, kinds, selected, subject } = scope;
  return incidents.filter((incident) =>
    incident.chain.some(({ finding }) => {
      const s = findings[finding]!.subject;
      return (
        (!namespaces?.length ||
          (s.namespace !== null && namespaces.some((g) => picomatch.isMatch(s.namespace!, g)))) &&
        (!kinds?.length || kinds.some((k) => k.toLowerCase() === s.kind.toLowerCase())) &&
        (!selected || relations.ancestry(s).some((k) => selected.has(k))) &&
        (!subject ||
          relations.ancestry(s).includes(objectKey(subject)) ||
          relations.ancestry(subject).includes(objectKey(s)))
      );
    }),
  );
}

/** Keys (`namespace/Kind/name`) of the objects whose labels, at any time, the selector matches. */
export async function selectedObjects(
  bundle: Bundle,
  matches: (labels: Labels) => boolean,
): Promise<Set<string>> {
  const rows = await bundle.query<{ namespace: string | null; kind: string; name: string; labels: string }>(
    `SELECT DISTINCT namespace, kind, name, coalesce(to_json(labels)::VARCHAR, '{}') AS labels
     FROM objects WHERE kind IS NOT NULL AND name IS NOT NULL`,
  );
  const keys = new Set<string>();
  for (const row of rows) {
    if (matches(JSON.parse(row.labels) as Labels)) keys.add(objectKey(row));
  }
  return keys;
}
