// Watch event lines parsed without the part nobody reads: the object's `metadata.managedFields` (a
// sixth of a Pod's text, and the costliest sixth to parse: hundreds of distinct keys) is cut out of
// the bytes before JSON.parse, and what is left of the object's text becomes the row's body as it
// came, instead of the redacted object serialised again. Redaction drops managedFields anyway;
// when it would change anything else (a Secret, a credential in an env var) the body is the
// redacted object, serialised (see objectRow).

import { isAscii, isUtf8 } from 'node:buffer';
import { RawJson } from '../bundle/spool.ts';

export interface WatchLine {
  /** The line parsed, managedFields of its object left out. */
  event: { type?: unknown; object?: unknown; [key: string]: unknown };
  /**
   * The JSON text of `event.object` exactly (what JSON.parse read for it), when the line has the form
   * the API server writes, `{"type":"…","object":{…}}`; null otherwise.
   */
  object: RawJson | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const TYPE_PREFIX = Buffer.from('{"type":"');
const OBJECT_KEY = Buffer.from('","object":');
const METADATA = Buffer.from('metadata');
const MANAGED_FIELDS = Buffer.from('managedFields');

/**
 * One line of a watch stream. Null for a blank line; throws what JSON.parse throws for a line
 * that is not JSON.
 *
 * The text must come from an API server, which writes JSON from Go values: never a key twice, so
 * the text holds exactly what was parsed and redaction saw.
 */
export function parseWatchLine(bytes: Buffer): WatchLine | null {
  let end = bytes.length;
  while (end > 0 && isSpace(bytes[end - 1] as number)) end--;
  if (end === 0) return null;
  const objectStart = objectStartOf(bytes, end);
  // The object's text ends before the line's closing brace.
  const objectEnd = end - 1;
  // Bytes that are not UTF-8 are decoded as U+FFFD: only the decoded text may reach the spool,
  // which DuckDB would refuse otherwise.
  if (objectStart < 0 || bytes[objectEnd] !== CLOSE_BRACE || !isUtf8(bytes)) {
    return { event: JSON.parse(bytes.toString('utf8', 0, end)), object: null };
  }
  const cut = managedFieldsMember(bytes, objectStart, objectEnd);
  if (cut === null) {
    const event = JSON.parse(bytes.toString('utf8', 0, end));
    return {
      event,
      object: onlyTypeAndObject(event) ? new RawJson([bytes.subarray(objectStart, objectEnd)]) : null,
    };
  }
  // Cut at ASCII punctuation, so no UTF-8 sequence is split.
  const event = JSON.parse(joinedText(bytes, cut[0], cut[1], end));
  return {
    event,
    object: onlyTypeAndObject(event)
      ? new RawJson([bytes.subarray(objectStart, cut[0]), bytes.subarray(cut[1], objectEnd)])
      : null,
  };
}

/** Lines up to this long are joined in one buffer kept for the next; longer ones in their own. */
const SCRATCH_BYTES = 1 << 20;
let scratch: Buffer | null = null;

/**
 * The text of `bytes` without [from, to), up to `end`, as one string: two strings concatenated make
 * a rope that JSON.parse copies flat again, and text that is all ASCII (nearly every watch line)
 * is copied as it is instead of decoded.
 */
function joinedText(bytes: Buffer, from: number, to: number, end: number): string {
  const length = from + end - to;
  if (scratch === null && length <= SCRATCH_BYTES) scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  const into = scratch !== null && length <= SCRATCH_BYTES ? scratch : Buffer.allocUnsafe(length);
  bytes.copy(into, 0, 0, from);
  bytes.copy(into, from, to, end);
  return into.toString(isAscii(into.subarray(0, length)) ? 'latin1' : 'utf8', 0, length);
}

/** `{"type":"WORD","object":` at the start: where the object's text begins, else -1. */
function objectStartOf(bytes: Buffer, end: number): number {
  if (end < TYPE_PREFIX.length + OBJECT_KEY.length + 3) return -1;
  for (let i = 0; i < TYPE_PREFIX.length; i++) if (bytes[i] !== TYPE_PREFIX[i]) return -1;
  let i = TYPE_PREFIX.length;
  // Event types are upper-case words; anything else (an escape) takes the general path.
  while (i < end && isUpperCase(bytes[i] as number)) i++;
  if (i === TYPE_PREFIX.length || end - i < OBJECT_KEY.length) return -1;
  for (let k = 0; k < OBJECT_KEY.length; k++) if (bytes[i + k] !== OBJECT_KEY[k]) return -1;
  return i + OBJECT_KEY.length;
}

/**
 * The text from the prefix to the last brace is the object's only when nothing follows it: with
 * no key twice, two keys mean `type` (the prefix) and `object` (the rest).
 */
function onlyTypeAndObject(event: unknown): boolean {
  return typeof event === 'object' && event !== null && Object.keys(event).length === 2 && 'object' in event;
}

/**
 * Where to cut the member `"managedFields": …` of the `metadata` of the object whose text spans
 * [start, end), with one comma beside it: [from, to), or null when there is none. Found by
 * following the JSON structure, so a field of that name elsewhere (a custom resource's spec, a
 * string) is never taken for it; null for anything unexpected, and the line is then parsed whole.
 */
export function managedFieldsMember(bytes: Uint8Array, start: number, end: number): [number, number] | null {
  const metadata = memberValue(bytes, start, end, METADATA);
  if (metadata < 0 || bytes[metadata] !== OPEN_BRACE) return null;
  let i = metadata + 1;
  let commaBefore = -1;
  for (;;) {
    i = skipSpace(bytes, i, end);
    if (bytes[i] !== QUOTE) return null;
    const keyStart = i;
    const keyEnd = endOfString(bytes, i, end);
    if (keyEnd < 0) return null;
    const isManagedFields = keyEquals(bytes, keyStart + 1, keyEnd - 1, MANAGED_FIELDS);
    i = skipSpace(bytes, keyEnd, end);
    if (bytes[i] !== COLON) return null;
    const valueEnd = endOfValue(bytes, skipSpace(bytes, i + 1, end), end);
    if (valueEnd < 0) return null;
    const next = skipSpace(bytes, valueEnd, end);
    if (isManagedFields) {
      if (commaBefore >= 0) return [commaBefore, valueEnd];
      if (bytes[next] === COMMA) return [keyStart, next + 1];
      // The only member of its object.
      return bytes[next] === CLOSE_BRACE ? [keyStart, valueEnd] : null;
    }
    if (bytes[next] !== COMMA) return null;
    commaBefore = next;
    i = next + 1;
  }
}

/** Index of the value of member `key` of the object that opens at `start` (after spaces), or -1. */
function memberValue(bytes: Uint8Array, start: number, end: number, key: Uint8Array): number {
  let i = skipSpace(bytes, start, end);
  if (bytes[i] !== OPEN_BRACE) return -1;
  i++;
  for (;;) {
    i = skipSpace(bytes, i, end);
    if (bytes[i] !== QUOTE) return -1;
    const keyEnd = endOfString(bytes, i, end);
    if (keyEnd < 0) return -1;
    const found = keyEquals(bytes, i + 1, keyEnd - 1, key);
    i = skipSpace(bytes, keyEnd, end);
    if (bytes[i] !== COLON) return -1;
    const value = skipSpace(bytes, i + 1, end);
    if (found) return value;
    const valueEnd = endOfValue(bytes, value, end);
    if (valueEnd < 0) return -1;
    i = skipSpace(bytes, valueEnd, end);
    if (bytes[i] !== COMMA) return -1;
    i++;
  }
}

/** Compared as written: a key spelt with escapes is not recognised, and nothing is cut. */
function keyEquals(bytes: Uint8Array, from: number, to: number, key: Uint8Array): boolean {
  if (to - from !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (bytes[from + k] !== key[k]) return false;
  return true;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isUpperCase(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

function skipSpace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && isSpace(bytes[i] as number)) i++;
  return i;
}

/** Index just past the string whose opening quote is at `start`, or -1. */
function endOfString(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start + 1; i < end; i++) {
    const c = bytes[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** Index just past the value that starts at `start`, or -1 when it does not end before `end`. */
function endOfValue(bytes: Uint8Array, start: number, end: number): number {
  const first = bytes[start];
  if (first === QUOTE) return endOfString(bytes, start, end);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let i = start;
    while (i < end) {
      const c = bytes[i] as number;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
      i++;
    }
    return i > start ? i : -1;
  }
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      i = endOfString(bytes, i, end) - 1;
      if (i < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
