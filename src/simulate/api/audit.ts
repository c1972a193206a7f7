// The API server's audit backend: one `ResponseComplete` entry per request (RequestReceived omitted,
// as most policies do), at the level a kube-up style policy gives it: nothing for events, Request
// for node and pod status written by nodes, Metadata for reads and for Secrets/ConfigMaps,
// RequestResponse for every other write.

import { toIsoMicros } from '../engine/clock.ts';
import type { Rng } from '../engine/rng.ts';
import type { Actor } from './actors.ts';
import { resourceOf } from './resources.ts';

export interface AuditRequest {
  actor: Actor;
  verb: string;
  kind: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  uri: string;
  code: number;
  uid?: string;
  resourceVersion?: string;
  requestObject?: unknown;
  responseObject?: unknown;
  /** A failure's status (message, reason), echoed in responseStatus. */
  failure?: { reason: string; message: string; details?: Record<string, unknown>; authz?: boolean };
  /** Authorization decision annotation text. */
  authzReason?: string;
  /** Extra annotations (e.g. the admission webhook that denied). */
  annotations?: Record<string, string>;
  /** Request latency, ms. */
  latencyMs: number;
}

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

const READ_VERBS = new Set(['get', 'list', 'watch']);

export function auditLevel(req: AuditRequest): AuditLevel {
  if (req.kind === 'Event') return 'None';
  if (READ_VERBS.has(req.verb)) return 'Metadata';
  if (req.kind === 'Secret' || req.kind === 'ConfigMap') return 'Metadata';
  if (req.actor.groups.includes('system:nodes') && (req.subresource === 'status' || req.kind === 'Node'))
    return 'Request';
  return 'RequestResponse';
}

export function buildAuditEntry(
  req: AuditRequest,
  receivedMs: number,
  rng: Rng,
): Record<string, unknown> | null {
  const level = auditLevel(req);
  if (level === 'None') return null;
  const r = resourceOf(req.kind);
  const objectRef: Record<string, unknown> = { resource: r.plural };
  if (r.namespaced && req.namespace) objectRef.namespace = req.namespace;
  if (req.name) objectRef.name = req.name;
  if (req.uid) objectRef.uid = req.uid;
  if (r.group) objectRef.apiGroup = r.group;
  objectRef.apiVersion = r.version;
  if (req.resourceVersion && req.verb !== 'create') objectRef.resourceVersion = req.resourceVersion;
  if (req.subresource) objectRef.subresource = req.subresource;

  const responseStatus: Record<string, unknown> = { metadata: {}, code: req.code };
  if (req.failure) {
    responseStatus.status = 'Failure';
    responseStatus.message = req.failure.message;
    responseStatus.reason = req.failure.reason;
    if (req.failure.details) responseStatus.details = req.failure.details;
  }
  // Only RBAC denials are authorization decisions; admission refusals (quota, LimitRange, webhooks)
  // come after an allowed authorization, even when they answer 403.
  const decision = req.failure?.authz ? 'forbid' : 'allow';
  const annotations: Record<string, string> = {
    'authorization.k8s.io/decision': decision,
    'authorization.k8s.io/reason': decision === 'forbid' ? '' : (req.authzReason ?? ''),
    ...req.annotations,
  };
  const entry: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID: rng.uuid(),
    stage: 'ResponseComplete',
    requestURI: req.uri,
    verb: req.verb,
    user: { username: req.actor.username, groups: req.actor.groups },
    sourceIPs: [req.actor.sourceIP],
    userAgent: req.actor.userAgent,
    objectRef,
    responseStatus,
  };
  if ((level === 'Request' || level === 'RequestResponse') && req.requestObject !== undefined)
    entry.requestObject = req.requestObject;
  if (level === 'RequestResponse' && req.responseObject !== undefined)
    entry.responseObject = req.responseObject;
  entry.requestReceivedTimestamp = toIsoMicros(receivedMs, rng.int(0, 999));
  entry.stageTimestamp = toIsoMicros(receivedMs + req.latencyMs, rng.int(0, 999));
  entry.annotations = annotations;
  return entry;
}

/** The RBAC reason text an allowed request carries, by who asked. */
export function allowReason(actor: Actor): string {
  if (actor.groups.includes('system:nodes')) return '';
  if (actor.username === 'system:kube-scheduler')
    return 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"';
  const sa = /^system:serviceaccount:kube-system:(.+)$/.exec(actor.username);
  if (sa)
    return `RBAC: allowed by ClusterRoleBinding "system:controller:${sa[1]}" of ClusterRole "system:controller:${sa[1]}" to ServiceAccount "${sa[1]}/kube-system"`;
  if (actor.groups.includes('system:masters')) return '';
  return `RBAC: allowed by ClusterRoleBinding "cluster-admins" of ClusterRole "cluster-admin" to Group "platform-admins"`;
}
