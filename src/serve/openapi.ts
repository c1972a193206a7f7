// OpenAPI v3 of the resources a bundle holds, so that `kubectl explain` works against a served
// bundle: custom resources from their CRDs' schemas, built-in kinds from the Kubernetes models
// that ship with kstory (src/serve/builtin-schemas.ts). One document per group version, as the
// API server serves them, each built once.

import { createHash } from 'node:crypto';
import type { Json } from '../kube/fields.ts';
import { modelOfKind, schemaName, schemasOf } from './builtin-schemas.ts';
import type { ApiResource, ResourceCatalogue } from './resources.ts';

function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The schema of a resource's kind: its CRD's, or a built-in kind's model. */
interface Described {
  resource: ApiResource;
  /** Its key in components.schemas. */
  name: string;
  /** components.schemas entries it brings: its own and those it references. */
  schemas: Record<string, Json>;
}

function describe(r: ApiResource): Described | null {
  if (r.schema !== undefined) {
    const reversed = r.group.split('.').reverse().join('.');
    const name = `${reversed}.${r.version}.${r.kind}`;
    return { resource: r, name, schemas: { [name]: r.schema } };
  }
  if (r.origin !== 'builtin') return null;
  const model = modelOfKind(r.group, r.version, r.kind);
  if (!model) return null;
  return { resource: r, name: schemaName(model), schemas: schemasOf([{ model, kind: r.kind }]) };
}

const documents = new WeakMap<ResourceCatalogue, Map<string, { doc: Json; hash: string } | null>>();

function documentOf(catalogue: ResourceCatalogue, gv: string): { doc: Json; hash: string } | null {
  let built = documents.get(catalogue);
  if (!built) {
    built = new Map();
    documents.set(catalogue, built);
  }
  if (built.has(gv)) return built.get(gv)!;
  const described = catalogue.resources
    .filter((r) => groupVersionPath(r.group, r.version) === gv)
    .map(describe)
    .filter((d): d is Described => d !== null);
  const doc = described.length === 0 ? null : buildDocument(gv, described);
  const entry = doc
    ? {
        doc,
        hash: createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 16).toUpperCase(),
      }
    : null;
  built.set(gv, entry);
  return entry;
}

function buildDocument(gv: string, described: readonly Described[]): Json {
  const schemas: Json = {};
  const paths: Json = {};
  for (const { resource: r, name, schemas: own } of described) {
    Object.assign(schemas, own);
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    schemas[name] = { ...(schemas[name] as Json), 'x-kubernetes-group-version-kind': [gvk] };
    // kubectl explain finds a resource's kind through the GET operation of its path.
    const base = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    const read = (action: string) => ({
      get: {
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': gvk,
        responses: {
          '200': {
            description: 'OK',
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
          },
        },
      },
    });
    paths[`${base}/{name}`] = read('get');
    paths[base] = read('list');
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'kstory' },
    paths,
    components: { schemas },
  };
}

/** `/openapi/v3`: one entry per group version with a schema. */
export function openApiIndex(catalogue: ResourceCatalogue): Json {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const r of catalogue.resources) {
    const gv = groupVersionPath(r.group, r.version);
    if (gv in paths) continue;
    const entry = documentOf(catalogue, gv);
    if (entry) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${entry.hash}` };
  }
  return { paths };
}

/** `/openapi/v3/apis/<group>/<version>`, or null when that group version has no schema. */
export function openApiDocument(catalogue: ResourceCatalogue, gv: string): Json | null {
  return documentOf(catalogue, gv)?.doc ?? null;
}
