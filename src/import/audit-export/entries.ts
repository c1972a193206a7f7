// What an audit export holds, wherever an envelope put it: Kubernetes audit events (also with the
// kind and apiVersion a shipper dropped, or as a row of AKS's Log Analytics tables) and Google Cloud
// audit entries, found by the general unwrapping of envelope.ts.

import { type AuditEntry, asAuditEvent, isAuditEntry } from '../../kube/audit.ts';
import type { Json } from '../../kube/fields.ts';
import { findWrapped, type Wrapped } from '../envelope.ts';
import { auditEventOfAksRow, isAksAuditRow } from './aks-table.ts';
import { isGoogleAuditEntry } from './google.ts';

export type ExportEntry =
  /**
   * `restored`: the event was rebuilt (a shipper had dropped kind and apiVersion, a Log Analytics
   * row names its fields otherwise); `source` is the object it was read from.
   */
  | { type: 'kubernetes'; event: AuditEntry; restored: boolean; source: Json }
  | { type: 'google'; entry: Json };

export type FoundEntry = Wrapped<ExportEntry>;

export function recogniseEntry(value: Json): ExportEntry | null {
  if (isGoogleAuditEntry(value)) return { type: 'google', entry: value };
  if (isAksAuditRow(value)) {
    return { type: 'kubernetes', event: auditEventOfAksRow(value), restored: true, source: value };
  }
  const event = asAuditEvent(value);
  return event ? { type: 'kubernetes', event, restored: !isAuditEntry(value), source: value } : null;
}

/** The entries of one document of an export: itself, or what its envelopes hold. */
export function findEntries(document: unknown): FoundEntry[] {
  return findWrapped(document, recogniseEntry);
}

/** Whether an entry came wrapped or altered, rather than as kube-apiserver writes it. */
export function isWrapped(found: FoundEntry): boolean {
  return found.path !== '' || found.entry.type === 'google' || found.entry.restored;
}
