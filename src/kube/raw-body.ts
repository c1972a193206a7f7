// A row's body as the JSON text the API server sent, instead of the redacted object serialised
// again: when redaction changed nothing, or nothing but dropping `metadata.managedFields` (what it
// does to almost every object a watch delivers), the text with that array cut out is the redacted
// object. Serialising a 10 KB Pod again costs more than parsing it did; cutting costs a scan of
// the managedFields alone.

import { RawJson } from '../bundle/spool.ts';

type Json = Record<string, unknown>;

const KEY = '"managedFields":';

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The body for `redacted` (what redactObject made of `original`) as text, from `raw`, the JSON text
 * `original` was parsed from; null when redaction changed more than managedFields (a Secret, a
 * credential in an env var...) and the object must be serialised.
 *
 * The text must come from an API server, which writes JSON from Go values: never a key twice, so
 * the text holds exactly what was parsed and redaction saw.
 */
export function rawBody(original: unknown, redacted: unknown, raw: string): RawJson | null {
  if (redacted === original) return new RawJson(raw);
  if (!isRecord(original) || !isRecord(redacted) || !onlyManagedFieldsDropped(original, redacted))
    return null;
  const text = withoutManagedFields(raw);
  return text === null ? null : new RawJson(text);
}

/** Redaction is copy-on-write: what it left alone is the very same value. */
function onlyManagedFieldsDropped(original: Json, redacted: Json): boolean {
  const metadata = original.metadata;
  const kept = redacted.metadata;
  if (!isRecord(metadata) || !isRecord(kept) || !('managedFields' in metadata) || 'managedFields' in kept)
    return false;
  let keys = 0;
  for (const key in original) {
    keys++;
    if (key !== 'metadata' && redacted[key] !== original[key]) return false;
  }
  let metadataKeys = 0;
  for (const key in metadata) {
    if (key === 'managedFields') continue;
    metadataKeys++;
    if (kept[key] !== metadata[key]) return false;
  }
  return Object.keys(redacted).length === keys && Object.keys(kept).length === metadataKeys;
}

/**
 * `text` without its `"managedFields": [...]` member and one comma beside it; null unless the key
 * occurs exactly once (a custom resource may have a field of that name elsewhere) before an array.
 */
export function withoutManagedFields(text: string): string | null {
  const at = text.indexOf(KEY);
  if (at < 0 || text.indexOf(KEY, at + KEY.length) >= 0) return null;
  let start = at + KEY.length;
  while (isSpace(text.charCodeAt(start))) start++;
  if (text.charCodeAt(start) !== 0x5b) return null;
  const end = endOfValue(text, start);
  if (end < 0) return null;
  let before = at - 1;
  while (isSpace(text.charCodeAt(before))) before--;
  if (text.charCodeAt(before) === 0x2c) return text.slice(0, before) + text.slice(end);
  let after = end;
  while (isSpace(text.charCodeAt(after))) after++;
  if (text.charCodeAt(after) === 0x2c) return text.slice(0, at) + text.slice(after + 1);
  // The only member of its object.
  if (text.charCodeAt(before) === 0x7b && text.charCodeAt(after) === 0x7d)
    return text.slice(0, at) + text.slice(end);
  return null;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index just past the array or object that opens at `start`; strings are skipped whole. */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // To the closing quote: one not escaped by an odd number of backslashes.
      let close = text.indexOf('"', i + 1);
      while (close > 0) {
        let slashes = 0;
        while (text.charCodeAt(close - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
        close = text.indexOf('"', close + 1);
      }
      if (close < 0) return -1;
      i = close;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
