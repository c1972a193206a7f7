// Credentials inside free text (log lines, Event messages, audit URIs, ConfigMap files, args):
// where they are, as ranges. One pass over the characters decides whether a string can hold one
// at all; only the few that can meet the regular expressions and the rule library.

import { scanWithLibrary } from './credential-library.ts';
import { isCredentialName, isPlaceholder } from './credential-names.ts';

export interface CredentialMatch {
  start: number;
  end: number;
  rule: string;
}

/** Opens the token that replaces a redacted value; a value starting with it is already redacted. */
export const TOKEN_OPEN = '‹redacted:';
/** Shortest string that can hold a credential this module finds (`pw=abcd`, `a://u:p@h`). */
const MIN_LENGTH = 8;
/** Random tokens are at least this long; names and words in Kubernetes strings are shorter. */
const TOKEN_RUN = 16;
/**
 * Kubernetes names every Event `<object>.<UnixNano in hex>`: 16 lower-case hex digits after a dot,
 * in a third of the objects a cluster's watches deliver. Such a run is a timestamp, not a prefixed
 * token (those follow `_` or `-`, or are mixed-case: `SG.…`; Vault's `hvs.…` are 90+ long).
 */
const DOTTED_HEX_MAX = 32;

const SHAPE_TOKEN = 1;
const SHAPE_ASSIGN = 2;
const SHAPE_URL_USER = 4;
const SHAPE_FLAG = 8;

const C_0 = 48;
const C_9 = 57;
const C_A = 65;
const C_Z = 90;
const C_a = 97;
const C_z = 122;

// Character classes, one table load per character: most characters are letters and digits.
const DIGIT = 1;
const HEX_LOWER = 2;
const LOWER = 3;
const HEX_UPPER = 4;
const UPPER = 5;
const CLASS = new Uint8Array(128);
for (let c = C_0; c <= C_9; c++) CLASS[c] = DIGIT;
for (let c = C_a; c <= C_z; c++) CLASS[c] = c <= 102 ? HEX_LOWER : LOWER;
for (let c = C_A; c <= C_Z; c++) CLASS[c] = c <= 70 ? HEX_UPPER : UPPER;

/**
 * What a string could hold, in one pass: a token-shaped run (16+ letters and digits, mixed, not a
 * hex digest, or right after a `prefix_`), an assignment (`=`, or `:` after a word), `://` then
 * `@`, a `--flag` (or a `-----BEGIN` line). Zero for most strings: names, uids, timestamps,
 * reasons, sentences.
 */
function shapeOf(text: string): number {
  let shape = 0;
  let run = 0;
  let digits = 0;
  let uppers = 0;
  let nonHex = 0;
  let afterSeparator = false;
  let afterDot = false;
  let scheme = false;
  let previous = 0;
  // Letters in the current word (letters, digits, `_`, `-`, `.`): a name has some, `10:42` none.
  let wordLetters = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    const k = c < 128 ? (CLASS[c] as number) : 0;
    if (k !== 0) {
      run++;
      if (k === DIGIT) digits++;
      else {
        wordLetters++;
        if (k >= HEX_UPPER) uppers++;
        if (k === LOWER || k === UPPER) nonHex++;
      }
      previous = c;
      continue;
    }
    // Letters and digits mixed and not lower-case hex (digests, commit SHAs, container ids), or
    // a run right after a short `prefix_`: `ghp_…`, `glpat-…`, `SG.…`, `hf_…`.
    if (
      run >= TOKEN_RUN &&
      ((afterSeparator && !(afterDot && run <= DOTTED_HEX_MAX && uppers === 0 && nonHex === 0)) ||
        tokenLike(run, digits, uppers, nonHex))
    )
      shape |= SHAPE_TOKEN;
    const separator = c === 95 || c === 45 || c === 46;
    afterSeparator = separator && run > 0 && run <= 12;
    afterDot = c === 46;
    if ((c === 61 || c === 58) && wordLetters >= 2 && run > 0) shape |= SHAPE_ASSIGN;
    else if (c === 61 && previous === 32) shape |= SHAPE_ASSIGN;
    else if ((c === 34 || c === 39) && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next === 58 || next === 61) shape |= SHAPE_ASSIGN;
    } else if (c === 47 && previous === 58 && i + 1 < n && text.charCodeAt(i + 1) === 47) scheme = true;
    else if (c === 64 && scheme) shape |= SHAPE_URL_USER;
    else if (c === 45 && previous === 45) shape |= SHAPE_FLAG;
    if (!separator) wordLetters = 0;
    run = 0;
    digits = 0;
    uppers = 0;
    nonHex = 0;
    previous = c;
  }
  return shape;
}

/**
 * A run of letters and digits that random text makes and words do not: letters and digits mixed
 * but not lower-case hex (digests, commit SHAs, container ids); upper case and digits (AWS key
 * ids); letters whose case changes too often for CamelCase (`ImagePullBackOff` is a reason).
 */
function tokenLike(run: number, digits: number, uppers: number, nonHex: number): boolean {
  const lowers = run - digits - uppers;
  if (digits > 0 && digits < run) return nonHex > 0 || uppers > 0;
  if (digits === 0) return lowers === 0 || (uppers >= 5 && lowers >= 3 && uppers * 10 >= run * 3);
  return false;
}

// Tokens the library knows nothing of, whole: JWTs (service account tokens, OIDC id tokens),
// private key blocks however they are cut, `Bearer <token>` without a header name.
const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const PRIVATE_KEY_RE =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;
const BEARER_RE = /\b[Bb]earer\s+([A-Za-z0-9._~+/-]{8,}=*)/g;
// The password of `scheme://user:password@host`; scheme, user and host stay.
const URL_PASSWORD_RE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*:([^\s@/?#]+)@/gi;

/** Library results per string: the same strings (a caBundle, a digest) come back in every version. */
const libraryCache = new Map<string, CredentialMatch[]>();

function libraryMatches(text: string): CredentialMatch[] {
  let found = libraryCache.get(text);
  if (found === undefined) {
    found = scanWithLibrary(text);
    if (libraryCache.size >= 4096) libraryCache.clear();
    libraryCache.set(text, found);
  }
  return found;
}

function pushAll(out: CredentialMatch[], re: RegExp, text: string, rule: string, group = 0): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const value = m[group];
    if (value === undefined) continue;
    const start = m.index + (group === 0 ? 0 : m[0].indexOf(value, m[0].length - value.length - 1));
    out.push({ start, end: start + value.length, rule });
  }
}

/** Where `text` holds credentials; null when it holds none (the common case, decided cheaply). */
export function findCredentials(text: string): CredentialMatch[] | null {
  if (text.length < MIN_LENGTH) return null;
  const shape = shapeOf(text);
  if (shape === 0) return null;
  const own: CredentialMatch[] = [];
  if (shape & (SHAPE_ASSIGN | SHAPE_FLAG)) findAssignments(text, own);
  if (shape & SHAPE_URL_USER) pushAll(own, URL_PASSWORD_RE, text, 'url-password', 1);
  let library: CredentialMatch[] = [];
  if (shape & (SHAPE_TOKEN | SHAPE_URL_USER)) {
    pushAll(own, JWT_RE, text, 'jwt');
    pushAll(own, BEARER_RE, text, 'bearer', 1);
    if (text.includes('PRIVATE KEY')) pushAll(own, PRIVATE_KEY_RE, text, 'private-key');
    library = libraryMatches(text);
  }
  // A library match that overlaps one of ours is the same credential seen more coarsely (a whole
  // connection string where ours is its password): ours is kept, so the host stays readable.
  const all = own.concat(library.filter((l) => !own.some((o) => o.start < l.end && l.start < o.end)));
  const kept = all.filter((m) => m.end > m.start && !alreadyRedacted(text, m.start, m.end));
  return kept.length > 0 ? mergeRanges(kept) : null;
}

function alreadyRedacted(text: string, start: number, end: number): boolean {
  const at = text.indexOf(TOKEN_OPEN, Math.max(0, start - TOKEN_OPEN.length));
  return at >= 0 && at < end;
}

function mergeRanges(matches: CredentialMatch[]): CredentialMatch[] {
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: CredentialMatch[] = [];
  for (const m of matches) {
    const last = out.at(-1);
    if (last && m.start < last.end) last.end = Math.max(last.end, m.end);
    else out.push({ ...m });
  }
  return out;
}

/** Letters, digits, `_`, `.`, `-`: what names are made of. */
function isNameChar(c: number): boolean {
  return (
    (c >= C_a && c <= C_z) ||
    (c >= C_A && c <= C_Z) ||
    (c >= C_0 && c <= C_9) ||
    c === 95 ||
    c === 45 ||
    c === 46
  );
}
// Authorization schemes: the word after the header name is kept, the credential after it is not.
const AUTH_SCHEME_RE = /^(?:bearer|basic|token|digest|negotiate|apikey|aws4-hmac-sha256|hmac|ntlm)$/i;
const HEADER_NAME_RE = /^(?:proxy-)?authorization$/i;

/**
 * `password=…`, `"api_key": "…"`, `token: …` (YAML, headers), `?access_token=…&` (URLs),
 * `--password=…` and `--token …` (a command line in one string).
 */
function findAssignments(text: string, out: CredentialMatch[]): void {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let separator: number;
    if (c === 61 || c === 58) separator = c;
    else if (c === 45 && text.charCodeAt(i + 1) === 45 && (i === 0 || /[\s"'=]/.test(text[i - 1] ?? ''))) {
      spacedFlag(text, i, out);
      continue;
    } else continue;
    // `://` is a URL's scheme, not an assignment.
    if (separator === 58 && text.charCodeAt(i + 1) === 47) continue;
    const name = nameBefore(text, i, separator === 61);
    if (name === null || !isCredentialName(name)) continue;
    let valueStart = i + 1;
    while (valueStart < n && (text[valueStart] === ' ' || text[valueStart] === '\t')) valueStart++;
    const header = HEADER_NAME_RE.test(name.replace(/["']/g, ''));
    const value = valueAt(text, valueStart, separator === 58 && !header);
    if (value === null) continue;
    let { start, end } = value;
    // `Authorization: Bearer <token>`: the scheme stays, what follows it goes.
    if (header && AUTH_SCHEME_RE.test(text.slice(start, end))) {
      let next = end;
      while (next < n && text[next] === ' ') next++;
      const credential = valueAt(text, next, false);
      if (credential === null) continue;
      start = credential.start;
      end = credential.end;
    }
    const found = text.slice(start, end);
    if (isPlaceholder(found) || found.startsWith(TOKEN_OPEN)) continue;
    out.push({ start, end, rule: 'key-value' });
  }
}

/** The name written just before the separator at `at` (quotes allowed); spaces only before `=`. */
function nameBefore(text: string, at: number, spacesAllowed: boolean): string | null {
  let end = at;
  if (spacesAllowed) while (end > 0 && text[end - 1] === ' ') end--;
  let quote = '';
  if (end > 0 && (text[end - 1] === '"' || text[end - 1] === "'")) {
    quote = text[end - 1] as string;
    end--;
  }
  let start = end;
  while (start > 0 && end - start < 64 && isNameChar(text.charCodeAt(start - 1))) start--;
  if (start === end) return null;
  if (quote && text[start - 1] !== quote) return null;
  const name = text.slice(start, end);
  // Timestamps (`10:42:13`), ports and versions are not names.
  return /[A-Za-z]{2}/.test(name) ? name : null;
}

/**
 * The value starting at `start`: quoted, or a run up to a delimiter. After `:` (YAML, headers,
 * prose) an unquoted value must end its line or clause, or look like a token: `failed to fetch
 * token: serviceaccounts "x" is forbidden` is prose, `password: hunter2` is not.
 */
function valueAt(text: string, start: number, afterColon: boolean): { start: number; end: number } | null {
  const n = text.length;
  if (start >= n) return null;
  const first = text[start];
  if (first === '"' || first === "'") {
    let end = start + 1;
    while (end < n && text[end] !== first) end += text[end] === '\\' ? 2 : 1;
    return end > start + 1 ? { start: start + 1, end: Math.min(end, n) } : null;
  }
  let end = start;
  // `$(DB_PASSWORD)`, `${TOKEN}`: a reference, taken whole so that it reads as one.
  const close = text.startsWith('$(', start) ? ')' : text.startsWith('${', start) ? '}' : '';
  if (close) end = text.indexOf(close, start) + 1 || n;
  else while (end < n && !/[\s&;,"'<>)\]}]/.test(text[end] as string)) end++;
  if (end === start) return null;
  if (afterColon) {
    let rest = end;
    while (rest < n && (text[rest] === ' ' || text[rest] === '\t')) rest++;
    const endsClause = rest >= n || /[\r\n,;}\]]/.test(text[rest] as string);
    if (!endsClause && !looksLikeToken(text.slice(start, end))) return null;
  }
  return { start, end };
}

function looksLikeToken(value: string): boolean {
  return value.length >= 12 && /[A-Za-z]/.test(value) && /[0-9]/.test(value);
}

/** `--token abc` with a space: the next word is the flag's value. */
function spacedFlag(text: string, at: number, out: CredentialMatch[]): void {
  let end = at + 2;
  while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
  const name = text.slice(at + 2, end);
  if (text[end] !== ' ' || !isCredentialName(name)) return;
  let start = end;
  while (start < text.length && text[start] === ' ') start++;
  if (text[start] === '-') return;
  const value = valueAt(text, start, false);
  if (value === null) return;
  const found = text.slice(value.start, value.end);
  if (isPlaceholder(found) || found.startsWith(TOKEN_OPEN)) return;
  out.push({ ...value, rule: 'cli-flag' });
}
