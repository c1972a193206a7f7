// get and list of a served resource: one object or a page of them, as JSON objects or, for
// `kubectl get`, as a Table. Resource versions are instants of the recording (epoch microseconds):
// a list says which instant it shows, a continue token keeps paging at that instant.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isKstoryError } from '../errors.ts';
import type { Clock } from './clock.ts';
import { type Instant, parseInstant } from './instant.ts';
import { type IncludeObject, type ListOptions, selectObjects, servedText, tableText } from './query.ts';
import type { ApiResource } from './resources.ts';
import { SelectorError } from './selectors.ts';
import type { BundleState, StoredObject } from './state.ts';
import { badRequest, expired, notFound, sendJson } from './status.ts';

export interface ServedCluster {
  name: string;
  state: BundleState;
  clock: Clock;
}

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

export function resourceVersionOf(at: Instant): string {
  return String(at);
}

/** An instant this server gave out as a resourceVersion, or null for anything else. */
export function instantOfResourceVersion(rv: string, cluster: ServedCluster): Instant | null {
  if (!/^\d{1,17}$/.test(rv)) return null;
  const at = Number(rv);
  const { start, end } = cluster.state.window;
  return at >= start && at <= end ? at : null;
}

interface ContinueToken {
  at: Instant;
  after: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof token.at === 'number' && typeof token.after === 'string') return token;
  } catch {
    // Reported below.
  }
  throw badRequest('invalid continue token');
}

function keyOf(item: StoredObject): string {
  return `${item.namespace ?? ''}\u0000${item.name}`;
}

function listOptions(url: URL, namespace: string | undefined, name?: string): ListOptions {
  return {
    namespace,
    name,
    labelSelector: url.searchParams.get('labelSelector') ?? undefined,
    fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
  };
}

function includeObject(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** The instant a read shows: the clock's, or the one a continue token or an exact resourceVersion names. */
/** The header that asks one request for another instant than the server's: `X-Kstory-At: 09:12`. */
export const AT_HEADER = 'x-kstory-at';

function instantOf(
  url: URL,
  cluster: ServedCluster,
  token: ContinueToken | null,
  req?: IncomingMessage,
): Instant {
  if (token) return token.at;
  const asked = req?.headers[AT_HEADER];
  if (typeof asked === 'string' && asked.trim() !== '') {
    try {
      return parseInstant(asked, cluster.state.window, AT_HEADER, cluster.clock.now());
    } catch (error) {
      if (isKstoryError(error)) throw badRequest(error.message);
      throw error;
    }
  }
  const rv = url.searchParams.get('resourceVersion');
  if (rv && rv !== '0' && url.searchParams.get('resourceVersionMatch') === 'Exact') {
    const at = instantOfResourceVersion(rv, cluster);
    if (at === null) throw expired(rv);
    return at;
  }
  return cluster.clock.now();
}

export async function getObject(
  cluster: ServedCluster,
  resource: ApiResource,
  namespace: string | undefined,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const at = instantOf(url, cluster, null, req);
  const [item] = await cluster.state.objectsAt(resource, at, { namespace, name });
  if (!item) throw notFound(resource.resource, name, resource.group);
  if (wantsTable(req.headers.accept)) {
    const table = tableText(resource, [item], at, includeObject(url), {
      resourceVersion: resourceVersionOf(at),
    });
    sendJson(res, 200, table, TABLE_CONTENT_TYPE);
    return;
  }
  sendJson(res, 200, servedText(resource, item));
}

export async function listObjects(
  cluster: ServedCluster,
  resource: ApiResource,
  namespace: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const continueText = url.searchParams.get('continue');
  const token = continueText ? decodeContinue(continueText) : null;
  const at = instantOf(url, cluster, token, req);
  let items: StoredObject[];
  try {
    items = await selectObjects(cluster.state, resource, at, listOptions(url, namespace));
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
  let start = 0;
  if (token) {
    // Keys are sorted: the page starts after the last key the previous page returned.
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyOf(items[mid]!) <= token.after) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const end = limit > 0 ? Math.min(items.length, start + limit) : items.length;
  const page = items.slice(start, end);
  const metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number } = {
    resourceVersion: resourceVersionOf(at),
  };
  if (end < items.length) {
    metadata.continue = encodeContinue({ at, after: keyOf(items[end - 1]!) });
    metadata.remainingItemCount = items.length - end;
  }
  if (wantsTable(req.headers.accept)) {
    sendJson(res, 200, tableText(resource, page, at, includeObject(url), metadata), TABLE_CONTENT_TYPE);
    return;
  }
  const listKind = `${resource.kind}List`;
  const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
  const head = JSON.stringify({ kind: listKind, apiVersion, metadata }).slice(0, -1);
  // The recorded texts go out as they are: no parse and serialise of tens of thousands of objects.
  const body = `${head},"items":[${page.map((item) => servedText(resource, item)).join(',')}]}`;
  sendJson(res, 200, body);
}
