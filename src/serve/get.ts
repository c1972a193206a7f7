// `kstory get` without a server: the objects kubectl get would list from the served bundle, per
// resource type, with their Table (cells at the instant) for the text renderer.

import { KstoryError } from '../errors.ts';
import type { Json } from '../kube/fields.ts';
import type { Instant } from './instant.ts';
import { resolveTypes, splitTypeName, whenItExisted } from './offline.ts';
import { selectObjects, servedObject, type Table, tableOf } from './query.ts';
import type { ApiResource } from './resources.ts';
import { SelectorError } from './selectors.ts';
import type { BundleState, StoredObject } from './state.ts';

export interface GetRequest {
  /** kubectl's arguments: `pods`, `pods web-1`, `pod/web-1 svc/web`, `po,svc`, `all`. */
  args: readonly string[];
  namespace?: string;
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  at: Instant;
}

export interface GetSection {
  resource: ApiResource;
  items: StoredObject[];
  /** The items as the API serves them (Events in the version asked for), for -o json|yaml. */
  served: Json[];
  table: Table;
}

/** The namespace a namespaced read uses: -n, else kubectl's `default`; none with -A. */
export function namespaceFor(
  resource: ApiResource,
  request: Pick<GetRequest, 'namespace' | 'allNamespaces'>,
): string | undefined {
  if (!resource.namespaced || request.allNamespaces) return undefined;
  return request.namespace ?? 'default';
}

export async function getObjects(state: BundleState, request: GetRequest): Promise<GetSection[]> {
  const [first, ...rest] = request.args;
  if (!first)
    throw new KstoryError('say what to get, e.g. kstory get pods', { hint: 'kstory get <type> [name...]' });
  // `pod/a svc/b` names objects of several types; `pods a b` names objects of one.
  const wanted: { resources: ApiResource[]; names: string[] }[] = [];
  if (first.includes('/')) {
    for (const arg of request.args) {
      const { type, name } = splitTypeName(arg);
      if (!type) throw new KstoryError(`${arg}: expected TYPE/NAME like the arguments before it`);
      wanted.push({ resources: resolveTypes(state, type).slice(0, 1), names: [name] });
    }
  } else {
    wanted.push({ resources: resolveTypes(state, first), names: [...rest] });
  }
  const sections: GetSection[] = [];
  for (const { resources, names } of wanted) {
    for (const resource of resources) {
      const namespace = namespaceFor(resource, request);
      let items: StoredObject[];
      try {
        items = await selectObjects(state, resource, request.at, {
          namespace,
          labelSelector: request.labelSelector,
          fieldSelector: request.fieldSelector,
        });
      } catch (error) {
        if (error instanceof SelectorError) throw new KstoryError(error.message);
        throw error;
      }
      if (names.length > 0) {
        const byName = new Map(items.map((i) => [i.name, i]));
        const picked: StoredObject[] = [];
        for (const name of names) {
          const item = byName.get(name);
          if (item) {
            picked.push(item);
            continue;
          }
          const qualified = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
          const hint = await whenItExisted(state, resource, namespace ?? null, name);
          throw new KstoryError(
            `${qualified} "${name}" not found${namespace ? ` in namespace ${namespace}` : ''} at that instant`,
            {
              hint: hint ?? 'Check the name and namespace (-n); kstory get <type> -A lists them all.',
            },
          );
        }
        items = picked;
      }
      const table = tableOf(resource, items, request.at, 'Metadata');
      sections.push({ resource, items, served: items.map((item) => servedObject(resource, item)), table });
    }
  }
  return sections;
}
