// Audit events a log shipper or collector passed on: as JSON text in a field of its own record
// (`message`, `log`, `MESSAGE`, `input.message`…), behind a text prefix on each line, or without
// the kind and apiVersion it dropped. The audit formats of the clouds are the same, with more to say.

import { type ExportMatch, importAuditExport, sniffExport, wrappedEntries } from '../audit-export/read.ts';
import { defineFormat } from '../format.ts';

// An audit event as JSON text inside JSON (quotes escaped) or inside CSV (quotes doubled).
const NESTED_AUDIT_RE = /\\"auditID\\"|""auditID""|\\"audit\.k8s\.io\//;

export const auditWrapped = defineFormat<ExportMatch>({
  name: 'audit-wrapped',
  description:
    'audit events wrapped by a log shipper or collector: JSON text in a field (message, log, MESSAGE…), after a prefix on each line, or missing kind and apiVersion',
  detect: (head) => {
    const sniff = sniffExport(head);
    if (!sniff) return null;
    if (wrappedEntries(sniff) > 0 && sniff.entries.some((e) => e.found.entry.type === 'kubernetes'))
      return { confidence: 0.9, reason: 'audit events inside log records', shape: sniff.shape };
    if (sniff.entries.length === 0 && NESTED_AUDIT_RE.test(sniff.text))
      return { confidence: 0.8, reason: 'audit events inside log records', shape: sniff.shape };
    return null;
  },
  import: importAuditExport,
});
