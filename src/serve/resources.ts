// The API resources a bundle is served as: every kind it holds (custom resources included, named by
// their CustomResourceDefinition when the bundle has it), with the plural, scope, short names and
// categories that discovery advertises and that `kubectl get <name>` resolves.

import type { Bundle } from '../bundle/reader.ts';
import { arr, type Json, rec, str } from '../kube/fields.ts';
import { BUILTIN_KINDS, CLUSTER_SCOPED_KINDS } from '../kube/resources.ts';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ApiResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, as in the URL. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** api_version values of the bundle's rows served by this resource. */
  apiVersions: string[];
  /** A CRD's additionalPrinterColumns for the served version. */
  printerColumns?: PrinterColumn[];
  /** A CRD's openAPIV3Schema for the served version (what kubectl explain reads). */
  schema?: Json;
  /** Where the names come from: the Kubernetes API itself, a CRD in the bundle, or a guess. */
  origin: 'builtin' | 'crd' | 'guessed';
}

/** Short names and categories of the built-in resources, as the API server advertises them. */
const BUILTIN_EXTRAS: Readonly<Record<string, { shortNames?: string[]; all?: boolean }>> = {
  pods: { shortNames: ['po'], all: true },
  services: { shortNames: ['svc'], all: true },
  configmaps: { shortNames: ['cm'] },
  endpoints: { shortNames: ['ep'] },
  events: { shortNames: ['ev'] },
  limitranges: { shortNames: ['limits'] },
  namespaces: { shortNames: ['ns'] },
  nodes: { shortNames: ['no'] },
  persistentvolumeclaims: { shortNames: ['pvc'] },
  persistentvolumes: { shortNames: ['pv'] },
  replicationcontrollers: { shortNames: ['rc'], all: true },
  resourcequotas: { shortNames: ['quota'] },
  serviceaccounts: { shortNames: ['sa'] },
  componentstatuses: { shortNames: ['cs'] },
  deployments: { shortNames: ['deploy'], all: true },
  replicasets: { shortNames: ['rs'], all: true },
  statefulsets: { shortNames: ['sts'], all: true },
  daemonsets: { shortNames: ['ds'], all: true },
  jobs: { all: true },
  cronjobs: { shortNames: ['cj'], all: true },
  horizontalpodautoscalers: { shortNames: ['hpa'], all: true },
  poddisruptionbudgets: { shortNames: ['pdb'] },
  ingresses: { shortNames: ['ing'] },
  networkpolicies: { shortNames: ['netpol'] },
  storageclasses: { shortNames: ['sc'] },
  customresourcedefinitions: { shortNames: ['crd', 'crds'] },
  priorityclasses: { shortNames: ['pc'] },
  certificatesigningrequests: { shortNames: ['csr'] },
};

const RESOURCE_OF_KIND = new Map(Object.entries(BUILTIN_KINDS).map(([resource, kind]) => [kind, resource]));

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

/** The plural the API server would use for a kind it does not know (kubectl's own guess). */
export function guessResource(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y') && !/[aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Groups that are built into the API server: a kind there is built-in even when the table misses it. */
function isBuiltinGroup(group: string): boolean {
  return group === '' || (!group.includes('.') && group !== '') || group.endsWith('.k8s.io');
}

interface KindRow {
  api_version: string;
  kind: string;
  namespaced: boolean;
}

export class ResourceCatalogue {
  constructor(readonly resources: readonly ApiResource[]) {}

  /** The resource a URL names: group, version and plural. */
  byPath(group: string, version: string, resource: string): ApiResource | undefined {
    return this.resources.find((r) => r.group === group && r.version === version && r.resource === resource);
  }

  /** What `kubectl get NAME` means: a plural, singular, short name or kind, optionally `.group`. */
  resolve(name: string): ApiResource[] {
    const lower = name.toLowerCase();
    const matches = (r: ApiResource, n: string) =>
      r.resource === n || r.singular === n || r.kind.toLowerCase() === n || r.shortNames.includes(n);
    const plain = this.resources.filter((r) => matches(r, lower));
    if (plain.length > 0) return preferred(plain);
    // `deployments.apps`, `deployments.v1.apps`
    const dot = lower.indexOf('.');
    if (dot < 0) return [];
    const head = lower.slice(0, dot);
    const rest = lower.slice(dot + 1);
    return preferred(
      this.resources.filter(
        (r) => matches(r, head) && (r.group === rest || `${r.version}.${r.group}` === rest),
      ),
    );
  }

  /** Resources in a category, e.g. `all`. */
  category(name: string): ApiResource[] {
    return this.resources.filter((r) => r.categories.includes(name));
  }

  groups(): { group: string; versions: string[] }[] {
    const byGroup = new Map<string, Set<string>>();
    for (const r of this.resources) {
      if (!byGroup.has(r.group)) byGroup.set(r.group, new Set());
      byGroup.get(r.group)!.add(r.version);
    }
    return [...byGroup]
      .map(([group, versions]) => ({ group, versions: [...versions].sort(compareVersions) }))
      .sort((a, b) => a.group.localeCompare(b.group));
  }
}

/** Of several resources with one name, the one kubectl would pick: the core group first, then built-ins. */
function preferred(found: ApiResource[]): ApiResource[] {
  if (found.length <= 1) return found;
  const rank = (r: ApiResource) =>
    (r.group === '' ? 0 : r.origin === 'builtin' ? 1 : 2) * 10_000 + versionRank(r.version);
  return [...found].sort((a, b) => rank(a) - rank(b));
}

/** Kubernetes version priority: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  return versionRank(a) - versionRank(b) || a.localeCompare(b);
}

function versionRank(version: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
  if (!m) return 5000;
  const major = Math.min(Number(m[1]), 99);
  const stage = m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0;
  const minor = m[3] ? Math.min(Number(m[3]), 9) : 9;
  return stage * 1000 + (99 - major) * 10 + (9 - minor);
}

/** The resources of a bundle: its kinds, named by the API's own table, its CRDs or a guess. */
export async function buildCatalogue(bundle: Bundle): Promise<ResourceCatalogue> {
  const kinds = await bundle.query<KindRow>(
    `SELECT api_version, kind, bool_or(namespace IS NOT NULL) AS namespaced
     FROM objects WHERE api_version IS NOT NULL AND kind IS NOT NULL GROUP BY ALL ORDER BY ALL`,
  );
  const crds = await latestCrds(bundle);
  const audited = await auditedResources(bundle);
  const out = new Map<string, ApiResource>();
  const add = (apiVersion: string, kind: string, namespacedInData: boolean) => {
    const group = groupOf(apiVersion);
    const version = versionOf(apiVersion);
    const crd = crds.get(`${group}/${kind}`);
    const builtin = RESOURCE_OF_KIND.get(kind);
    let resource: ApiResource;
    if (crd) {
      resource = crdResource(crd, group, version, kind);
    } else if (builtin && isBuiltinGroup(group)) {
      const extras = BUILTIN_EXTRAS[builtin] ?? {};
      resource = {
        group,
        version,
        resource: builtin,
        singular: kind.toLowerCase(),
        kind,
        namespaced: !CLUSTER_SCOPED_KINDS.has(kind),
        shortNames: extras.shortNames ?? [],
        categories: extras.all ? ['all'] : [],
        apiVersions: [],
        origin: 'builtin',
      };
    } else {
      resource = {
        group,
        version,
        resource: audited.get(`${group}/${kind}`) ?? guessResource(kind),
        singular: kind.toLowerCase(),
        kind,
        namespaced: namespacedInData,
        shortNames: [],
        categories: [],
        apiVersions: [],
        origin: 'guessed',
      };
    }
    const key = `${group}/${version}/${resource.resource}`;
    const existing = out.get(key);
    if (existing) {
      if (!existing.apiVersions.includes(apiVersion)) existing.apiVersions.push(apiVersion);
      return;
    }
    resource.apiVersions.push(apiVersion);
    out.set(key, resource);
  };
  for (const row of kinds) add(row.api_version, row.kind, row.namespaced);
  // Events are always served: kubectl describe asks for them, and an empty list says "none".
  add('v1', 'Event', true);
  add('events.k8s.io/v1', 'Event', true);
  return new ResourceCatalogue([...out.values()]);
}

/** The last version of every CustomResourceDefinition the bundle holds, by `group/kind`. */
async function latestCrds(bundle: Bundle): Promise<Map<string, Json>> {
  const rows = await bundle.query<{ body: string }>(
    `SELECT body FROM objects WHERE kind = 'CustomResourceDefinition' AND body IS NOT NULL
     QUALIFY row_number() OVER (PARTITION BY name ORDER BY ts DESC, TRY_CAST(resource_version AS HUGEINT) DESC NULLS LAST) = 1`,
  );
  const out = new Map<string, Json>();
  for (const row of rows) {
    let crd: Json;
    try {
      crd = JSON.parse(row.body) as Json;
    } catch {
      continue;
    }
    const spec = rec(crd.spec);
    const kind = str(rec(spec?.names)?.kind);
    const group = str(spec?.group);
    if (kind && group) out.set(`${group}/${kind}`, crd);
  }
  return out;
}

function crdResource(crd: Json, group: string, version: string, kind: string): ApiResource {
  const spec = rec(crd.spec) ?? {};
  const names = rec(spec.names) ?? {};
  const versions = arr(spec.versions).map(rec);
  const served = versions.find((v) => str(v?.name) === version);
  const columns = arr(served?.additionalPrinterColumns ?? spec.additionalPrinterColumns)
    .map(rec)
    .filter((c): c is Json => c !== undefined)
    .map(
      (c): PrinterColumn => ({
        name: String(c.name ?? ''),
        type: String(c.type ?? 'string'),
        format: str(c.format) ?? undefined,
        description: str(c.description) ?? undefined,
        priority: typeof c.priority === 'number' ? c.priority : 0,
        jsonPath: String(c.jsonPath ?? c.JSONPath ?? ''),
      }),
    );
  return {
    group,
    version,
    resource: str(names.plural) ?? guessResource(kind),
    singular: str(names.singular) ?? kind.toLowerCase(),
    kind,
    namespaced: spec.scope !== 'Cluster',
    shortNames: arr(names.shortNames).filter((s): s is string => typeof s === 'string'),
    categories: arr(names.categories).filter((s): s is string => typeof s === 'string'),
    apiVersions: [],
    printerColumns: columns,
    schema: rec(rec(served?.schema)?.openAPIV3Schema) ?? rec(rec(spec.validation)?.openAPIV3Schema),
    origin: 'crd',
  };
}

/** Plurals the audit log names for kinds the API table does not know, by `group/kind`. */
async function auditedResources(bundle: Bundle): Promise<Map<string, string>> {
  const rows = await bundle.query<{ api_version: string | null; kind: string; resource: string }>(
    `SELECT any_value(api_version) AS api_version, kind, audit_resource AS resource FROM audit
     WHERE audit_resource IS NOT NULL AND kind IS NOT NULL GROUP BY kind, audit_resource`,
  );
  const out = new Map<string, string>();
  for (const row of rows) out.set(`${groupOf(row.api_version ?? '')}/${row.kind}`, row.resource);
  return out;
}
