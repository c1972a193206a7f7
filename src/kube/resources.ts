// Kinds of the built-in API resources, for audit entries: their objectRef names a resource
// (`deployments`), while bundle rows are keyed by kind (`Deployment`).

export const BUILTIN_KINDS: Readonly<Record<string, string>> = {
  bindings: 'Binding',
  componentstatuses: 'ComponentStatus',
  configmaps: 'ConfigMap',
  endpoints: 'Endpoints',
  events: 'Event',
  limitranges: 'LimitRange',
  namespaces: 'Namespace',
  nodes: 'Node',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  persistentvolumes: 'PersistentVolume',
  pods: 'Pod',
  podtemplates: 'PodTemplate',
  replicationcontrollers: 'ReplicationController',
  resourcequotas: 'ResourceQuota',
  secrets: 'Secret',
  serviceaccounts: 'ServiceAccount',
  services: 'Service',
  mutatingwebhookconfigurations: 'MutatingWebhookConfiguration',
  validatingwebhookconfigurations: 'ValidatingWebhookConfiguration',
  validatingadmissionpolicies: 'ValidatingAdmissionPolicy',
  customresourcedefinitions: 'CustomResourceDefinition',
  apiservices: 'APIService',
  controllerrevisions: 'ControllerRevision',
  daemonsets: 'DaemonSet',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  tokenreviews: 'TokenReview',
  localsubjectaccessreviews: 'LocalSubjectAccessReview',
  selfsubjectaccessreviews: 'SelfSubjectAccessReview',
  selfsubjectrulesreviews: 'SelfSubjectRulesReview',
  subjectaccessreviews: 'SubjectAccessReview',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  cronjobs: 'CronJob',
  jobs: 'Job',
  certificatesigningrequests: 'CertificateSigningRequest',
  leases: 'Lease',
  endpointslices: 'EndpointSlice',
  flowschemas: 'FlowSchema',
  prioritylevelconfigurations: 'PriorityLevelConfiguration',
  ingressclasses: 'IngressClass',
  ingresses: 'Ingress',
  networkpolicies: 'NetworkPolicy',
  runtimeclasses: 'RuntimeClass',
  poddisruptionbudgets: 'PodDisruptionBudget',
  podsecuritypolicies: 'PodSecurityPolicy',
  clusterrolebindings: 'ClusterRoleBinding',
  clusterroles: 'ClusterRole',
  rolebindings: 'RoleBinding',
  roles: 'Role',
  priorityclasses: 'PriorityClass',
  csidrivers: 'CSIDriver',
  csinodes: 'CSINode',
  csistoragecapacities: 'CSIStorageCapacity',
  storageclasses: 'StorageClass',
  volumeattachments: 'VolumeAttachment',
  volumesnapshots: 'VolumeSnapshot',
  volumesnapshotcontents: 'VolumeSnapshotContent',
  volumesnapshotclasses: 'VolumeSnapshotClass',
};

/**
 * The group/version of each built-in kind that a client would ask for today, for objects saved
 * without their apiVersion (old internal-type dumps, files named after what they hold).
 */
export const BUILTIN_API_VERSIONS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    [
      'Binding',
      'ComponentStatus',
      'ConfigMap',
      'Endpoints',
      'Event',
      'LimitRange',
      'Namespace',
      'Node',
      'PersistentVolumeClaim',
      'PersistentVolume',
      'Pod',
      'PodTemplate',
      'ReplicationController',
      'ResourceQuota',
      'Secret',
      'ServiceAccount',
      'Service',
    ].map((kind) => [kind, 'v1']),
  ),
  ...Object.fromEntries(
    ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'].map((k) => [k, 'apps/v1']),
  ),
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
  ValidatingAdmissionPolicy: 'admissionregistration.k8s.io/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  APIService: 'apiregistration.k8s.io/v1',
  TokenReview: 'authentication.k8s.io/v1',
  LocalSubjectAccessReview: 'authorization.k8s.io/v1',
  SelfSubjectAccessReview: 'authorization.k8s.io/v1',
  SelfSubjectRulesReview: 'authorization.k8s.io/v1',
  SubjectAccessReview: 'authorization.k8s.io/v1',
  CertificateSigningRequest: 'certificates.k8s.io/v1',
  Lease: 'coordination.k8s.io/v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  FlowSchema: 'flowcontrol.apiserver.k8s.io/v1',
  PriorityLevelConfiguration: 'flowcontrol.apiserver.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  Ingress: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  RuntimeClass: 'node.k8s.io/v1',
  PodDisruptionBudget: 'policy/v1',
  PodSecurityPolicy: 'policy/v1beta1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  PriorityClass: 'scheduling.k8s.io/v1',
  CSIDriver: 'storage.k8s.io/v1',
  CSINode: 'storage.k8s.io/v1',
  CSIStorageCapacity: 'storage.k8s.io/v1',
  StorageClass: 'storage.k8s.io/v1',
  VolumeAttachment: 'storage.k8s.io/v1',
  VolumeSnapshot: 'snapshot.storage.k8s.io/v1',
  VolumeSnapshotContent: 'snapshot.storage.k8s.io/v1',
  VolumeSnapshotClass: 'snapshot.storage.k8s.io/v1',
};

/** Kinds that wrap or answer a request rather than being the object it is about. */
const NOT_SUBJECT_KINDS = new Set([
  'Status',
  'Table',
  'DeleteOptions',
  'Scale',
  'Eviction',
  'Binding',
  'List',
  'WatchEvent',
  'PartialObjectMetadata',
  'PartialObjectMetadataList',
]);

/** The kind of a resource: a built-in from the table, otherwise the kind of a body that names one. */
export function kindOfResource(resource: string | null, ...bodies: unknown[]): string | null {
  if (resource && resource in BUILTIN_KINDS) return BUILTIN_KINDS[resource]!;
  for (const body of bodies) {
    if (typeof body !== 'object' || body === null) continue;
    const kind = (body as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || NOT_SUBJECT_KINDS.has(kind)) continue;
    return kind.endsWith('List') ? kind.slice(0, -4) : kind;
  }
  return null;
}

/** Built-in kinds that live outside namespaces. Events about them are stored in a namespace
 * ("default") that is not theirs, so an event's subject must not take the event's namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Node',
  'Namespace',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'CertificateSigningRequest',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ComponentStatus',
]);
