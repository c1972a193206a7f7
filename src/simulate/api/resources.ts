// The API's resource table: kind ↔ group/version/plural and scope, for request URIs and audit objectRefs.

export interface ResourceInfo {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const TABLE: ResourceInfo[] = [
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true },
  { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true },
  { kind: 'Endpoints', group: '', version: 'v1', plural: 'endpoints', namespaced: true },
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true },
  { kind: 'ServiceAccount', group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true },
  {
    kind: 'PersistentVolumeClaim',
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    namespaced: true,
  },
  { kind: 'PersistentVolume', group: '', version: 'v1', plural: 'persistentvolumes', namespaced: false },
  { kind: 'ResourceQuota', group: '', version: 'v1', plural: 'resourcequotas', namespaced: true },
  { kind: 'LimitRange', group: '', version: 'v1', plural: 'limitranges', namespaced: true },
  { kind: 'Event', group: '', version: 'v1', plural: 'events', namespaced: true },
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  {
    kind: 'ControllerRevision',
    group: 'apps',
    version: 'v1',
    plural: 'controllerrevisions',
    namespaced: true,
  },
  { kind: 'Job', group: 'batch', version: 'v1', plural: 'jobs', namespaced: true },
  { kind: 'CronJob', group: 'batch', version: 'v1', plural: 'cronjobs', namespaced: true },
  {
    kind: 'HorizontalPodAutoscaler',
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
  },
  {
    kind: 'PodDisruptionBudget',
    group: 'policy',
    version: 'v1',
    plural: 'poddisruptionbudgets',
    namespaced: true,
  },
  {
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    namespaced: true,
  },
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', namespaced: true },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', namespaced: true },
  {
    kind: 'RoleBinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    namespaced: true,
  },
  {
    kind: 'StorageClass',
    group: 'storage.k8s.io',
    version: 'v1',
    plural: 'storageclasses',
    namespaced: false,
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingwebhookconfigurations',
    namespaced: false,
  },
  {
    kind: 'CustomResourceDefinition',
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    namespaced: false,
  },
  { kind: 'Certificate', group: 'cert-manager.io', version: 'v1', plural: 'certificates', namespaced: true },
  {
    kind: 'Application',
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'applications',
    namespaced: true,
  },
  {
    kind: 'ConstraintTemplate',
    group: 'templates.gatekeeper.sh',
    version: 'v1',
    plural: 'constrainttemplates',
    namespaced: false,
  },
  {
    kind: 'K8sRequiredLabels',
    group: 'constraints.gatekeeper.sh',
    version: 'v1beta1',
    plural: 'k8srequiredlabels',
    namespaced: false,
  },
];

const BY_KIND = new Map(TABLE.map((r) => [r.kind, r]));
const BY_PLURAL = new Map(TABLE.map((r) => [r.plural, r]));

export function resourceOf(kind: string): ResourceInfo {
  const info = BY_KIND.get(kind);
  if (!info) throw new Error(`simulator: unknown kind ${kind}`);
  return info;
}

export function resourceByPlural(plural: string): ResourceInfo | undefined {
  return BY_PLURAL.get(plural);
}

/** `plural.group` as the API server names a resource in its messages (`deployments.apps`). */
export function qualifiedResource(kind: string): string {
  const r = resourceOf(kind);
  return `${r.plural}${r.group ? `.${r.group}` : ''}`;
}

export function apiVersionOf(kind: string): string {
  const r = resourceOf(kind);
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The request path of a resource, a collection when `name` is absent. */
export function requestPath(
  kind: string,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): string {
  const r = resourceOf(kind);
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${namespace}` : '';
  return `${prefix}${ns}/${r.plural}${name ? `/${name}` : ''}${subresource ? `/${subresource}` : ''}`;
}
