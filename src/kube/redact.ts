// Redaction at the source: what must never reach a bundle (Secret values, credentials under any
// name or inside any text, managedFields noise), applied by the bundle writer to every row before
// it reaches the spool, so that no producer can write a credential by forgetting to.
// A credential becomes a keyed hash: the same value gives the same token within one bundle, so
// "it changed" stays visible, and without the key (random, never stored) neither value can be
// guessed back.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { BundleRow } from '../bundle/row.ts';
import { RawJson } from '../bundle/spool.ts';
import { libraryRuleIds } from './credential-library.ts';
import { findCredentials, TOKEN_OPEN } from './credential-text.ts';
import { ObjectRedactor, type Redaction } from './redact-object.ts';

/** Names of the rules applied, recorded in the bundle metadata `redaction`. */
export const REDACTION_RULES: readonly string[] = [
  'hmac-sha256-tokens',
  'secret-data-values',
  'secret-last-applied-configuration',
  'credential-names',
  'credential-text',
  'url-passwords',
  'cli-flag-values',
  'authorization-headers',
  'jwts',
  'private-keys',
  'secretlint-preset-recommend',
  'managed-fields-dropped',
];

/** Every rule that can report a finding, own and the library's, for documentation and tests. */
export function findingRules(): string[] {
  return [
    'secret-data',
    'credential-name',
    'cli-flag',
    'key-value',
    'url-password',
    'bearer',
    'jwt',
    'private-key',
    'unparseable-last-applied',
    ...libraryRuleIds(),
  ];
}

/** Hex digits of the HMAC kept in a token: 48 bits, no collision among a bundle's few secrets. */
const TOKEN_HEX = 12;
/** `‹redacted:hmac:0123456789ab›`: visibly not a value, and not valid base64, so nobody decodes it. */
export const TOKEN_RE = /‹redacted:hmac:[0-9a-f]{12}›/;

export function isToken(value: string): boolean {
  return value.startsWith(TOKEN_OPEN) && TOKEN_RE.test(value);
}

/** A credential the redactor replaced: which rule, and where (column, then the path inside it). */
export interface Finding {
  rule: string;
  path: (string | number)[];
}

export interface RedactorOptions {
  /**
   * Only for output that must be the same on every run (the simulator's fixtures); every other
   * bundle gets a random key that is never written anywhere.
   */
  key?: Uint8Array;
  /** Told of every credential replaced (`kstory bundle scan`). */
  onFinding?: (finding: Finding) => void;
}

/** Texts at least this long are remembered with their redacted form: most strings of an object come
 * back unchanged in its next version, and looking one up costs less than reading it again. */
const LONG_TEXT = 24;

/** Columns that hold no free text: enumerations, ids, timestamps (typed by DuckDB), the body (walked apart). */
const NOT_TEXT = new Set([
  'source',
  'ts',
  'body',
  'uid',
  'owner_uid',
  'event_uid',
  'resource_version',
  'audit_id',
  'watch_event',
  'created_at',
  'deleted_at',
  'event_first',
  'event_last',
  'marker',
  'marker_end',
  'audit_stage',
  'audit_level',
  'audit_verb',
]);

/**
 * A key that is the same on every run, for synthetic bundles only (the simulator): its tokens
 * hide nothing from whoever knows `label`, which is why real data never gets one.
 */
export function fixedRedactionKey(label: string): Uint8Array {
  return createHash('sha256').update(`kstory:${label}`).digest();
}

/** One bundle's redaction: its key, and the tokens it has made. */
export class Redactor {
  private readonly key: Uint8Array;
  private readonly tokens = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  private readonly walker: ObjectRedactor;

  private readonly onFinding: ((finding: Finding) => void) | undefined;

  constructor(options: RedactorOptions = {}) {
    this.key = options.key ?? randomBytes(32);
    this.onFinding = options.onFinding;
    const redaction: Redaction = {
      value: (value, rule, path) => {
        this.onFinding?.({ rule, path: [...path] });
        return this.token(value);
      },
      text: (text, path) => this.text(text, path),
    };
    this.walker = new ObjectRedactor(redaction, this.onFinding === undefined);
  }

  /** The token that stands for `value` in this bundle. */
  token(value: string): string {
    let token = this.tokens.get(value);
    if (token === undefined) {
      const hex = createHmac('sha256', this.key).update(value).digest('hex').slice(0, TOKEN_HEX);
      token = `${TOKEN_OPEN}hmac:${hex}›`;
      // Bounded: the map only saves hashing again, the key makes the same token anyway.
      if (this.tokens.size >= 65_536) this.tokens.clear();
      this.tokens.set(value, token);
    }
    return token;
  }

  /** `text` with every credential it holds replaced by its token. */
  text(text: string, path: readonly (string | number)[] = []): string {
    if (this.onFinding === undefined && text.length >= LONG_TEXT) {
      let known = this.texts.get(text);
      if (known === undefined) {
        known = this.redactText(text, path);
        if (this.texts.size >= 16_384) this.texts.clear();
        this.texts.set(text, known);
      }
      return known;
    }
    return this.redactText(text, path);
  }

  private redactText(text: string, path: readonly (string | number)[]): string {
    const found = findCredentials(text);
    if (found === null) return text;
    let out = '';
    let from = 0;
    for (const m of found) {
      this.onFinding?.({ rule: m.rule, path: [...path] });
      out += text.slice(from, m.start) + this.token(text.slice(m.start, m.end));
      from = m.end;
    }
    return out + text.slice(from);
  }

  /** A redacted copy of a Kubernetes object or any JSON value; the input is never mutated. */
  value<T>(value: T, kind?: string): T {
    return this.walker.walk(value, kind);
  }

  /** The row with every credential in its columns and body replaced; the row itself if none. */
  row(row: BundleRow): BundleRow {
    let out: BundleRow | null = null;
    const record = row as unknown as Record<string, unknown>;
    for (const key in record) {
      if (NOT_TEXT.has(key)) continue;
      const value = record[key];
      let next: unknown;
      if (typeof value === 'string') next = value.length < 8 ? value : this.text(value, [key]);
      else if (value !== null && typeof value === 'object') next = this.walker.at(key).texts(value);
      else continue;
      if (next !== value) {
        out ??= { ...row };
        (out as unknown as Record<string, unknown>)[key] = next;
      }
    }
    if (row.body !== undefined && row.body !== null) {
      const body = this.body(row);
      if (body !== row.body) {
        out ??= { ...row };
        out.body = body;
      }
    }
    return out ?? row;
  }

  private body(row: BundleRow): unknown {
    const body = row.body;
    let parsed = body;
    if (body instanceof RawJson) parsed = body.value !== undefined ? body.value : JSON.parse(body.text);
    const next =
      row.source === 'audit' && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? this.walker.auditEntry(parsed as Record<string, unknown>, row.audit_resource ?? null, ['body'])
        : this.walker.walk(parsed, undefined, ['body']);
    return next === parsed ? body : next;
  }
}
