// What an audit row's body keeps of its entry. At Metadata level the body is most of an audit
// bundle's bytes, and most of it repeats the row's typed columns: those fields are left out of the
// body, and put back from the columns wherever the whole entry is shown (a resource's story).

import { isRecord, type Json } from './fields.ts';
import { normalizeTs } from './time.ts';

/** Top-level fields a typed column holds (`kind` and `apiVersion` are the audit API's own). */
const TOP_LEVEL = ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'userAgent'];
/** objectRef's fields: the subject columns and audit_resource / audit_subresource hold them all. */
const OBJECT_REF = [
  'resource',
  'subresource',
  'namespace',
  'name',
  'uid',
  'resourceVersion',
  'apiGroup',
  'apiVersion',
];
const DECISION = 'authorization.k8s.io/decision';

/** Levels whose entries are slimmed: those without the request or response objects. */
const SLIM_LEVELS = new Set(['Metadata', 'None', undefined]);

/** Whether an entry at this level is kept whole (Request, RequestResponse: the objects dominate). */
export function keepsWholeEntry(level: unknown): boolean {
  return !SLIM_LEVELS.has(typeof level === 'string' ? level : undefined);
}

/**
 * The body of a Metadata-level entry: the entry without what the row's columns hold. `stageTimestamp`
 * goes when it is the row's `ts`. What stays: the user's groups, uid and extra; sourceIPs;
 * responseStatus but its code (status, reason, message: why a request was refused); annotations but
 * the decision (the authorizer's reason, admission's); requestReceivedTimestamp; anything else.
 */
export function slimAuditBody(entry: Json, ts: string): Json {
  const body: Json = {};
  for (const [key, value] of Object.entries(entry)) {
    if (TOP_LEVEL.includes(key)) continue;
    if (key === 'stageTimestamp' && normalizeTs(value) === ts) continue;
    const kept = slimMember(key, value);
    if (kept !== undefined) body[key] = kept;
  }
  return body;
}

function slimMember(key: string, value: unknown): unknown {
  if (!isRecord(value)) return value;
  switch (key) {
    case 'user':
    case 'impersonatedUser':
      return nonEmpty(without(value, ['username']));
    case 'objectRef':
      return nonEmpty(without(value, OBJECT_REF));
    case 'responseStatus': {
      const status = without(value, ['code']);
      // `metadata: {}` is all a successful answer says besides its code.
      if (isRecord(status.metadata) && Object.keys(status.metadata).length === 0) delete status.metadata;
      return nonEmpty(status);
    }
    case 'annotations':
      return nonEmpty(without(value, [DECISION]));
    default:
      return value;
  }
}

/** The typed columns of an audit row that restoreAuditEntry reads. */
export interface AuditColumns {
  ts: string;
  api_version: string | null;
  namespace: string | null;
  name: string | null;
  uid: string | null;
  resource_version: string | null;
  audit_id: string | null;
  audit_stage: string | null;
  audit_level: string | null;
  audit_verb: string | null;
  audit_user: string | null;
  audit_impersonated_user: string | null;
  audit_user_agent: string | null;
  audit_uri: string | null;
  audit_resource: string | null;
  audit_subresource: string | null;
  audit_decision: string | null;
  audit_code: number | null;
}

/**
 * The entry as the API server logged it, from a row's columns and its body: a whole entry (an older
 * bundle's, or a Request-level one) comes back as it is; a slimmed one gets its fields back.
 */
export function restoreAuditEntry(row: AuditColumns, body: Json | null): Json {
  if (body !== null && typeof body.auditID === 'string') return body;
  const b = body ?? {};
  const slash = row.api_version?.lastIndexOf('/') ?? -1;
  const objectRef = compact({
    resource: row.audit_resource,
    subresource: row.audit_subresource,
    namespace: row.namespace,
    name: row.name,
    uid: row.uid,
    resourceVersion: row.resource_version,
    apiGroup: slash > 0 ? row.api_version!.slice(0, slash) : null,
    apiVersion: slash > 0 ? row.api_version!.slice(slash + 1) : row.api_version,
    ...recordOf(b.objectRef),
  });
  const entry: Json = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    ...compact({
      level: row.audit_level,
      auditID: row.audit_id,
      stage: row.audit_stage,
      requestURI: row.audit_uri,
      verb: row.audit_verb,
      user: compact({ username: row.audit_user, ...recordOf(b.user) }),
      impersonatedUser: compact({ username: row.audit_impersonated_user, ...recordOf(b.impersonatedUser) }),
      userAgent: row.audit_user_agent,
      objectRef,
      responseStatus: responseStatusOf(row.audit_code, b.responseStatus),
      stageTimestamp: row.ts,
      annotations: compact({ [DECISION]: row.audit_decision, ...recordOf(b.annotations) }),
    }),
  };
  // The rest of the body as it is (sourceIPs, requestReceivedTimestamp, a stageTimestamp that is not ts).
  for (const [key, value] of Object.entries(b)) if (!MERGED.has(key)) entry[key] = value;
  return entry;
}

/** Body members merged with the columns' fields rather than taken as they are. */
const MERGED = new Set(['user', 'impersonatedUser', 'objectRef', 'responseStatus', 'annotations']);

/** The answer: its code, what the body kept, and the empty `metadata` every answer carries. */
function responseStatusOf(code: number | null, kept: unknown): Json | undefined {
  const status = compact({ code, ...recordOf(kept) });
  return status ? { metadata: {}, ...status } : undefined;
}

function recordOf(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function without(value: Json, keys: readonly string[]): Json {
  const copy: Json = {};
  for (const [key, member] of Object.entries(value)) if (!keys.includes(key)) copy[key] = member;
  return copy;
}

function nonEmpty(value: Json): Json | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

/** The members that have a value; undefined when none has. */
function compact(value: Json): Json | undefined {
  const kept = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
  return nonEmpty(kept);
}
