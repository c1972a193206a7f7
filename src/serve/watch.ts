// Watches replay the recording: every version seen after the watch's resourceVersion (an instant),
// as ADDED / MODIFIED / DELETED events, at once when the served instant stands still, or as the clock
// passes them with --speed; then bookmarks until the client leaves or its timeout ends the watch.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from '../kube/fields.ts';
import {
  instantOfResourceVersion,
  resourceVersionOf,
  type ServedCluster,
  TABLE_CONTENT_TYPE,
  wantsTable,
} from './api.ts';
import { toCoreEvent } from './event-shapes.ts';
import type { Instant } from './instant.ts';
import { isEventResource, selectObjects, servedObject, tableOf } from './query.ts';
import type { ApiResource } from './resources.ts';
import { matchesFields, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import { type Change, keyOf, type StoredObject } from './state.ts';
import { badRequest, statusBody } from './status.ts';

/** Recording time read per query while replaying: bounds the memory of a long replay. */
const SLICE_MICROS = 15 * 60 * 1_000_000;
const BOOKMARK_MS = 10_000;
const DEFAULT_TIMEOUT_S = 1800;

interface WatchRequest {
  cluster: ServedCluster;
  resource: ApiResource;
  namespace?: string;
  name?: string;
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
}

export async function watch(w: WatchRequest): Promise<void> {
  const { cluster, resource, url, res } = w;
  const fields = (() => {
    try {
      return {
        fields: parseFieldSelector(
          url.searchParams.get('fieldSelector') ?? '',
          resource.kind === 'Event' ? 'Event' : resource.kind,
        ),
        labels: url.searchParams.get('labelSelector')
          ? parseLabelSelector(url.searchParams.get('labelSelector')!)
          : null,
      };
    } catch (error) {
      if (error instanceof SelectorError) throw badRequest(error.message);
      throw error;
    }
  })();
  const selected = (item: StoredObject) => {
    if (w.name !== undefined && item.name !== w.name) return false;
    if (!fields.labels && fields.fields.length === 0) return true;
    const obj = isEventResource(resource) ? toCoreEvent(item.object) : item.object;
    return (!fields.labels || fields.labels(obj)) && matchesFields(obj, resource.kind, fields.fields);
  };
  const table = wantsTable(w.req.headers.accept);
  const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
  const timeout = Math.max(1, Number(url.searchParams.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_S)) * 1000;
  const rv = url.searchParams.get('resourceVersion') ?? '';
  const initial = url.searchParams.get('sendInitialEvents') === 'true' || rv === '' || rv === '0';

  res.writeHead(200, {
    'content-type': table ? TABLE_CONTENT_TYPE : 'application/json',
    'transfer-encoding': 'chunked',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();
  let closed = false;
  let columnsSent = false;
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      closed = true;
      resolve();
    };
    res.on('close', finish);
    w.req.on('close', finish);
  });
  const timer = setTimeout(() => res.end(), timeout);
  const stopMoves = cluster.clock.onMove((at) => {
    // What was replayed no longer holds: say so the way the API server says a watch is too old.
    send({
      type: 'ERROR',
      object: statusBody(410, 'Expired', `the served instant moved to ${resourceVersionOf(at)}; list again`),
    });
    res.end();
  });

  async function send(event: { type: string; object: unknown }): Promise<void> {
    // The response may have been ended (timeout, moved instant) before its 'close' arrives: a write
    // then would throw in the server, so an ended response is a closed watch.
    if (closed || res.writableEnded || res.destroyed) return;
    if (!res.write(`${JSON.stringify(event)}\n`)) {
      await Promise.race([new Promise((r) => res.once('drain', r)), done]);
    }
  }

  function eventObject(item: StoredObject, at: Instant): unknown {
    if (!table) return servedObject(resource, item);
    const t = tableOf(resource, [item], at, 'Object');
    // The columns once, with the first row; later rows are cells only, as the API server sends them.
    if (columnsSent) t.columnDefinitions = [];
    columnsSent = true;
    return t;
  }

  function bookmark(at: Instant, initialEnd = false): Promise<void> {
    if (!bookmarks) return Promise.resolve();
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    const metadata: Json = { resourceVersion: resourceVersionOf(at) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    return send({ type: 'BOOKMARK', object: { kind: resource.kind, apiVersion, metadata } });
  }

  try {
    let from: Instant;
    const matched = new Set<string>();
    if (initial) {
      from = cluster.clock.now();
      const items = await selectObjects(cluster.state, resource, from, {
        namespace: w.namespace,
        name: w.name,
        labelSelector: url.searchParams.get('labelSelector') ?? undefined,
        fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
      });
      for (const item of items) {
        matched.add(keyOf(item));
        await send({ type: 'ADDED', object: eventObject(item, from) });
      }
      await bookmark(from, true);
    } else {
      const at = instantOfResourceVersion(rv, cluster);
      if (at === null) {
        await send({ type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${rv}`) });
        res.end();
        return;
      }
      from = at;
      const items = await selectObjects(cluster.state, resource, from, {
        namespace: w.namespace,
        name: w.name,
        labelSelector: url.searchParams.get('labelSelector') ?? undefined,
        fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
      });
      for (const item of items) matched.add(keyOf(item));
    }
    const present = new Set(
      (await cluster.state.objectsAt(resource, from, { namespace: w.namespace })).map(keyOf),
    );
    const end = cluster.state.window.end;
    while (!closed && from < end) {
      const to = Math.min(end, from + SLICE_MICROS);
      const changes = await cluster.state.changes(resource, from, to, { namespace: w.namespace }, present);
      for (const change of changes) {
        if (closed) break;
        const wait = cluster.clock.delayUntil(change.ts);
        if (wait === Number.POSITIVE_INFINITY && cluster.clock.speed !== null) break;
        if (wait > 0 && cluster.clock.speed !== null) {
          await Promise.race([new Promise((r) => setTimeout(r, Math.min(wait, 2 ** 31 - 1))), done]);
          if (closed) break;
        }
        await deliver(change);
      }
      from = to;
      await bookmark(from);
    }

    async function deliver(change: Change): Promise<void> {
      const key = keyOf(change.item);
      const was = matched.has(key);
      const is = change.type !== 'DELETED' && selected(change.item);
      if (is) matched.add(key);
      else matched.delete(key);
      if (change.type === 'DELETED' && was)
        await send({ type: 'DELETED', object: eventObject(change.item, change.ts) });
      else if (is)
        await send({ type: was ? 'MODIFIED' : 'ADDED', object: eventObject(change.item, change.ts) });
      else if (was) await send({ type: 'DELETED', object: eventObject(change.item, change.ts) });
    }

    // Nothing more will happen: keep the watch open as an API server would, with bookmarks.
    while (!closed) {
      await Promise.race([new Promise((r) => setTimeout(r, BOOKMARK_MS)), done]);
      await bookmark(end);
    }
  } finally {
    clearTimeout(timer);
    stopMoves();
    if (!res.writableEnded) res.end();
  }
}
