// Objects and Events rebuilt from kubectl's text for people rather than read from the API: each
// carries an annotation naming the text it came from, so that analysis, reports and a served bundle
// can say "derived from kubectl describe" and weigh it as such.

import { createHash } from 'node:crypto';
import { DERIVED_FROM_ANNOTATION } from '../../kube/object-fields.ts';

/** What a rebuilt object came from, e.g. `kubectl describe`, `kubectl get -o wide`. */
export type TextSource = string;

type Json = Record<string, unknown>;

/** `obj` with the derived-from annotation added to its metadata. */
export function markDerived<T extends Json>(obj: T, source: TextSource): T {
  const metadata = (obj.metadata ?? {}) as Json;
  const annotations = { ...((metadata.annotations ?? {}) as Record<string, string>) };
  annotations[DERIVED_FROM_ANNOTATION] = source;
  return { ...obj, metadata: { ...metadata, annotations } };
}

/**
 * A stable name for an Event rebuilt from a table row: the same series (object, reason, source,
 * message) seen in two captures gets the same name, so its versions are one Event's versions.
 */
export function derivedEventName(objectName: string, parts: readonly string[]): string {
  const hash = createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
  return `${objectName}.${hash}`;
}
