// Which resources a recording watches: every resource the API server says can be listed and
// watched (built-in and CRDs, the preferred version of each group), narrowed by --include/--exclude.

import picomatch from 'picomatch';
import { messageOf } from '../errors.ts';
import type { KubeClient } from './client.ts';

export interface ApiResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, as in the URL: `deployments`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
}

export interface DiscoveryResult {
  resources: ApiResource[];
  /** Group versions that could not be read (e.g. an aggregated API that is down), with the error. */
  failures: { groupVersion: string; error: string }[];
}

export interface ResourceFilter {
  include: string[];
  exclude: string[];
}

/**
 * Left out unless named by --include: leases renew every few seconds per node and controller and
 * would outweigh everything else while saying nothing about an incident.
 */
export const DEFAULT_EXCLUDE: readonly string[] = ['leases.coordination.k8s.io'];

interface ApiResourceList {
  resources?: {
    name: string;
    kind: string;
    namespaced: boolean;
    verbs?: string[];
    shortNames?: string[];
  }[];
}

interface ApiGroupList {
  groups?: {
    name: string;
    preferredVersion?: { version: string };
    versions?: { version: string }[];
  }[];
}

export function apiVersionOf(r: ApiResource): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** `pods`, `deployments.apps`: the name users give to --include and that scopes gaps. */
export function qualifiedName(r: ApiResource): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

/** The URL path of a resource's collection, cluster-wide or in one namespace. */
export function collectionPath(r: ApiResource, namespace: string | null): string {
  const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return namespace === null || !r.namespaced
    ? `${prefix}/${r.resource}`
    : `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;
}

export async function discoverResources(
  client: KubeClient,
  filter: ResourceFilter,
  signal?: AbortSignal,
): Promise<DiscoveryResult> {
  const failures: DiscoveryResult['failures'] = [];
  const groupVersions: { group: string; version: string }[] = [{ group: '', version: 'v1' }];
  const groups = await client.getJson<ApiGroupList>('/apis', { signal });
  for (const g of groups.groups ?? []) {
    const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    if (version) groupVersions.push({ group: g.name, version });
  }
  const lists = await Promise.all(
    groupVersions.map(async ({ group, version }) => {
      const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
      try {
        return { group, version, list: await client.getJson<ApiResourceList>(path, { signal }) };
      } catch (error) {
        failures.push({ groupVersion: path.replace(/^\/apis?\//, ''), error: messageOf(error) });
        return { group, version, list: { resources: [] } };
      }
    }),
  );
  const all: ApiResource[] = [];
  for (const { group, version, list } of lists) {
    for (const r of list.resources ?? []) {
      // Subresources (pods/log, deployments/scale) are not collections.
      if (r.name.includes('/')) continue;
      const verbs = r.verbs ?? [];
      if (!verbs.includes('list') || !verbs.includes('watch')) continue;
      all.push({
        group,
        version,
        resource: r.name,
        kind: r.kind,
        namespaced: r.namespaced,
        shortNames: r.shortNames ?? [],
      });
    }
  }
  // events.k8s.io/v1 serves the very objects core/v1 events does: watching both writes each twice.
  const hasCoreEvents = all.some((r) => r.group === '' && r.resource === 'events');
  const deduplicated = all.filter((r) => !(hasCoreEvents && r.group === 'events.k8s.io'));
  failures.sort((a, b) => a.groupVersion.localeCompare(b.groupVersion));
  return { resources: selectResources(deduplicated, filter), failures };
}

/** Names a pattern may match: `pods`, `po`, `pod` (kind), `deployments.apps`; globs allowed. */
function namesOf(r: ApiResource): string[] {
  return [r.resource, qualifiedName(r), r.kind.toLowerCase(), ...r.shortNames].map((n) => n.toLowerCase());
}

function matcher(patterns: readonly string[]): (r: ApiResource) => boolean {
  const tests = patterns.map((p) => picomatch(p.toLowerCase()));
  return (r) => {
    const names = namesOf(r);
    return tests.some((test) => names.some((n) => test(n)));
  };
}

export function selectResources(resources: ApiResource[], filter: ResourceFilter): ApiResource[] {
  const included = filter.include.length > 0 ? matcher(filter.include) : () => true;
  const excluded = matcher(filter.exclude);
  const defaultExcluded = matcher(DEFAULT_EXCLUDE);
  const named = filter.include.length > 0 ? matcher(filter.include) : () => false;
  return resources
    .filter((r) => included(r) && !excluded(r) && (named(r) || !defaultExcluded(r)))
    .sort((a, b) => qualifiedName(a).localeCompare(qualifiedName(b)));
}
