// `kubectl get -o json|yaml` output and `kubectl cluster-info dump` files: single objects, Lists,
// `kubectl get -w -o json` streams of concatenated objects, `--output-watch-events` streams,
// events (core/v1 and events.k8s.io/v1), and the old dump format with capitalised keys.

import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';
import type { WatchEvent } from '../../bundle/row.ts';
import { KstoryError, messageOf } from '../../errors.ts';
import type { KubeObject } from '../../kube/to-row.ts';
import { type FileContext, issue } from '../context.ts';
import { importPrometheusDocument, isPrometheusResponse } from './prometheus.ts';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** JSON text: one document, or several back to back (watch streams, JSON lines). */
export async function importJsonText(text: string, ctx: FileContext): Promise<void> {
  let whole: unknown;
  let parsed = false;
  try {
    whole = JSON.parse(text);
    parsed = true;
  } catch {
    // Not one document: split it into the documents it holds.
  }
  if (parsed) {
    if (!isKubernetesShaped(whole)) {
      ctx.sink.skipFile(
        ctx.stats,
        ctx.entry.path,
        'JSON that holds no Kubernetes objects, audit events or Prometheus data',
      );
      return;
    }
    await importDocument(whole, 1, ctx);
    return;
  }
  // Pretty-printed objects back to back are `kubectl get -w -o json`: versions over time.
  const stream = !isJsonLines(text);
  if (stream) ctx.stats.history = true;
  for (const doc of splitJsonDocuments(text)) {
    if ('error' in doc) {
      issue(ctx, doc.line, doc.error);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(doc.text);
    } catch (error) {
      issue(ctx, doc.line, `invalid JSON: ${messageOf(error)}`);
      continue;
    }
    await importDocument(value, doc.line, ctx, stream);
  }
}

/** Whether a JSON document is anything this importer reads: it names a kind, holds items, is a watch event or a Prometheus response. */
function isKubernetesShaped(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0 || value.some(isKubernetesShaped);
  if (!isRecord(value)) return false;
  return (
    'kind' in value ||
    'Kind' in value ||
    'items' in value ||
    'Items' in value ||
    'apiVersion' in value ||
    isPrometheusResponse(value) ||
    (typeof value.type === 'string' && 'object' in value)
  );
}

type Split = { text: string; line: number } | { error: string; line: number };

/**
 * Cut concatenated JSON values apart: JSON lines by line (so that one cut line costs one line),
 * pretty-printed streams (`kubectl get -w -o json`) by tracking nesting outside strings.
 */
function isJsonLines(text: string): boolean {
  const firstLineEnd = text.indexOf('\n');
  const firstLine = (firstLineEnd === -1 ? text : text.slice(0, firstLineEnd)).trim();
  return firstLine.length > 1 && firstLine.startsWith('{') && firstLine.endsWith('}');
}

export function* splitJsonDocuments(text: string): Generator<Split> {
  if (isJsonLines(text)) {
    yield* splitLines(text);
    return;
  }
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (c === 10 || c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c !== 123 && c !== 91) {
      const end = text.indexOf('\n', i);
      yield { error: `not JSON: "${text.slice(i, Math.min(end === -1 ? n : end, i + 60))}"`, line };
      if (end === -1) return;
      i = end;
      continue;
    }
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) line++;
      if (inString) {
        if (ch === 92) i++;
        else if (ch === 34) inString = false;
      } else if (ch === 34) inString = true;
      else if (ch === 123 || ch === 91) depth++;
      else if ((ch === 125 || ch === 93) && --depth === 0) {
        i++;
        break;
      }
    }
    if (depth !== 0) {
      yield { error: 'truncated JSON document (the file ends inside it)', line: startLine };
      return;
    }
    yield { text: text.slice(start, i), line: startLine };
  }
}

function* splitLines(text: string): Generator<Split> {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const content = text.slice(start, end).trim();
    if (content !== '') yield { text: content, line };
    start = end + 1;
  }
}

/**
 * YAML text: one or more documents separated by `---`. Each document is parsed on its own, so a
 * damaged one costs only itself. js-yaml with the core schema: timestamps stay strings, and it
 * parses kubectl's YAML several times faster than the alternatives (must-gathers hold ~50 MB).
 */
export async function importYamlText(text: string, ctx: FileContext): Promise<void> {
  for (const doc of splitYamlDocuments(text)) {
    let value: unknown;
    try {
      value = loadYaml(doc.text, { schema: CORE_SCHEMA, json: true });
    } catch (error) {
      const mark = error instanceof YAMLException ? error.mark : undefined;
      const reason = error instanceof YAMLException ? error.reason : messageOf(error);
      issue(ctx, doc.line + (mark?.line ?? 0), `invalid YAML: ${reason}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    await importDocument(value, doc.line, ctx);
  }
}

const YAML_SEPARATOR_RE = /^(?:---|\.\.\.)(?:[ \t].*)?$/;

function* splitYamlDocuments(text: string): Generator<{ text: string; line: number }> {
  let start = 0;
  let startLine = 1;
  let line = 1;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    // Only a bare separator splits: `--- !tag` or `--- {` would carry content, so they stay.
    if (text.charCodeAt(pos) === 45 || text.charCodeAt(pos) === 46) {
      const current = text.slice(pos, end).replace(/\r$/, '');
      if (YAML_SEPARATOR_RE.test(current) && current.slice(3).trim() === '') {
        if (pos > start) yield { text: text.slice(start, pos), line: startLine };
        start = end + 1;
        startLine = line + 1;
      }
    }
    pos = end + 1;
    line++;
  }
  if (start < text.length) yield { text: text.slice(start), line: startLine };
}

/** One parsed JSON or YAML document of any kind this importer knows. */
export async function importDocument(
  value: unknown,
  line: number,
  ctx: FileContext,
  stream = false,
): Promise<void> {
  if (Array.isArray(value)) {
    for (const item of value) await importDocument(item, line, ctx, stream);
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
    await importPrometheusDocument(doc, line, ctx);
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
    for (const item of doc.items) {
      if (!isRecord(item)) {
        issue(ctx, line, 'list item is not an object');
        continue;
      }
      const filled = item.kind === undefined && itemKind ? { kind: itemKind, apiVersion, ...item } : item;
      await importObject(filled, line, ctx, 'LISTED');
    }
    return;
  }
  await importObject(doc, line, ctx, stream ? null : 'LISTED');
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
    if (!(error instanceof KstoryError)) throw error;
    issue(ctx, line, error.message);
  }
}

function convertObject(obj: Json, line: number, ctx: FileContext, watchEvent: WatchEvent | null): void {
  const kind = obj.kind;
  if (typeof kind !== 'string' || kind === '') {
    issue(ctx, line, 'object without a kind (unknown kind): not imported');
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

// --- the old cluster-info dump format: Go field names as keys ---

function hasCapitalisedKeys(doc: Json): boolean {
  return 'Items' in doc || 'Kind' in doc || 'ObjectMeta' in doc || 'InvolvedObject' in doc;
}

/** Maps whose keys are user data (labels, data...): their keys are kept as they are. */
const DATA_MAPS = new Set([
  'labels',
  'annotations',
  'data',
  'stringData',
  'binaryData',
  'selector',
  'matchLabels',
  'nodeSelector',
  'capacity',
  'allocatable',
  'limits',
  'requests',
  'hard',
  'used',
]);

/** `APIVersion` → `apiVersion`, `UID` → `uid`, `InvolvedObject` → `involvedObject`. */
function lowerGoName(key: string): string {
  if (!/^[A-Z]/.test(key)) return key;
  const match = /^[A-Z]+/.exec(key)![0];
  if (match.length === key.length) return key.toLowerCase();
  if (match.length === 1) return key[0]!.toLowerCase() + key.slice(1);
  return match.slice(0, -1).toLowerCase() + key.slice(match.length - 1);
}

export function normaliseGoKeys(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => normaliseGoKeys(v));
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if (keepKeys) {
      out[key] = child;
      continue;
    }
    // Embedded Go structs: TypeMeta is flattened into the object, ObjectMeta/ListMeta is `metadata`.
    if (key === 'TypeMeta' && isRecord(child)) {
      Object.assign(out, normaliseGoKeys(child));
      continue;
    }
    const name = key === 'ObjectMeta' || key === 'ListMeta' ? 'metadata' : lowerGoName(key);
    out[name] = normaliseGoKeys(child, DATA_MAPS.has(name));
  }
  return out;
}
