// What an object saved without its kind and apiVersion is, read from where it was saved: its selfLink
// (`/api/v1/namespaces/shop/pods/x`), the path of its file in the layouts people save (insights
// `config/pod/<ns>/<name>.json`, must-gather `namespaces/<ns>/core/pods/<name>.yaml`, cluster-info
// dump `<ns>/pods.json`), or its place in a one-file cluster-info dump (dump-sections.ts).

import { BUILTIN_API_VERSIONS, BUILTIN_KINDS } from '../kube/resources.ts';

/** A kind and apiVersion for objects that lack them, and what says so (shown in issues). */
export interface KindHint {
  kind: string;
  apiVersion: string;
  from: string;
}

/** Kinds outside Kubernetes itself that the layouts above hold (OpenShift's insights and must-gather). */
const KNOWN_KINDS: Readonly<Record<string, { kind: string; apiVersion: string }>> = {
  clusteroperators: { kind: 'ClusterOperator', apiVersion: 'config.openshift.io/v1' },
  clusterversions: { kind: 'ClusterVersion', apiVersion: 'config.openshift.io/v1' },
  routes: { kind: 'Route', apiVersion: 'route.openshift.io/v1' },
  machines: { kind: 'Machine', apiVersion: 'machine.openshift.io/v1beta1' },
  machinesets: { kind: 'MachineSet', apiVersion: 'machine.openshift.io/v1beta1' },
  machineconfigpools: { kind: 'MachineConfigPool', apiVersion: 'machineconfiguration.openshift.io/v1' },
};

/** Resource name, plural or singular, to kind: `pods` and `pod` are Pod. */
const BY_RESOURCE = new Map<string, { kind: string; apiVersion: string }>();
for (const [resource, kind] of Object.entries(BUILTIN_KINDS)) {
  const apiVersion = BUILTIN_API_VERSIONS[kind];
  if (!apiVersion) continue;
  BY_RESOURCE.set(resource, { kind, apiVersion });
  BY_RESOURCE.set(kind.toLowerCase(), { kind, apiVersion });
}
for (const [resource, known] of Object.entries(KNOWN_KINDS)) {
  BY_RESOURCE.set(resource, known);
  BY_RESOURCE.set(known.kind.toLowerCase(), known);
}

// The folder names a support bundle gives resources that are not their resource names.
const SUPPORT_BUNDLE_NAMES: Readonly<Record<string, string>> = {
  pvcs: 'persistentvolumeclaims',
  pvs: 'persistentvolumes',
  'network-policy': 'networkpolicies',
  'resource-quota': 'resourcequotas',
  'pod-disruption-budgets': 'poddisruptionbudgets',
  'storage-classes': 'storageclasses',
  'priority-classes': 'priorityclasses',
  'custom-resource-definitions': 'customresourcedefinitions',
};
for (const [name, resource] of Object.entries(SUPPORT_BUNDLE_NAMES)) {
  const known = BY_RESOURCE.get(resource);
  if (known) BY_RESOURCE.set(name, known);
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/**
 * The kind of a resource named in a path or URL; `group` ('' or `core` for the core group) must
 * agree when given, and `version` replaces the preferred one when the source names it.
 */
export function kindOfResourceName(
  resource: string,
  from: string,
  group?: string,
  version?: string,
): KindHint | null {
  const known = BY_RESOURCE.get(resource.toLowerCase());
  if (!known) return null;
  const wanted = group === 'core' ? '' : group;
  // Workloads moved groups (extensions → apps): a group the kind once lived in still names it.
  if (wanted !== undefined && wanted !== groupOf(known.apiVersion) && wanted !== 'extensions') return null;
  const apiVersion = version ? (wanted ? `${wanted}/${version}` : version) : known.apiVersion;
  return { kind: known.kind, apiVersion, from };
}

const SELF_LINK_RE = /^\/(?:api\/(v[^/]+)|apis\/([^/]+)\/([^/]+))\/(.+)$/;

/** The kind a selfLink names: `/api/v1/nodes`, `/apis/apps/v1/namespaces/shop/deployments/x`. */
export function kindOfSelfLink(selfLink: unknown): KindHint | null {
  if (typeof selfLink !== 'string') return null;
  const m = SELF_LINK_RE.exec(selfLink);
  if (!m) return null;
  const [, coreVersion, group, groupVersion, rest] = m;
  const parts = rest!.split('/');
  // namespaces/<ns>/<resource>[/name] is inside a namespace; namespaces[/<ns>] is the Namespace.
  const resource = parts[0] === 'namespaces' && parts.length >= 3 ? parts[2]! : parts[0]!;
  return kindOfResourceName(resource, 'its selfLink', group ?? '', coreVersion ?? groupVersion);
}

/** Layouts that name what a file holds; `resource` and `group` are the match's named groups. */
const PATH_LAYOUTS: readonly { name: string; re: RegExp }[] = [
  // insights-operator archive: config/pod/<ns>/<name>.json, config/node/<name>.json
  { name: 'insights', re: /(?:^|\/)config\/(?<resource>[a-z]+)\/(?:[^/]+\/)?[^/]+\.json$/ },
  // must-gather: namespaces/<ns>/<group>/<resource>[/<name>].yaml, cluster-scoped-resources/...
  {
    name: 'must-gather',
    re: /(?:^|\/)(?:namespaces\/[^/]+|cluster-scoped-resources)\/(?<group>[^/]+)\/(?<resource>[^/.]+)(?:\/[^/]+)?\.ya?ml$/,
  },
  // must-gather: namespaces/<ns>/pods/<pod>/<pod>.yaml
  { name: 'must-gather', re: /(?:^|\/)namespaces\/[^/]+\/(?<resource>pods)\/([^/]+)\/\2\.ya?ml$/ },
  // support bundle (troubleshoot.sh): cluster-resources/<resource>/<ns>.json, cluster-resources/<resource>.json
  { name: 'support-bundle', re: /(?:^|\/)cluster-resources\/(?<resource>[a-z-]+)(?:\/[^/]+)?\.json$/ },
  // kubectl cluster-info dump --output-directory: nodes.json, <ns>/<resource>.json
  {
    name: 'cluster-info dump',
    re: /(?:^|\/)(?<resource>nodes|events|pods|replicasets|deployments|daemonsets|services|replicationcontrollers)\.json$/,
  },
];

/** The kind a file's path says its objects are, in the layouts above; null when it says nothing. */
export function kindOfPath(relPath: string): KindHint | null {
  for (const layout of PATH_LAYOUTS) {
    const m = layout.re.exec(relPath);
    if (!m?.groups) continue;
    const hint = kindOfResourceName(m.groups.resource!, `its path (${layout.name} layout)`, m.groups.group);
    if (hint) return hint;
  }
  return null;
}
