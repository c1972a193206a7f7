// The walk of Kubernetes JSON that redaction does: Secret values, values under credential names
// (env, ConfigMap keys, JSON members, annotations, `--token` argument pairs), credentials inside
// every other string, managedFields dropped. Copy-on-write: subtrees that need no change are
// shared with the input, which is never mutated.

import { isCredentialName, isPlaceholder } from './credential-names.ts';
import { TOKEN_OPEN } from './credential-text.ts';

/** What the walk asks of its caller: the replacement of one credential, and of a whole text. */
export interface Redaction {
  /** The replacement for `value`, a credential by `rule`. `path` is where it is (live: copy it). */
  value(value: string, rule: string, path: readonly (string | number)[]): string;
  /** `text` with the credentials found in it replaced (the text itself when there are none). */
  text(text: string, path: readonly (string | number)[]): string;
}

type Json = Record<string, unknown>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
// Annotations that carry references or hashes, not credentials, though their names match.
const SAFE_ANNOTATION_RE =
  /^(?:kubernetes\.io\/service-account\.(?:name|uid)|openshift\.io\/token-secret\.(?:name|value-hash)|kubernetes\.io\/created-by|.*checksum.*|.*-hash)$/i;
// An argument that is a flag whose value is the next argument: `--token`, `-password`.
const FLAG_ARGUMENT_RE = /^--?[A-Za-z][\w.-]*$/;

/**
 * Members whose values the API server parses into a type (timestamps, uids, resource versions,
 * runtime ids), so that no free text can be in them; they are a third of an object's characters,
 * and the detector is skipped for them. Column names of the bundle too (see Redactor.row).
 */
const TYPED_MEMBERS = new Set([
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'lastTransitionTime',
  'lastHeartbeatTime',
  'lastProbeTime',
  'lastUpdateTime',
  'lastTimestamp',
  'firstTimestamp',
  'eventTime',
  'startedAt',
  'finishedAt',
  'startTime',
  'completionTime',
  'containerID',
  'imageID',
  'requestReceivedTimestamp',
  'stageTimestamp',
  'auditID',
  'started_at',
  'finished_at',
  'last_started_at',
  'last_finished_at',
  'last_transition',
]);

const PLAIN = 0;
const TYPED = 1;
const CREDENTIAL = 2;
// Member names repeat in every object: one lookup classifies each.
const memberClasses = new Map<string, number>();

function memberClass(key: string): number {
  let found = memberClasses.get(key);
  if (found === undefined) {
    found = TYPED_MEMBERS.has(key) ? TYPED : isCredentialName(key) ? CREDENTIAL : PLAIN;
    if (memberClasses.size >= 8192) memberClasses.clear();
    memberClasses.set(key, found);
  }
  return found;
}

/** Shorter strings hold no credential the text detector finds (see credential-text.ts). */
const MIN_TEXT = 8;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The walk over one JSON value; `path` is kept as a stack so that building it costs nothing. */
export class ObjectRedactor {
  private readonly path: (string | number)[] = [];

  /** Last applied configurations redacted, by text: the same one comes with every version. */
  private readonly applied = new Map<string, string>();

  /** `cache`: remember results by text (not when every finding must be told, as a scan needs). */
  constructor(
    private readonly redaction: Redaction,
    private readonly cache = true,
  ) {}

  /**
   * A redacted copy of a Kubernetes object, a List of them, or any JSON holding objects. `kind`
   * is the kind the caller knows the value to be when it names none itself (list items, audit
   * bodies of `secrets` requests).
   */
  walk<T>(value: T, kind?: string, at: readonly (string | number)[] = []): T {
    this.path.length = 0;
    this.path.push(...at);
    return this.any(value, kind) as T;
  }

  private any(value: unknown, kind: string | undefined): unknown {
    if (typeof value === 'string') return this.redaction.text(value, this.path);
    if (Array.isArray(value)) return this.array(value, kind);
    if (isRecord(value)) return this.record(value, kind);
    return value;
  }

  private array(array: unknown[], itemKind: string | undefined): unknown[] {
    let out: unknown[] | null = null;
    for (let i = 0; i < array.length; i++) {
      const item = array[i];
      this.path.push(i);
      let next: unknown;
      // `args: ["--token", "abc"]`: the flag names the next argument.
      const flag = i > 0 ? array[i - 1] : undefined;
      if (
        typeof item === 'string' &&
        typeof flag === 'string' &&
        FLAG_ARGUMENT_RE.test(flag) &&
        isCredentialName(flag) &&
        !item.startsWith('-') &&
        isCredentialValue(item)
      )
        next = this.redaction.value(item, 'cli-flag', this.path);
      else next = this.any(item, itemKind);
      this.path.pop();
      if (next !== item) {
        out ??= array.slice();
        out[i] = next;
      }
    }
    return out ?? array;
  }

  private record(record: Json, impliedKind: string | undefined): Json {
    const kind = typeof record.kind === 'string' ? record.kind : impliedKind;
    const isSecret = kind === 'Secret';
    // Items of `SecretList` (an API list) carry no kind: they take it from the list.
    const itemKind = kind?.endsWith('List') && kind !== 'List' ? kind.slice(0, -4) : undefined;
    let out: Json | null = null;
    for (const key in record) {
      const child = record[key];
      let next: unknown;
      if (typeof child === 'string') {
        // The common case, kept short: most members are plain short strings or typed.
        const cls = memberClass(key);
        if (cls === TYPED || (cls === PLAIN && child.length < MIN_TEXT)) continue;
        this.path.push(key);
        next =
          cls === CREDENTIAL && isCredentialValue(child)
            ? this.redaction.value(child, 'credential-name', this.path)
            : this.redaction.text(child, this.path);
        this.path.pop();
        if (next !== child) {
          out ??= { ...record };
          out[key] = next;
        }
        continue;
      }
      if (child === null || typeof child !== 'object') continue;
      this.path.push(key);
      if (key === 'metadata' && isRecord(child)) next = this.metadata(child, isSecret);
      else if (isSecret && (key === 'data' || key === 'stringData') && isRecord(child))
        next = this.mapValues(child, 'secret-data');
      else if (key === 'env' && Array.isArray(child)) next = this.env(child);
      else if (key === 'items' && Array.isArray(child)) next = this.array(child, itemKind);
      else next = this.any(child, undefined);
      this.path.pop();
      if (next !== child) {
        out ??= { ...record };
        if (next === undefined) delete out[key];
        else out[key] = next;
      }
    }
    return out ?? record;
  }

  /** Every string in `value` checked as text, whatever its name (labels, typed columns). */
  texts(value: unknown): unknown {
    if (typeof value === 'string')
      return value.length < MIN_TEXT ? value : this.redaction.text(value, this.path);
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        this.path.push(i);
        const next = this.texts(value[i]);
        this.path.pop();
        if (next !== value[i]) {
          out ??= value.slice();
          out[i] = next;
        }
      }
      return out ?? value;
    }
    let out: Json | null = null;
    for (const key in value as Json) {
      const child = (value as Json)[key];
      if (memberClass(key) === TYPED) continue;
      this.path.push(key);
      const next = this.texts(child);
      this.path.pop();
      if (next !== child) {
        out ??= { ...(value as Json) };
        out[key] = next;
      }
    }
    return out ?? value;
  }

  /** Set where the next texts() call is (a column), for the paths reported to the caller. */
  at(column: string): this {
    this.path.length = 0;
    this.path.push(column);
    return this;
  }

  private mapValues(map: Json, rule: string): Json {
    let out: Json | null = null;
    for (const key in map) {
      const value = map[key];
      // Empty, or a token already (a bundle read back): nothing to hide.
      if (value === '' || value === null || (typeof value === 'string' && value.startsWith(TOKEN_OPEN)))
        continue;
      this.path.push(key);
      out ??= { ...map };
      out[key] = this.redaction.value(
        typeof value === 'string' ? value : JSON.stringify(value),
        rule,
        this.path,
      );
      this.path.pop();
    }
    return out ?? map;
  }

  private metadata(metadata: Json, isSecret: boolean): Json {
    let out: Json | null = null;
    if ('managedFields' in metadata) {
      out = { ...metadata };
      delete out.managedFields;
    }
    for (const key in metadata) {
      if (key === 'managedFields') continue;
      const child = metadata[key];
      if (child === null || (typeof child !== 'object' && typeof child !== 'string')) continue;
      if (typeof child === 'string' && memberClass(key) === TYPED) continue;
      this.path.push(key);
      let next: unknown;
      if (key === 'annotations' && isRecord(child)) next = this.annotations(child, isSecret);
      // Label values are matched by selectors and copied to the labels column: their text is
      // checked, their names are not (a label `token-rotation: enabled` is no credential).
      else if (key === 'labels') next = this.texts(child);
      else next = this.any(child, undefined);
      this.path.pop();
      if (next !== child) {
        out ??= { ...metadata };
        out[key] = next;
      }
    }
    return out ?? metadata;
  }

  private annotations(annotations: Json, isSecret: boolean): Json {
    let out: Json | null = null;
    for (const key in annotations) {
      const value = annotations[key];
      if (typeof value !== 'string') continue;
      this.path.push(key);
      let next: string | undefined;
      if (key === LAST_APPLIED) {
        // A Secret's last applied configuration is the Secret itself, values included: drop it. For
        // other kinds it is kept, with the same rules applied to the object it describes.
        next = isSecret ? undefined : this.lastApplied(value);
      } else if (value !== '' && isCredentialAnnotation(key, value)) {
        next = this.redaction.value(value, 'credential-name', this.path);
      } else next = this.redaction.text(value, this.path);
      this.path.pop();
      if (next !== value) {
        out ??= { ...annotations };
        if (next === undefined) delete out[key];
        else out[key] = next;
      }
    }
    return out ?? annotations;
  }

  private lastApplied(value: string): string {
    if (value.startsWith(TOKEN_OPEN)) return value;
    const known = this.cache ? this.applied.get(value) : undefined;
    if (known !== undefined) return known;
    const next = this.lastAppliedOnce(value);
    if (this.cache) {
      if (this.applied.size >= 1024) this.applied.clear();
      this.applied.set(value, next);
    }
    return next;
  }

  private lastAppliedOnce(value: string): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      // Unparseable means unreviewable: it could hold anything.
      return this.redaction.value(value, 'unparseable-last-applied', this.path);
    }
    const next = this.any(parsed, undefined);
    return next === parsed ? value : JSON.stringify(next);
  }

  private env(env: unknown[]): unknown[] {
    let out: unknown[] | null = null;
    for (let i = 0; i < env.length; i++) {
      const item = env[i];
      if (!isRecord(item)) continue;
      this.path.push(i);
      let next: unknown = item;
      if (typeof item.value === 'string' && item.value !== '') {
        const name = typeof item.name === 'string' ? item.name : '';
        this.path.push('value');
        const value =
          isCredentialName(name) && isCredentialValue(item.value)
            ? this.redaction.value(item.value, 'credential-name', this.path)
            : this.redaction.text(item.value, this.path);
        this.path.pop();
        if (value !== item.value) next = { ...item, value };
      } else next = this.record(item, undefined);
      this.path.pop();
      if (next !== item) {
        out ??= env.slice();
        out[i] = next;
      }
    }
    return out ?? env;
  }

  /**
   * An audit entry of a request on `resource`: bodies of requests on secrets may carry no kind
   * (patches, list items) and are Secrets all the same; a JSON patch's every value may be data.
   */
  auditEntry(entry: Json, resource: string | null, at: readonly (string | number)[] = []): Json {
    let out = this.walk(entry, undefined, at);
    if (resource !== 'secrets') return out;
    for (const key of ['requestObject', 'responseObject'] as const) {
      const value = entry[key];
      if (value === undefined || value === null) continue;
      const next = Array.isArray(value)
        ? this.jsonPatch(value, [...at, key])
        : this.walk(value, 'Secret', [...at, key]);
      if (next !== value) {
        if (out === entry) out = { ...entry };
        out[key] = next;
      }
    }
    return out;
  }

  private jsonPatch(ops: unknown[], at: readonly (string | number)[]): unknown[] {
    return ops.map((op, i) => {
      if (!isRecord(op) || !('value' in op)) return op;
      if (typeof op.value === 'string' && (op.value === '' || op.value.startsWith(TOKEN_OPEN))) return op;
      this.path.length = 0;
      this.path.push(...at, i, 'value');
      const value = typeof op.value === 'string' ? op.value : JSON.stringify(op.value);
      return { ...op, value: this.redaction.value(value, 'secret-data', this.path) };
    });
  }
}

/** A value under a credential name that is worth a token: not empty, a placeholder or a token. */
function isCredentialValue(value: string): boolean {
  return !isPlaceholder(value) && !value.startsWith(TOKEN_OPEN);
}

function isCredentialAnnotation(key: string, value: string): boolean {
  return namesCredential(key) && isCredentialValue(value);
}

// Annotation names repeat in every version of every object: each is classified once.
const annotationClasses = new Map<string, boolean>();

function namesCredential(key: string): boolean {
  let found = annotationClasses.get(key);
  if (found === undefined) {
    // Only the part after the prefix names the value: `secret.example.com/owner` is not a secret.
    found = !SAFE_ANNOTATION_RE.test(key) && isCredentialName(key.slice(key.lastIndexOf('/') + 1));
    if (annotationClasses.size >= 8192) annotationClasses.clear();
    annotationClasses.set(key, found);
  }
  return found;
}
