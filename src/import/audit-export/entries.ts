// What an audit export holds, wherever an envelope put it: Kubernetes audit events (also with the
// kind and apiVersion a shipper dropped) and Google Cloud audit entries, found by the general
// unwrapping of envelope.ts.

import { type AuditEntry, asAuditEvent, isAuditEntry } from '../../kube/audit.ts';
import type { Json } from '../../kube/fields.ts';
import { findWrapped, type Wrapped } from '../envelope.ts';
import { isGoogleAuditEntry } from './google.ts';

export type ExportEntry =
  /** `restored`: the shipper had dropped kind and apiVersion. */
  { type: 'kubernetes'; event: AuditEntry; restored: boolean } | { type: 'google'; entry: Json };

export type FoundEntry = Wrapped<ExportEntry>;

export function recogniseEntry(value: Json): ExportEntry | null {
  if (isGoogleAuditEntry(value)) return { type: 'google', entry: value };
  const event = asAuditEvent(value);
  return event ? { type: 'kubernetes', event, restored: !isAuditEntry(value) } : null;
}

/** The entries of one document of an export: itself, or what its envelopes hold. */
export function findEntries(document: unknown): FoundEntry[] {
  return findWrapped(document, recogniseEntry);
}

/** Whether an entry came wrapped or altered, rather than as kube-apiserver writes it. */
export function isWrapped(found: FoundEntry): boolean {
  return found.path !== '' || found.entry.type === 'google' || found.entry.restored;
}
