// `kubectl get -o json` output and `kubectl cluster-info dump` files: one document (an object, a
// List, a Prometheus API answer), `kubectl get -w -o json` streams of concatenated objects, JSON lines
// and `--output-watch-events` streams. What each document holds is read by documents.ts.

import { messageOf } from '../../errors.ts';
import { isPrometheusResponse } from '../../prometheus/response.ts';
import { type FileContext, issue, skipFile } from '../context.ts';
import { importDocument } from '../documents.ts';
import { defineFormat } from '../format.ts';

export const kubeJson = defineFormat({
  name: 'kube-json',
  description:
    'kubectl get -o json: objects, Lists, -w streams, --output-watch-events; events; kubectl cluster-info dump (also the old Go-keyed one); Prometheus API answers (query, query_range, alerts, rules)',
  detect: (head) =>
    head.text.startsWith('{') || head.text.startsWith('[') ? { confidence: 0.5, reason: 'JSON' } : null,
  import: async (body, ctx) => importJsonText(await body.text(), ctx),
});

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
      skipFile(ctx, 'JSON that holds no Kubernetes objects, audit events or Prometheus data');
      return;
    }
    await importDocument(whole, 1, ctx);
    return;
  }
  // Pretty-printed objects back to back are `kubectl get -w -o json`: versions over time. Lists
  // back to back are several `kubectl get -o json` saved in one file: still a snapshot.
  const lines = isJsonLines(text);
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
    const watched =
      !lines && !(isRecord(value) && (Array.isArray(value.items) || Array.isArray(value.Items)));
    if (watched) ctx.stats.history = true;
    await importDocument(value, doc.line, ctx, watched);
  }
}

/** Whether a JSON document is anything this importer reads: it names a kind, holds items, is a watch event, a Prometheus response or an object with metadata. */
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
    (typeof value.type === 'string' && 'object' in value) ||
    // An object saved without kind (an insights archive's config/pod/<ns>/<name>.json): its path says.
    (isRecord(value.metadata) && typeof value.metadata.name === 'string')
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

export function* splitJsonDocuments(text: string, byLine = isJsonLines(text)): Generator<Split> {
  if (byLine) {
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
