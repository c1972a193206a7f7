// API discovery for a served bundle: /api, /apis and the resource list of every group version,
// in the classic form and, for clients that ask for it, the aggregated apidiscovery.k8s.io/v2 one.
// Every resource offers get, list and watch only: the cluster is a recording.

import type { ApiResource, ResourceCatalogue } from './resources.ts';

export const VERBS = ['get', 'list', 'watch'];

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the Accept header asks for aggregated discovery (kubectl 1.26+ does, falling back when refused). */
export function wantsAggregated(accept: string | undefined): boolean {
  return (
    /g=apidiscovery\.k8s\.io/.test(accept ?? '') &&
    /v=v2(?![a-z])/.test(accept ?? '') &&
    /as=APIGroupDiscoveryList/.test(accept ?? '')
  );
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function apiGroup(catalogue: ResourceCatalogue, group: string): object | null {
  const found = catalogue.groups().find((g) => g.group === group);
  if (!found || group === '') return null;
  const versions = found.versions.map((v) => ({ groupVersion: groupVersion(group, v), version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(catalogue: ResourceCatalogue): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: catalogue
      .groups()
      .filter((g) => g.group !== '')
      .map((g) => apiGroup(catalogue, g.group)),
  };
}

/** Subresources served: a pod's logs. */
function subresources(resource: ApiResource): { name: string; kind: string; verbs: string[] }[] {
  return resource.group === '' && resource.resource === 'pods'
    ? [{ name: 'log', kind: 'Pod', verbs: ['get'] }]
    : [];
}

export function apiResourceList(catalogue: ResourceCatalogue, group: string, version: string): object | null {
  const resources = catalogue.resources.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return null;
  const entries: object[] = [];
  for (const r of [...resources].sort((a, b) => a.resource.localeCompare(b.resource))) {
    entries.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    });
    for (const sub of subresources(r)) {
      entries.push({
        name: `${r.resource}/${sub.name}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: sub.kind,
        verbs: sub.verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources: entries,
  };
}

/** The aggregated document of /api (core group only) or /apis (every other group). */
export function aggregatedDiscovery(catalogue: ResourceCatalogue, core: boolean): object {
  const items = catalogue
    .groups()
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: catalogue.resources
          .filter((r) => r.group === g.group && r.version === version)
          .sort((a, b) => a.resource.localeCompare(b.resource))
          .map((r) => ({
            resource: r.resource,
            responseKind: { group: r.group, version: r.version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: VERBS,
            ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
            ...(r.categories.length > 0 ? { categories: r.categories } : {}),
            ...(subresources(r).length > 0
              ? {
                  subresources: subresources(r).map((s) => ({
                    subresource: s.name,
                    responseKind: { group: '', version: 'v1', kind: s.kind },
                    verbs: s.verbs,
                  })),
                }
              : {}),
          })),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
