// One parsed JSON or YAML document, whatever it holds: an object, a List, a watch event, a core or
// events.k8s.io Event, an audit event, a Prometheus API answer, or the old dump format's Go keys.
// Shared by the JSON and YAML formats; what cannot be imported is reported at its line.

import path from 'node:path';
import type { WatchEvent } from '../bundle/row.ts';
import { isItemError } from '../errors.ts';
import type { KubeObject } from '../kube/to-row.ts';
import { alertRows, isPrometheusResponse, queryResultRows } from '../prometheus/response.ts';
import { type FileContext, issue } from './context.ts';
import { hasCapitalisedKeys, normaliseGoKeys } from './go-keys.ts';
import { type KindHint, kindOfPath, kindOfSelfLink } from './kind-inference.ts';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/**
 * One parsed JSON or YAML document of any kind this importer knows. `hint` is what the document's
 * place says it holds, for documents that do not say (see kind-inference.ts).
 */
export async function importDocument(
  value: unknown,
  line: number,
  ctx: FileContext,
  stream = false,
  hint: KindHint | null = null,
): Promise<void> {
  if (Array.isArray(value)) {
    for (const item of value) await importDocument(item, line, ctx, stream, hint);
    return;
  }
  if (!isRecord(value)) {
    issue(ctx, line, `not a Kubernetes object (a JSON ${value === null ? 'null' : typeof value})`);
    return;
  }
  let doc = value;
  if (hasCapitalisedKeys(doc)) doc = normaliseGoKeys(doc) as Json;
  if (isPrometheusResponse(doc)) {
    ctx.stats.history ||= doc.data !== undefined && (doc.data as Json).resultType === 'matrix';
    importPrometheusResponse(doc, line, ctx);
    return;
  }
  if (typeof doc.type === 'string' && WATCH_TYPES.has(doc.type) && 'object' in doc) {
    ctx.stats.history = true;
    await importWatchEvent(doc, line, ctx);
    return;
  }
  // An empty list is written `items: null` by some tools (must-gather's RouteLists).
  if (doc.items === null && typeof doc.kind === 'string' && doc.kind.endsWith('List')) return;
  if (Array.isArray(doc.items)) {
    const listKind = typeof doc.kind === 'string' ? doc.kind : '';
    // API lists (PodList) leave kind and apiVersion out of their items; kubectl's `List` keeps them.
    const itemKind = listKind.endsWith('List') && listKind !== 'List' ? listKind.slice(0, -4) : undefined;
    const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : undefined;
    // A list that does not say (old internal-type dumps, files named after what they hold): its
    // selfLink, its place, its path.
    const listHint: KindHint | null = itemKind
      ? { kind: itemKind, apiVersion: apiVersion ?? '', from: 'its list' }
      : listKind === ''
        ? (kindOfSelfLink(metadataOf(doc).selfLink) ?? hint ?? pathHint(ctx))
        : null;
    for (const item of doc.items) {
      if (!isRecord(item)) {
        issue(ctx, line, 'list item is not an object');
        continue;
      }
      await importObject(withKind(item, listHint), line, ctx, 'LISTED');
    }
    return;
  }
  await importObject(withKind(doc, hint ?? pathHint(ctx)), line, ctx, stream ? null : 'LISTED');
}

function metadataOf(doc: Json): Json {
  return isRecord(doc.metadata) ? doc.metadata : {};
}

/** Kind and apiVersion for an object that lacks them: its own selfLink first, then the hint. */
function withKind(obj: Json, hint: KindHint | null): Json {
  if (typeof obj.kind === 'string' && obj.kind !== '') return obj;
  const found = kindOfSelfLink(metadataOf(obj).selfLink) ?? hint;
  if (!found) return obj;
  // An Event list item may hold only involvedObject and the rest: it is still an Event.
  return { ...obj, kind: found.kind, apiVersion: obj.apiVersion || found.apiVersion || undefined };
}

function pathHint(ctx: FileContext): KindHint | null {
  return kindOfPath(ctx.entry.relPath);
}

async function importWatchEvent(doc: Json, line: number, ctx: FileContext): Promise<void> {
  const type = doc.type as string;
  if (type === 'BOOKMARK') return;
  const object = doc.object;
  if (type === 'ERROR') {
    const message = isRecord(object) && typeof object.message === 'string' ? object.message : 'no message';
    issue(ctx, line, `watch stream reported an error: ${message}`);
    return;
  }
  if (!isRecord(object)) {
    issue(ctx, line, `watch event ${type} without an object`);
    return;
  }
  await importObject(object, line, ctx, type as WatchEvent);
}

const NOT_OBJECTS: Record<string, string> = {
  Status: 'an API error (kind Status)',
  Table: 'a server-side table, not objects (use -o json or -o yaml)',
  WatchEvent: 'a watch event without type',
};

/** One object; a document that cannot be converted is reported at its line, and the file goes on. */
async function importObject(
  obj: Json,
  line: number,
  ctx: FileContext,
  watchEvent: WatchEvent | null,
): Promise<void> {
  try {
    convertObject(obj, line, ctx, watchEvent);
  } catch (error) {
    if (!isItemError(error)) throw error;
    issue(ctx, line, error.message);
  }
}

function convertObject(obj: Json, line: number, ctx: FileContext, watchEvent: WatchEvent | null): void {
  const kind = obj.kind;
  if (typeof kind !== 'string' || kind === '') {
    issue(
      ctx,
      line,
      'object without a kind, and neither its selfLink nor its file path says which: not imported (save it with kubectl get -o json, which keeps kind)',
    );
    return;
  }
  // A kubeconfig is `kind: Config` with clusters and users (other kinds named Config are objects).
  if (kind === 'Config' && ('users' in obj || 'clusters' in obj || 'contexts' in obj)) {
    issue(ctx, line, 'a kubeconfig, not imported: it holds credentials');
    return;
  }
  if (kind in NOT_OBJECTS) {
    const status = kind === 'Status' && typeof obj.message === 'string' ? `: ${obj.message}` : '';
    issue(ctx, line, `${NOT_OBJECTS[kind]}${status}`);
    return;
  }
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  if (kind === 'Event' && apiVersion.startsWith('audit.k8s.io/')) {
    ctx.stats.history = true;
    ctx.sink.audit(obj, undefined, { stats: ctx.stats, origin: ctx.origin });
    return;
  }
  if (
    kind === 'Event' &&
    (apiVersion === 'v1' || apiVersion === '' || apiVersion.startsWith('events.k8s.io/'))
  ) {
    ctx.sink.event(obj, { stats: ctx.stats, origin: ctx.origin, fallbackTs: ctx.fallbackTs });
    return;
  }
  const metadata = obj.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string') {
    issue(ctx, line, `${kind} without metadata.name: not imported`);
    return;
  }
  ctx.sink.object(obj as KubeObject, {
    stats: ctx.stats,
    origin: ctx.origin,
    watchEvent,
    fallbackTs: ctx.fallbackTs,
    ts: watchEvent === 'DELETED' ? deletionTime(obj) : undefined,
  });
}

function deletionTime(obj: Json): string | undefined {
  const metadata = obj.metadata as Json;
  return typeof metadata.deletionTimestamp === 'string' ? metadata.deletionTimestamp : undefined;
}

/** A saved Prometheus API answer: query results as samples, active alerts as `ALERTS` samples. */
function importPrometheusResponse(doc: Json, line: number, ctx: FileContext): void {
  if (doc.status === 'error') {
    issue(ctx, line, `Prometheus answered with an error: ${String(doc.error ?? doc.errorType ?? 'unknown')}`);
    return;
  }
  const data = doc.data as Json;
  const converted = queryResultRows(data, {
    // A result without __name__ is an expression (rate(...)): it is named after the file it was saved in.
    fallbackName: path.basename(ctx.entry.relPath).replace(/\.[^.]*$/, '') || 'query_result',
    origin: ctx.origin,
    row: (row) => ctx.sink.row(row, ctx.stats),
    unreadable: (message) => issue(ctx, line, message),
  });
  if (converted !== null) return;
  const alerts = alertRows(data, ctx.origin);
  if (alerts !== null) {
    for (const row of alerts) ctx.sink.row(row, ctx.stats);
    return;
  }
  issue(ctx, line, `Prometheus response of an unknown result type ${JSON.stringify(data.resultType)}`);
}
