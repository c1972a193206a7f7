// Rows of AKS's Log Analytics tables AKSAudit and AKSAuditAdmin (a query's CSV or JSON export): the
// audit event's fields under PascalCase column names, the nested ones as JSON text, as the
// audit.k8s.io/v1 Event they were made from.

import type { AuditEntry } from '../../kube/audit.ts';
import { isRecord, type Json } from '../../kube/fields.ts';
import { parseJsonText } from '../envelope.ts';

/** Column of the table → field of the event. */
const FIELDS: Readonly<Record<string, string>> = {
  AuditId: 'auditID',
  Level: 'level',
  Stage: 'stage',
  RequestUri: 'requestURI',
  Verb: 'verb',
  User: 'user',
  ImpersonatedUser: 'impersonatedUser',
  SourceIps: 'sourceIPs',
  UserAgent: 'userAgent',
  ObjectRef: 'objectRef',
  ResponseStatus: 'responseStatus',
  RequestObject: 'requestObject',
  ResponseObject: 'responseObject',
  RequestReceivedTime: 'requestReceivedTimestamp',
  StageReceivedTime: 'stageTimestamp',
  Annotations: 'annotations',
};

const NESTED = new Set([
  'user',
  'impersonatedUser',
  'sourceIPs',
  'objectRef',
  'responseStatus',
  'requestObject',
  'responseObject',
  'annotations',
]);

/** What AKS writes in place of a body it did not keep. */
const SKIPPED_BODY = 'skipped-too-big-size-object';

export function isAksAuditRow(value: Json): boolean {
  return (
    typeof value.AuditId === 'string' && typeof value.Verb === 'string' && typeof value.Stage === 'string'
  );
}

export function auditEventOfAksRow(row: Json): AuditEntry {
  const event: AuditEntry = { kind: 'Event', apiVersion: 'audit.k8s.io/v1' };
  for (const [column, field] of Object.entries(FIELDS)) {
    let value = row[column];
    if (value === undefined || value === null || value === '' || value === SKIPPED_BODY) continue;
    // An export writes dynamic columns as JSON text.
    if (NESTED.has(field) && typeof value === 'string') value = parseJsonText(value);
    if (value === undefined || (NESTED.has(field) && !isRecord(value) && !Array.isArray(value))) continue;
    event[field] = value;
  }
  return event;
}
