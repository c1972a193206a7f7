// The shapes an audit export comes in, cut into documents: JSON lines (also behind a text prefix,
// `2024-05-01T10:00:00Z kube-apiserver-audit-1 {...}`), one JSON document or several back to back,
// YAML documents (`gcloud logging read --format=yaml`), CSV with a header (CloudWatch Logs Insights).

import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';
import { messageOf } from '../../errors.ts';
import { parseJsonText } from '../envelope.ts';
import type { FileBody, FileHead } from '../format.ts';
import { splitJsonDocuments } from '../formats/kube-json.ts';
import { splitYamlDocuments } from '../formats/kube-yaml.ts';
import { csvRecords } from './csv.ts';

export type ExportShape = 'lines' | 'json' | 'yaml' | 'csv';

export type ExportDocument = { value: unknown; line: number } | { error: string; line: number };

// A header row of column names: `@timestamp,@message`, `TimeGenerated [UTC],AuditId,Verb,…`.
const CSV_COLUMN_RE = /^"?[@\w][\w@. \-[\]()/]*"?$/;
const YAML_START_RE = /^(?:---[ \t]*$|[A-Za-z@'"][^:\n]*:(?:[ \t]|$))/;

/** The shape of a file from its head, or null when it has none of them. */
export function shapeOf(head: FileHead): ExportShape | null {
  const text = head.text;
  if (text.startsWith('{') || text.startsWith('[')) {
    return parseJsonText(head.lines[0] ?? '') !== undefined ? 'lines' : 'json';
  }
  const first = head.lines[0] ?? '';
  const columns = first.split(',');
  if (columns.length > 1 && columns.every((c) => CSV_COLUMN_RE.test(c))) return 'csv';
  if (head.lines.some((line) => prefixedJson(line) !== undefined)) return 'lines';
  if (YAML_START_RE.test(text)) return 'yaml';
  return null;
}

/**
 * JSON after a text prefix on one line (the first `{` that starts a JSON object to the line's end),
 * as an envelope: the prefix may say where the line came from (`aws logs tail` names its stream).
 */
function prefixedJson(line: string): { prefix: string; entry: unknown } | undefined {
  const at = line.indexOf('{');
  if (at <= 0) return undefined;
  const entry = parseJsonText(line.slice(at));
  return entry === undefined ? undefined : { prefix: line.slice(0, at).trim(), entry };
}

function lineDocument(text: string, line: number): ExportDocument | null {
  if (text.length === 0 || text.trim() === '') return null;
  const whole = parseJsonText(text);
  if (whole !== undefined) return { value: whole, line };
  const prefixed = prefixedJson(text);
  if (prefixed !== undefined) return { value: prefixed, line };
  return { error: text.trimStart().startsWith('{') ? 'invalid JSON (truncated line?)' : 'not JSON', line };
}

/** The documents that fit whole in a file's head: what detection looks at. */
export function headDocuments(head: FileHead, shape: ExportShape): ExportDocument[] {
  const docs: ExportDocument[] = [];
  if (shape === 'lines') {
    // The last line of a head that is not the whole file may be cut.
    const lines = head.complete || head.lines.length === 20 ? head.lines : head.lines.slice(0, -1);
    lines.forEach((text, k) => {
      const doc = lineDocument(text, k + 1);
      if (doc) docs.push(doc);
    });
    return docs;
  }
  if (shape === 'json') {
    if (head.complete) return jsonDocuments(head.text);
    // A large array: the items that fit in the head.
    if (!head.text.startsWith('[')) return docs;
    for (const item of splitJsonDocuments(head.text.slice(1), false)) {
      if ('text' in item) docs.push({ value: parseJsonText(item.text), line: item.line });
    }
    return docs.filter((d) => !('value' in d) || d.value !== undefined);
  }
  if (shape === 'yaml') return yamlDocuments(head.text, head.complete);
  return csvDocuments(head.text, head.complete);
}

/** Every document of a file, streaming JSON lines (exports run to gigabytes). */
export async function* bodyDocuments(body: FileBody, shape: ExportShape): AsyncGenerator<ExportDocument> {
  if (shape === 'lines') {
    for await (const { first, lines } of body.lines()) {
      for (let k = 0; k < lines.length; k++) {
        const doc = lineDocument(lines[k]!, first + k);
        if (doc) yield doc;
      }
    }
    return;
  }
  const text = await body.text();
  if (shape === 'json') yield* jsonDocuments(text);
  else if (shape === 'yaml') yield* yamlDocuments(text, true);
  else yield* csvDocuments(text, true);
}

function jsonDocuments(text: string): ExportDocument[] {
  try {
    return [{ value: JSON.parse(text), line: 1 }];
  } catch {
    // Not one document: several back to back (a stream of exports, concatenated batches).
  }
  const docs: ExportDocument[] = [];
  // By nesting, not by line: batches written back to back share a line (Firehose).
  for (const item of splitJsonDocuments(text, false)) {
    if ('error' in item) {
      docs.push(item);
      continue;
    }
    try {
      docs.push({ value: JSON.parse(item.text), line: item.line });
    } catch (error) {
      docs.push({ error: `invalid JSON: ${messageOf(error)}`, line: item.line });
    }
  }
  return docs;
}

function yamlDocuments(text: string, complete: boolean): ExportDocument[] {
  const parts = [...splitYamlDocuments(text)];
  if (!complete) parts.pop();
  const docs: ExportDocument[] = [];
  for (const part of parts) {
    try {
      const value = loadYaml(part.text, { schema: CORE_SCHEMA, json: true });
      if (value !== null && value !== undefined) docs.push({ value, line: part.line });
    } catch (error) {
      const at = error instanceof YAMLException ? (error.mark?.line ?? 0) : 0;
      const reason = error instanceof YAMLException ? error.reason : messageOf(error);
      docs.push({ error: `invalid YAML: ${reason}`, line: part.line + at });
    }
  }
  return docs;
}

/** Each CSV record as an object keyed by the header's column names. */
function csvDocuments(text: string, complete: boolean): ExportDocument[] {
  const docs: ExportDocument[] = [];
  let header: string[] | null = null;
  for (const record of csvRecords(text, complete)) {
    if (header === null) {
      header = record.fields;
      continue;
    }
    const value: Record<string, string> = {};
    record.fields.forEach((field, k) => {
      value[header![k] ?? `column ${k + 1}`] = field;
    });
    docs.push({ value, line: record.line });
  }
  return docs;
}
