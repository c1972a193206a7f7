// Kubernetes API JSON (objects, Events, audit entries) to bundle rows, shared by record, import and
// the simulator: one function per source. Rows carry what they were given; the bundle writer redacts every row it is handed (see
// redact.ts), so no producer can write a credential by forgetting to.

import type { BundleRow, WatchEvent } from '../bundle/row.ts';
import { RawJson } from '../bundle/spool.ts';
import { KstoryError } from '../errors.ts';
import { attrsOf } from './attrs.ts';
import { keepsWholeEntry, slimAuditBody } from './audit-body.ts';
import { containersOf } from './containers.ts';
import { arr, int, isRecord, type Json, podSpecOf, rec, str } from './fields.ts';
import {
  conditionsOf,
  isDerivedFromText,
  labelsOf,
  lastChangeOf,
  replicasOf,
  selectorOf,
  taintsOf,
} from './object-fields.ts';
import { refsOf } from './refs.ts';
import { CLUSTER_SCOPED_KINDS, kindOfResource } from './resources.ts';
import { latestTs, normalizeTs } from './time.ts';

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  [k: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [k: string]: unknown;
}

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [k: string]: unknown;
};

export interface RowOptions {
  /** Observation time; defaults per source (see each function). */
  ts?: string;
  /** Where the row came from: `watch:pods`, a file name, `simulate`. */
  origin?: string;
}

/** `what` names the row in the error, built only when there is one. */
function tsOption(opts: RowOptions | undefined, what: () => string): string | null {
  if (opts?.ts === undefined) return null;
  const ts = normalizeTs(opts.ts);
  if (ts === null) throw new KstoryError(`${what()}: ts "${opts.ts}" is not an RFC 3339 timestamp`);
  return ts;
}

function describe(kind: unknown, namespace: unknown, name: unknown): string {
  return `${typeof kind === 'string' ? kind : 'object'} ${typeof namespace === 'string' ? `${namespace}/` : ''}${typeof name === 'string' ? name : '(unnamed)'}`;
}

/** The controlling owner; objects owned without the controller flag get their first owner. */
function ownerOf(metadata: Json | undefined): Json | undefined {
  const owners = arr(metadata?.ownerReferences);
  let first: Json | undefined;
  for (const o of owners) {
    if (!isRecord(o)) continue;
    if (o.controller === true) return o;
    first ??= o;
  }
  return first;
}

/** The latest time an object records a change at: creation, conditions, container states. */
export function lastChangeTime(obj: KubeObject): string | null {
  return lastChangeOf(obj as Json);
}

/**
 * One version of an object. `ts` defaults to the object's last change, for snapshots that have no
 * observation time of their own; an object without any timestamp then needs `ts` from the caller.
 * `raw` is the JSON text `obj` was parsed from, when the caller has it (see parseWatchLine): the
 * body is then that text unless redaction changes the object, which saves serialising it again.
 */
export function objectRow(
  obj: KubeObject,
  opts: RowOptions & { watchEvent: WatchEvent; raw?: RawJson },
): BundleRow {
  const o = obj as Json;
  const metadata = rec(o.metadata);
  const kind = str(o.kind);
  const ts = tsOption(opts, () => describe(kind, metadata?.namespace, metadata?.name)) ?? lastChangeOf(o);
  if (ts === null) {
    throw new KstoryError(`${describe(kind, metadata?.namespace, metadata?.name)} carries no timestamp`, {
      hint: 'It has no creationTimestamp, conditions or container states to date it: give the observation time (ts).',
    });
  }
  const spec = rec(o.spec);
  const status = rec(o.status);
  const podSpec = podSpecOf(kind, o);
  const owner = ownerOf(metadata);
  const replicas = replicasOf(kind, spec, status, isDerivedFromText(metadata));
  return {
    source: 'object',
    ts,
    api_version: str(o.apiVersion),
    kind,
    namespace: str(metadata?.namespace),
    name: str(metadata?.name),
    uid: str(metadata?.uid),
    container: null,
    node: kind === 'Node' ? str(metadata?.name) : kind === 'Pod' ? str(spec?.nodeName) : null,
    owner_kind: str(owner?.kind),
    owner_name: str(owner?.name),
    owner_uid: str(owner?.uid),
    resource_version: str(metadata?.resourceVersion),
    origin: opts.origin ?? null,
    body: bodyOf(obj, opts.raw),
    watch_event: opts.watchEvent,
    labels: labelsOf(metadata),
    created_at: normalizeTs(metadata?.creationTimestamp),
    deleted_at: normalizeTs(metadata?.deletionTimestamp),
    generation: int(metadata?.generation),
    observed_generation: int(status?.observedGeneration),
    phase: str(status?.phase),
    status_reason: str(status?.reason),
    status_message: str(status?.message),
    containers: containersOf(kind, o, podSpec),
    conditions: conditionsOf(status),
    replicas_desired: replicas?.desired ?? null,
    replicas_current: replicas?.current ?? null,
    replicas_ready: replicas?.ready ?? null,
    replicas_available: replicas?.available ?? null,
    replicas_updated: replicas?.updated ?? null,
    selector: selectorOf(kind, spec),
    refs: refsOf(kind, spec, podSpec),
    taints: kind === 'Node' ? (taintsOf(spec) ?? []) : null,
    unschedulable: kind === 'Node' ? spec?.unschedulable === true : null,
    attrs: attrsOf(kind, o, metadata),
  };
}

/** The text the object came as, when there is one: the writer keeps it unless redaction changes the object. */
function bodyOf(obj: unknown, raw: RawJson | undefined): unknown {
  return raw !== undefined ? raw.holding(obj) : obj;
}

function positive(value: unknown): number | null {
  const n = int(value);
  return n !== null && n > 0 ? n : null;
}

const FIELD_PATH_CONTAINER_RE = /^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}/;

/**
 * A core/v1 or events.k8s.io/v1 Event. The subject columns describe the involved object; `ts` is
 * the last occurrence. `raw` as for objectRow.
 */
export function eventRow(ev: unknown, opts?: RowOptions & { raw?: RawJson }): BundleRow {
  if (!isRecord(ev))
    throw new KstoryError(`an Event must be a JSON object, got ${ev === null ? 'null' : typeof ev}`);
  const metadata = rec(ev.metadata);
  // core/v1 names the subject involvedObject; events.k8s.io/v1 names it regarding.
  const subject = rec(ev.involvedObject) ?? rec(ev.regarding);
  const source = rec(ev.source) ?? rec(ev.deprecatedSource);
  const series = rec(ev.series);
  const eventTime = normalizeTs(ev.eventTime);
  const first = normalizeTs(ev.firstTimestamp) ?? normalizeTs(ev.deprecatedFirstTimestamp) ?? eventTime;
  const last =
    latestTs([
      normalizeTs(ev.lastTimestamp),
      normalizeTs(ev.deprecatedLastTimestamp),
      normalizeTs(series?.lastObservedTime),
    ]) ??
    eventTime ??
    first;
  const what = () => describe('Event', metadata?.namespace, metadata?.name);
  const ts = tsOption(opts, what) ?? last ?? normalizeTs(metadata?.creationTimestamp);
  if (ts === null) {
    throw new KstoryError(`${what()} carries no timestamp`, {
      hint: 'It has no lastTimestamp, eventTime, series or creationTimestamp: give the observation time (ts).',
    });
  }
  const reportingController = str(ev.reportingController) ?? str(ev.reportingComponent);
  const fieldPath = str(subject?.fieldPath);
  return {
    source: 'event',
    ts,
    api_version: str(subject?.apiVersion),
    kind: str(subject?.kind),
    namespace:
      str(subject?.namespace) ??
      (CLUSTER_SCOPED_KINDS.has(str(subject?.kind) ?? '') ? null : str(metadata?.namespace)),
    name: str(subject?.name),
    uid: str(subject?.uid),
    container: fieldPath ? (FIELD_PATH_CONTAINER_RE.exec(fieldPath)?.[1] ?? null) : null,
    // The kubelet reports as its node: source.host, or reportingInstance for new-style events.
    node: str(source?.host) ?? (reportingController === 'kubelet' ? str(ev.reportingInstance) : null),
    resource_version: str(metadata?.resourceVersion),
    origin: opts?.origin ?? null,
    body: bodyOf(ev, opts?.raw),
    event_type: str(ev.type),
    event_reason: str(ev.reason),
    event_message: str(ev.message) ?? str(ev.note),
    // events.k8s.io writes deprecatedCount 0 for a single occurrence: counts below 1 mean "once".
    event_count: positive(ev.count) ?? positive(series?.count) ?? positive(ev.deprecatedCount) ?? 1,
    event_first: first,
    event_last: last,
    event_source: str(source?.component) ?? reportingController,
    event_uid: str(metadata?.uid),
  };
}

/** The audit stages in the order a request goes through them. */
export const AUDIT_STAGE_ORDER: Readonly<Record<string, number>> = {
  RequestReceived: 0,
  ResponseStarted: 1,
  ResponseComplete: 2,
  Panic: 3,
};

/**
 * One audit entry (audit.k8s.io v1 or v1beta1, any stage and level). At Metadata level the body is
 * what the columns do not hold (audit-body.ts). At Request and RequestResponse levels it is the whole
 * entry, and `raw` its JSON text when the caller has it: when redaction changes nothing it becomes the
 * body as is, which saves serialising the objects again.
 */
export function auditRow(entry: unknown, opts?: RowOptions & { raw?: string }): BundleRow {
  if (!isRecord(entry)) {
    throw new KstoryError(
      `an audit entry must be a JSON object, got ${entry === null ? 'null' : typeof entry}`,
    );
  }
  const ref = rec(entry.objectRef);
  const resource = str(ref?.resource);
  const auditId = str(entry.auditID);
  // v1 has stageTimestamp; v1beta1 has only `timestamp`.
  const ts =
    tsOption(opts, () => `audit entry ${auditId ?? ''}`) ??
    normalizeTs(entry.stageTimestamp) ??
    normalizeTs(entry.timestamp) ??
    normalizeTs(entry.requestReceivedTimestamp) ??
    normalizeTs(rec(entry.metadata)?.creationTimestamp);
  if (ts === null) {
    throw new KstoryError(`audit entry ${auditId ?? '(no auditID)'} carries no timestamp`, {
      hint: 'Expected stageTimestamp (audit.k8s.io/v1) or timestamp (v1beta1).',
    });
  }
  const group = str(ref?.apiGroup);
  const version = str(ref?.apiVersion);
  const responseObject = rec(entry.responseObject);
  const requestObject = rec(entry.requestObject);
  return {
    source: 'audit',
    ts,
    api_version: group && version ? `${group}/${version}` : (version ?? group),
    kind: kindOfResource(resource, responseObject, requestObject),
    namespace: str(ref?.namespace),
    name:
      str(ref?.name) ??
      str(rec(responseObject?.metadata)?.name) ??
      str(rec(requestObject?.metadata)?.name) ??
      nameInUri(str(entry.requestURI), resource),
    uid: str(ref?.uid),
    resource_version: str(ref?.resourceVersion),
    origin: opts?.origin ?? null,
    body: keepsWholeEntry(entry.level)
      ? opts?.raw !== undefined
        ? new RawJson(opts.raw, entry)
        : entry
      : slimAuditBody(entry, ts),
    audit_id: auditId,
    audit_stage: str(entry.stage),
    audit_level: str(entry.level),
    audit_verb: str(entry.verb),
    audit_user: str(rec(entry.user)?.username),
    audit_impersonated_user: str(rec(entry.impersonatedUser)?.username),
    audit_user_agent: str(entry.userAgent),
    audit_uri: str(entry.requestURI),
    audit_resource: resource,
    audit_subresource: str(ref?.subresource),
    audit_decision: str(rec(entry.annotations)?.['authorization.k8s.io/decision']),
    audit_code: int(rec(entry.responseStatus)?.code),
  };
}

/**
 * The object a request's URI names after its resource (`…/deployments/web/scale` → `web`): API servers
 * leave `objectRef.name` out of some requests to subresources, and a Metadata-level entry has no body
 * to take it from.
 */
export function nameInUri(uri: string | null, resource: string | null): string | null {
  if (!uri || !resource) return null;
  const match = uriNameRe(resource).exec(uri.split('?')[0]!);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

/** The pattern of a resource's object name in a URI, by resource: compiled once per resource, not per line. */
const URI_NAME_RES = new Map<string, RegExp>();

function uriNameRe(resource: string): RegExp {
  let re = URI_NAME_RES.get(resource);
  if (re === undefined) {
    re = new RegExp(`/${resource.replace(/[^a-z0-9.-]/g, '')}/([^/?]+)`);
    // Resources are few; a bound keeps a log of made-up ones from growing the map.
    if (URI_NAME_RES.size >= 1024) URI_NAME_RES.clear();
    URI_NAME_RES.set(resource, re);
  }
  return re;
}
