// Builders of cloud audit exports for tests: Google Cloud Logging entries of GKE as gcloud prints
// them, audit.k8s.io events, and the envelopes CloudWatch Logs, Azure Monitor and log shippers put
// them in.

type Json = Record<string, unknown>;

export const CLUSTER = { cluster_name: 'prod-eu', location: 'europe-west1', project_id: 'shop-prod-4711' };

/** Seconds after 2026-03-01T10:00:00Z, as Cloud Logging writes times (nanoseconds). */
export function at(seconds: number): string {
  return `${new Date(Date.parse('2026-03-01T10:00:00Z') + seconds * 1000).toISOString().slice(0, 19)}.123456789Z`;
}

export interface GkeRequest {
  method: string;
  resourceName: string;
  user?: string;
  /** google.rpc.Code; omitted means OK (`status: {}`). */
  code?: number;
  message?: string;
  seconds: number;
  id: string;
  request?: Json;
  response?: Json;
  labels?: Record<string, string>;
  granted?: boolean;
}

/** One GKE audit entry of a Kubernetes API request, as `gcloud logging read --format=json` prints it. */
export function gkeEntry(r: GkeRequest): Json {
  const payload: Json = {
    '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
    authenticationInfo: r.user ? { principalEmail: r.user } : {},
    authorizationInfo: [
      { granted: r.granted ?? r.code !== 7, permission: r.method, resource: r.resourceName },
    ],
    methodName: r.method,
    requestMetadata: { callerIp: '203.0.113.7', callerSuppliedUserAgent: 'kubectl/v1.30.2 (linux/amd64)' },
    resourceName: r.resourceName,
    serviceName: 'k8s.io',
    status: r.code === undefined ? {} : { code: r.code, message: r.message ?? '' },
  };
  if (r.request) payload.request = r.request;
  if (r.response) payload.response = r.response;
  return {
    insertId: r.id,
    labels: r.labels ?? { 'authorization.k8s.io/decision': r.code === 7 ? 'forbid' : 'allow' },
    logName: `projects/${CLUSTER.project_id}/logs/cloudaudit.googleapis.com%2Factivity`,
    operation: { first: true, id: r.id, last: true, producer: 'k8s.io' },
    protoPayload: payload,
    receiveTimestamp: at(r.seconds + 2),
    resource: { labels: CLUSTER, type: 'k8s_cluster' },
    timestamp: at(r.seconds),
  };
}

/** A GKE API operation on the cluster itself (`google.container.v1.ClusterManager.*`). */
export function gkeClusterOperation(
  rpc: string,
  seconds: number,
  step: { first?: boolean; last?: boolean },
): Json {
  return {
    insertId: `op-${rpc}-${seconds}`,
    logName: `projects/${CLUSTER.project_id}/logs/cloudaudit.googleapis.com%2Factivity`,
    operation: { id: `operation-${rpc}`, producer: 'container.googleapis.com', ...step },
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail: 'alice@example.com' },
      methodName: `google.container.v1.ClusterManager.${rpc}`,
      resourceName: `projects/${CLUSTER.project_id}/zones/europe-west1-b/clusters/${CLUSTER.cluster_name}`,
      serviceName: 'container.googleapis.com',
      status: {},
    },
    resource: { labels: CLUSTER, type: 'gke_cluster' },
    severity: 'NOTICE',
    timestamp: at(seconds),
  };
}

/** An audit entry of another Google Cloud service: not about Kubernetes. */
export function computeEntry(seconds: number): Json {
  return {
    insertId: `compute-${seconds}`,
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail: 'alice@example.com' },
      methodName: 'v1.compute.instances.delete',
      resourceName: `projects/${CLUSTER.project_id}/zones/europe-west1-b/instances/vm-1`,
      serviceName: 'compute.googleapis.com',
      status: {},
    },
    resource: { labels: { project_id: CLUSTER.project_id, zone: 'europe-west1-b' }, type: 'gce_instance' },
    timestamp: at(seconds),
  };
}

export interface AuditRequest {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  group?: string;
  subresource?: string;
  user: string;
  code: number;
  seconds: number;
  id: string;
  response?: Json;
}

/** An audit.k8s.io/v1 event as kube-apiserver writes it. */
export function auditEvent(r: AuditRequest): Json {
  const base = r.group ? `/apis/${r.group}/v1` : '/api/v1';
  const path = `${base}${r.namespace ? `/namespaces/${r.namespace}` : ''}/${r.resource}${r.name ? `/${r.name}` : ''}${r.subresource ? `/${r.subresource}` : ''}`;
  const event: Json = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: r.response ? 'RequestResponse' : 'Metadata',
    auditID: r.id,
    stage: 'ResponseComplete',
    requestURI: path,
    verb: r.verb,
    user: { username: r.user, groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.7'],
    userAgent: 'kubectl/v1.30.2 (linux/amd64)',
    objectRef: {
      resource: r.resource,
      namespace: r.namespace,
      name: r.name,
      apiGroup: r.group,
      apiVersion: 'v1',
      subresource: r.subresource,
    },
    responseStatus: { metadata: {}, code: r.code },
    requestReceivedTimestamp: at(r.seconds).replace('789Z', 'Z'),
    stageTimestamp: at(r.seconds).replace('789Z', 'Z'),
    annotations: { 'authorization.k8s.io/decision': r.code === 403 ? 'forbid' : 'allow' },
  };
  if (r.response) event.responseObject = r.response;
  return event;
}

/** The same request seen three ways, as the tests of each export use it. */
export const REQUESTS: AuditRequest[] = [
  {
    verb: 'delete',
    resource: 'pods',
    namespace: 'shop',
    name: 'checkout-1',
    user: 'alice',
    code: 200,
    seconds: 10,
    id: 'a1',
  },
  {
    verb: 'create',
    resource: 'pods',
    namespace: 'shop',
    name: 'debug',
    subresource: 'exec',
    user: 'bob',
    code: 101,
    seconds: 20,
    id: 'a2',
  },
  {
    verb: 'list',
    resource: 'secrets',
    namespace: 'shop',
    user: 'system:serviceaccount:shop:ci',
    code: 403,
    seconds: 30,
    id: 'a3',
  },
];
