// OpenAPI v3 of the custom resources a bundle holds, from their CRDs' schemas, so that
// `kubectl explain <custom resource>` works against a served bundle. Built-in kinds have no schema
// in a bundle: explain says it cannot find them.

import { createHash } from 'node:crypto';
import type { Json } from '../kube/fields.ts';
import type { ApiResource, ResourceCatalogue } from './resources.ts';

function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function withSchemas(catalogue: ResourceCatalogue): ApiResource[] {
  return catalogue.resources.filter((r) => r.schema !== undefined);
}

/** `/openapi/v3`: one entry per group version with a schema. */
export function openApiIndex(catalogue: ResourceCatalogue): Json {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const r of withSchemas(catalogue)) {
    const gv = groupVersionPath(r.group, r.version);
    const hash = createHash('sha256')
      .update(JSON.stringify(openApiDocument(catalogue, gv)))
      .digest('hex')
      .slice(0, 16)
      .toUpperCase();
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return { paths };
}

/** `/openapi/v3/apis/<group>/<version>`, or null when that group version has no schema. */
export function openApiDocument(catalogue: ResourceCatalogue, gv: string): Json | null {
  const resources = withSchemas(catalogue).filter((r) => groupVersionPath(r.group, r.version) === gv);
  if (resources.length === 0) return null;
  const schemas: Json = {};
  const paths: Json = {};
  for (const r of resources) {
    const reversed = r.group.split('.').reverse().join('.');
    const name = `${reversed}.${r.version}.${r.kind}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    schemas[name] = { ...r.schema, 'x-kubernetes-group-version-kind': [gvk] };
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
    info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths,
    components: { schemas },
  };
}
