// What an audit row's body keeps of its entry. At Metadata level the body is most of an audit
// bundle's bytes, and most of it repeats the row's typed columns: those fields are left out of the
// body, and put back from the columns wherever the whole entry is shown (a resource's story).

import { isRecord, type Json } from './fields.ts';
import { normalizeTs } from './time.ts';

const DECISION = 'authorization.k8s.io/decision';

/** Levels whose entries are slimmed: those without the request or response objects. */
const SLIM_LEVELS = new Set(['Metadata', 'None', undefined]);

/** Whether an entry at this level is kept whole (Request, RequestResponse: the objects dominate). */
export function keepsWholeEntry(level: unknown): boolean {
  return !SLIM_LEVELS.has(typeof level === 'string' ? level : undefined);
}

/**
 * What the body keeps of a member: nothing when a typed `column` holds it all; nothing when it is
 * the row's ts (`unless-ts`); all of it (`whole`); or a record less the fields columns hold (the
 * function says which fields go).
 */
export type KeptOfMember = 'column' | 'unless-ts' | 'whole' | ((key: string, value: Json) => boolean);

/**
 * The members of an audit.k8s.io/v1 Event at level Metadata, in the order the API server writes
 * them, and what a row's body keeps of each: the one table of the body for every way an audit row
 * is built (audit-sql/ reads its logs by it). A member not listed (a Request-level object, a member
 * of a later version) is kept whole.
 */
export const AUDIT_MEMBERS = [
  // `kind` and `apiVersion` are the audit API's own.
  { name: 'kind', kept: 'column' },
  { name: 'apiVersion', kept: 'column' },
  { name: 'level', kept: 'column' },
  { name: 'auditID', kept: 'column' },
  { name: 'stage', kept: 'column' },
  { name: 'requestURI', kept: 'column' },
  { name: 'verb', kept: 'column' },
  { name: 'user', kept: isUserColumn },
  { name: 'impersonatedUser', kept: isUserColumn },
  { name: 'sourceIPs', kept: 'whole' },
  { name: 'userAgent', kept: 'column' },
  { name: 'objectRef', kept: isObjectRefColumn },
  { name: 'responseStatus', kept: isStatusColumn },
  { name: 'requestReceivedTimestamp', kept: 'whole' },
  { name: 'stageTimestamp', kept: 'unless-ts' },
  { name: 'annotations', kept: isDecision },
] as const satisfies readonly { name: string; kept: KeptOfMember }[];

export type AuditMemberName = (typeof AUDIT_MEMBERS)[number]['name'];

const KEPT = new Map<string, KeptOfMember>(AUDIT_MEMBERS.map((m) => [m.name, m.kept]));

/**
 * The body of a Metadata-level entry: the entry without what the row's columns hold. `stageTimestamp`
 * goes when it is the row's `ts`. What stays: the user's groups, uid and extra; sourceIPs;
 * responseStatus but its code (status, reason, message: why a request was refused); annotations but
 * the decision (the authorizer's reason, admission's); requestReceivedTimestamp; anything else.
 * One look-up per member, no copies of what is dropped whole: this runs on every line of an audit log.
 */
export function slimAuditBody(entry: Json, ts: string): Json {
  const body: Json = {};
  for (const key in entry) {
    const kept = slimAuditMember(key, entry[key], ts);
    if (kept !== undefined) body[key] = kept;
  }
  return body;
}

/**
 * What the body keeps of one member of an entry (AUDIT_MEMBERS): undefined when the columns hold all
 * of it. Also applied by audit-sql/, once per distinct value.
 */
export function slimAuditMember(key: string, value: unknown, ts: string): unknown {
  const kept = KEPT.get(key) ?? 'whole';
  switch (kept) {
    case 'column':
      return undefined;
    case 'unless-ts':
      return value === ts || normalizeTs(value) === ts ? undefined : value;
    case 'whole':
      return value;
    default:
      return isRecord(value) ? without(value, kept) : value;
  }
}

/** user.username and impersonatedUser.username: audit_user, audit_impersonated_user. */
function isUserColumn(key: string): boolean {
  return key === 'username';
}

/**
 * objectRef's fields the subject columns and audit_resource / audit_subresource hold. `apiGroup`
 * only beside `apiVersion`: `api_version` is `group/version`, from which a group alone would come
 * back as a version.
 */
function isObjectRefColumn(key: string, ref: Json): boolean {
  switch (key) {
    case 'resource':
    case 'subresource':
    case 'namespace':
    case 'name':
    case 'uid':
    case 'resourceVersion':
    case 'apiVersion':
      return true;
    case 'apiGroup':
      return typeof ref.apiVersion === 'string' && ref.apiVersion !== '';
    default:
      return false;
  }
}

/** responseStatus.code (audit_code), and the empty `metadata` every answer carries. */
function isStatusColumn(key: string, status: Json): boolean {
  if (key === 'code') return true;
  if (key !== 'metadata') return false;
  const metadata = status.metadata;
  if (!isRecord(metadata)) return false;
  for (const _ in metadata) return false;
  return true;
}

function isDecision(key: string): boolean {
  return key === DECISION;
}

/** The members of `value` that `drop` does not take; undefined when none is left. */
function without(value: Json, drop: (key: string, value: Json) => boolean): Json | undefined {
  let copy: Json | undefined;
  for (const key in value) {
    if (drop(key, value)) continue;
    copy ??= {};
    copy[key] = value[key];
  }
  return copy;
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
  const keptRef = recordOf(b.objectRef);
  // A group without a version stays in the body, and api_version is that group alone.
  const version = typeof keptRef.apiGroup === 'string' ? null : row.api_version;
  const slash = version?.lastIndexOf('/') ?? -1;
  const objectRef = compact({
    resource: row.audit_resource,
    subresource: row.audit_subresource,
    namespace: row.namespace,
    name: row.name,
    uid: row.uid,
    resourceVersion: row.resource_version,
    apiGroup: slash > 0 ? version!.slice(0, slash) : null,
    apiVersion: slash > 0 ? version!.slice(slash + 1) : version,
    ...keptRef,
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

function nonEmpty(value: Json): Json | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

/** The members that have a value; undefined when none has. */
function compact(value: Json): Json | undefined {
  const kept = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
  return nonEmpty(kept);
}
