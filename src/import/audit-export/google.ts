// Google Cloud Logging audit entries (protoPayload of type google.cloud.audit.AuditLog) as the
// audit.k8s.io/v1 Event the rest of kstory reads: GKE's Kubernetes API requests
// (`io.k8s.core.v1.pods.create` on `core/v1/namespaces/NS/pods/NAME`), and operations on the
// cluster itself (`google.container.v1.ClusterManager.DeleteCluster`) as requests on its object.

import type { AuditEntry } from '../../kube/audit.ts';
import { int, isRecord, type Json, rec, str } from '../../kube/fields.ts';

const AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';

/** A Cloud Logging entry whose payload is an audit log (as `gcloud logging read` prints it). */
export function isGoogleAuditEntry(value: Json): boolean {
  const payload = rec(value.protoPayload);
  if (!payload) return false;
  const type = payload['@type'];
  // Some exports drop `@type`: the service and method still say what the payload is.
  return (
    type === AUDIT_LOG_TYPE ||
    (type === undefined && str(payload.methodName) !== null && str(payload.serviceName) !== null)
  );
}

/** An entry of GKE: a Kubernetes API request or an operation on a cluster or node pool. */
export function isGkeEntry(value: Json): boolean {
  const payload = rec(value.protoPayload);
  const service = str(payload?.serviceName);
  const method = str(payload?.methodName) ?? '';
  return (
    service === 'k8s.io' ||
    service === 'container.googleapis.com' ||
    method.startsWith('io.k8s.') ||
    method.startsWith('google.container.')
  );
}

export type GoogleConversion = { event: AuditEntry } | { skip: string };

/**
 * HTTP statuses of the google.rpc.Code an audit entry reports (google/rpc/code.proto gives each
 * code's HTTP mapping). A Kubernetes Status in the response, when there is one, says it exactly.
 */
const HTTP_OF_RPC_CODE: Readonly<Record<number, number>> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

export function auditEventOfGoogleEntry(entry: Json): GoogleConversion {
  const payload = rec(entry.protoPayload)!;
  const service = str(payload.serviceName);
  const method = str(payload.methodName);
  const time = str(entry.timestamp) ?? str(entry.receiveTimestamp);
  if (time === null) return { skip: 'Google Cloud audit entry without timestamp' };
  if (service === 'k8s.io' || method?.startsWith('io.k8s.')) return kubernetesRequest(entry, payload, time);
  if (isGkeEntry(entry)) return clusterOperation(entry, payload, time);
  return {
    skip: `not a Kubernetes API request: a Google Cloud audit entry of ${service ?? 'an unnamed service'}${method ? ` (${method})` : ''}`,
  };
}

interface Target {
  group: string;
  version: string | null;
  resource: string | null;
  namespace: string | null;
  name: string | null;
  subresource: string | null;
}

/**
 * `core/v1/namespaces/NS/pods/NAME[/SUB]`, `apps/v1/namespaces/NS/deployments`, `core/v1/nodes/NAME`
 * and, for the Namespace object itself, `core/v1/namespaces/NAME[/SUB]` (its method says namespaces).
 */
export function parseResourceName(resourceName: string, method: string | null): Target | null {
  const parts = resourceName.split('/');
  if (parts.length < 3 || parts[0] === '' || parts[0] === 'projects') return null;
  const group = parts[0] === 'core' ? '' : parts[0]!;
  const version = parts[1] || null;
  const isNamespaceOp =
    method?.split('.')[4] === 'namespaces' || (parts[2] === 'namespaces' && parts.length <= 4);
  if (parts[2] === 'namespaces' && !isNamespaceOp && parts.length >= 5) {
    return {
      group,
      version,
      namespace: parts[3] || null,
      resource: parts[4] || null,
      name: parts[5] || null,
      subresource: parts[6] || subresourceOfMethod(method, parts[4]),
    };
  }
  return {
    group,
    version,
    namespace: null,
    resource: parts[2] || null,
    name: parts[3] || null,
    subresource: parts[4] || subresourceOfMethod(method, parts[2]),
  };
}

/** `io.k8s.core.v1.pods.status.update`: the segment between the resource and the verb. */
function subresourceOfMethod(method: string | null, resource: string | undefined): string | null {
  if (!method || !resource) return null;
  const parts = method.split('.');
  const at = parts.lastIndexOf(resource);
  return at !== -1 && at === parts.length - 3 ? parts[at + 1]! : null;
}

function requestUriOf(t: Target): string {
  const base = t.group === '' ? `/api/${t.version ?? 'v1'}` : `/apis/${t.group}/${t.version ?? ''}`;
  const ns = t.namespace && t.resource !== 'namespaces' ? `/namespaces/${t.namespace}` : '';
  return `${base}${ns}/${t.resource ?? ''}${t.name ? `/${t.name}` : ''}${t.subresource ? `/${t.subresource}` : ''}`;
}

function kubernetesRequest(entry: Json, payload: Json, time: string): GoogleConversion {
  const method = str(payload.methodName);
  const resourceName = str(payload.resourceName);
  const verb = method ? method.slice(method.lastIndexOf('.') + 1) : null;
  if (!verb) return { skip: 'GKE audit entry without methodName: the verb is unknown' };
  const target = resourceName ? parseResourceName(resourceName, method) : null;
  const response = bodyOf(payload.response, target);
  const request = bodyOf(payload.request, target);
  const event: AuditEntry = {
    ...common(entry, payload, time),
    verb,
    requestURI: target ? requestUriOf(target) : (resourceName ?? ''),
    responseStatus: responseStatusOf(payload, response),
  };
  if (target) {
    event.objectRef = dropNulls({
      resource: target.resource,
      namespace: target.namespace,
      name: target.name,
      apiGroup: target.group === '' ? null : target.group,
      apiVersion: target.version,
      subresource: target.subresource,
    });
  }
  if (request !== undefined) event.requestObject = request;
  if (response !== undefined) event.responseObject = response;
  event.level = request !== undefined || response !== undefined ? 'RequestResponse' : 'Metadata';
  return { event };
}

/** What every converted entry has: identity, user, source, stage, time, annotations. */
function common(entry: Json, payload: Json, time: string, extra: Record<string, string> = {}): AuditEntry {
  const operation = rec(entry.operation);
  const auth = rec(payload.authenticationInfo);
  const meta = rec(payload.requestMetadata);
  const username = str(auth?.principalEmail) ?? str(auth?.principalSubject);
  const callerIp = str(meta?.callerIp);
  const agent = str(meta?.callerSuppliedUserAgent);
  return dropNulls({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    // A long-running operation logs its first and its last step under one operation id; an entry
    // that is both (every Kubernetes request) or neither is the whole request.
    auditID: str(operation?.id) ?? str(entry.insertId),
    stage: operation?.first === true && operation.last !== true ? 'RequestReceived' : 'ResponseComplete',
    user: username ? { username } : null,
    sourceIPs: callerIp ? [callerIp] : null,
    userAgent: agent,
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: annotationsOf(entry, payload, extra),
  });
}

/** The Kubernetes audit annotations GKE writes as entry labels, and the authorizer's decision. */
function annotationsOf(
  entry: Json,
  payload: Json,
  extra: Record<string, string>,
): Record<string, string> | null {
  const out: Record<string, string> = { ...extra };
  const labels = rec(entry.labels);
  for (const [key, value] of Object.entries(labels ?? {})) if (typeof value === 'string') out[key] = value;
  const decisions = Array.isArray(payload.authorizationInfo)
    ? payload.authorizationInfo.filter(isRecord)
    : [];
  if (out['authorization.k8s.io/decision'] === undefined && decisions.length > 0) {
    out['authorization.k8s.io/decision'] = decisions.every((d) => d.granted === true) ? 'allow' : 'forbid';
  }
  return Object.keys(out).length > 0 ? out : null;
}

function responseStatusOf(payload: Json, response: unknown): Json {
  const status = rec(payload.status);
  const rpc = int(status?.code) ?? 0;
  const message = str(status?.message);
  const body = rec(response);
  const exact = body?.kind === 'Status' ? int(body.code) : null;
  return dropNulls({
    metadata: {},
    code: exact ?? HTTP_OF_RPC_CODE[rpc] ?? 500,
    status: rpc === 0 ? null : 'Failure',
    message: str(body?.message) ?? message,
    reason: body?.kind === 'Status' ? str(body.reason) : null,
  });
}

/**
 * A request or response body with its `@type` (`core.k8s.io/v1.Pod`, `k8s.io/Patch`,
 * `core.k8s.io/v1.Status`) turned back into the kind and apiVersion an object carries.
 */
function bodyOf(value: unknown, target: Target | null): unknown {
  if (!isRecord(value)) return value ?? undefined;
  const { '@type': type, ...rest } = value;
  if (typeof type !== 'string' || typeof rest.kind === 'string') return rest;
  const dot = type.lastIndexOf('.');
  const kind = type.slice(dot + 1);
  // A patch or delete options say how, not what: they stay as they are.
  if (!/^[A-Z]/.test(kind) || kind === 'Patch' || kind === 'DeleteOptions') return rest;
  if (kind === 'Status') return { kind, apiVersion: 'v1', ...rest };
  const apiVersion = target
    ? target.group === ''
      ? target.version
      : `${target.group}/${target.version}`
    : null;
  return apiVersion ? { kind, apiVersion, ...rest } : { kind, ...rest };
}

const CLUSTER_VERBS: readonly [RegExp, string][] = [
  [/^Create/, 'create'],
  [/^Delete/, 'delete'],
  [/^Get/, 'get'],
  [/^List/, 'list'],
];

/**
 * An operation of the GKE API (`google.container.v1.ClusterManager.DeleteCluster` on
 * `projects/P/zones/Z/clusters/C[/nodePools/NP]`): a request on the cluster or node pool object.
 */
function clusterOperation(entry: Json, payload: Json, time: string): GoogleConversion {
  const method = str(payload.methodName) ?? '';
  const rpc = method.slice(method.lastIndexOf('.') + 1);
  const resourceName = str(payload.resourceName) ?? '';
  const parts = resourceName.split('/');
  let resource: string | null = null;
  let name: string | null = null;
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (parts[i] === 'clusters' || parts[i] === 'nodePools') {
      resource = parts[i]!.toLowerCase();
      name = parts[i + 1] || null;
    }
  }
  if (!rpc || resource === null) {
    return {
      skip: `not a Kubernetes API request: ${method || 'a GKE operation'} on ${resourceName || 'nothing named'}`,
    };
  }
  const version = /\.(v\d\w*)\./.exec(method)?.[1] ?? 'v1';
  const verb = CLUSTER_VERBS.find(([re]) => re.test(rpc))?.[1] ?? 'update';
  const event: AuditEntry = {
    // The method says more than the verb (SetNodePoolSize, UpdateCluster): kept beside it.
    ...common(entry, payload, time, { 'container.googleapis.com/method': rpc }),
    verb,
    requestURI: `/${resourceName}`,
    objectRef: { resource, name, apiGroup: 'container.googleapis.com', apiVersion: version },
    responseStatus: responseStatusOf(payload, undefined),
    level: 'Metadata',
  };
  // The request is an RPC message (CreateClusterRequest), not an object that redaction knows: it
  // may carry credentials (masterAuth), so it is left out.
  return { event };
}

function dropNulls(value: Record<string, unknown>): Json {
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) out[key] = v;
  return out;
}
