// Redaction at the source: what must never reach a bundle (Secret values, credential-looking env
// values and annotations, managedFields noise), applied to every object before it is written.
// Copy-on-write: subtrees that need no change are shared with the input, which is never mutated.

/** Names of the rules applied by redactObject, recorded in the bundle metadata `redaction`. */
export const REDACTION_RULES: readonly string[] = [
  'secret-data-values',
  'secret-last-applied-configuration',
  'credential-env-values',
  'credential-annotations',
  'credential-looking-values',
  'last-applied-configuration-redacted',
  'managed-fields-dropped',
];

/** What replaces a redacted value: visibly not a value, and not valid base64, so nobody decodes it. */
export const REDACTED = '<redacted>';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

// Env names are upper snake case (DB_PASSWORD, AWS_SECRET_ACCESS_KEY); annotations are dotted and
// dashed (example.com/api-token). One pattern serves both by allowing any separator.
const CREDENTIAL_NAME_RE =
  /passw(?:or)?d|passphrase|(?:^|[^a-z])pass(?:$|[^a-z])|[-_.]pwd$|token|secret|api[-_.]?key|private[-_.]?key|access[-_.]?key|credential|bearer|auth[-_.]?(?:key|header)|session[-_.]?key|signing[-_.]?key|encryption[-_.]?key|connection[-_.]?string|dsn$/i;
// Values that are credentials whatever they are called: PEM private keys, JWTs, URLs with a password.
const CREDENTIAL_VALUE_RE =
  /-----BEGIN [A-Z ]*PRIVATE KEY-----|^eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+$|^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
// Annotations that carry references or hashes, not credentials, though their names match the pattern.
const SAFE_ANNOTATION_RE =
  /^(?:kubernetes\.io\/service-account\.(?:name|uid)|openshift\.io\/token-secret\.(?:name|value-hash)|kubernetes\.io\/created-by|.*checksum.*|.*-hash)$/i;

// Env and annotation names repeat in every version of every object; the pattern is long.
const credentialNames = new Map<string, boolean>();

export function isCredentialName(name: string): boolean {
  let result = credentialNames.get(name);
  if (result === undefined) {
    result = CREDENTIAL_NAME_RE.test(name);
    // Bounded, should a producer send endless distinct names.
    if (credentialNames.size >= 4096) credentialNames.clear();
    credentialNames.set(name, result);
  }
  return result;
}

export function looksLikeCredential(value: string): boolean {
  return value.length >= 16 && CREDENTIAL_VALUE_RE.test(value);
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A redacted copy of a Kubernetes object, a List of them, or any JSON holding objects (audit
 * entries call this on requestObject/responseObject). Unchanged subtrees are shared with the
 * input: treat the result as read-only.
 */
export function redactObject<T>(obj: T): T {
  return redactValue(obj, undefined) as T;
}

/**
 * Redact `value` knowing (when the caller does) the kind of object it is: list items and audit
 * bodies of `secrets` requests do not carry a kind of their own.
 */
export function redactAs<T>(value: T, kind: string | undefined): T {
  return redactValue(value, kind) as T;
}

function redactValue(value: unknown, impliedKind: string | undefined): unknown {
  if (Array.isArray(value)) return redactArray(value, undefined);
  if (!isRecord(value)) return value;
  return redactRecord(value, impliedKind);
}

function redactArray(array: unknown[], itemKind: string | undefined): unknown[] {
  let out: unknown[] | null = null;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const next = redactValue(item, itemKind);
    if (next !== item) {
      out ??= array.slice();
      out[i] = next;
    }
  }
  return out ?? array;
}

function redactRecord(record: Json, impliedKind: string | undefined): Json {
  const kind = typeof record.kind === 'string' ? record.kind : impliedKind;
  const isSecret = kind === 'Secret';
  // Items of `SecretList` (an API list) carry no kind: they take it from the list.
  const itemKind = kind?.endsWith('List') && kind !== 'List' ? kind.slice(0, -4) : undefined;
  let out: Json | null = null;
  const set = (key: string, next: unknown) => {
    out ??= { ...record };
    if (next === undefined) delete out[key];
    else out[key] = next;
  };
  for (const key in record) {
    const child = record[key];
    let next: unknown;
    if (key === 'metadata' && isRecord(child)) next = redactMetadata(child, isSecret);
    else if (isSecret && (key === 'data' || key === 'stringData') && isRecord(child))
      next = redactMapValues(child);
    else if (key === 'env' && Array.isArray(child)) next = redactEnv(child);
    else if (key === 'items' && Array.isArray(child)) next = redactArray(child, itemKind);
    else if (typeof child === 'object' && child !== null) next = redactValue(child, undefined);
    else continue;
    if (next !== child) set(key, next);
  }
  return out ?? record;
}

function redactMapValues(map: Json): Json {
  const out: Json = {};
  for (const key in map) out[key] = REDACTED;
  return out;
}

function redactMetadata(metadata: Json, isSecret: boolean): Json {
  let out: Json | null = null;
  if ('managedFields' in metadata) {
    out = { ...metadata };
    delete out.managedFields;
  }
  const annotations = metadata.annotations;
  if (isRecord(annotations)) {
    const next = redactAnnotations(annotations, isSecret);
    if (next !== annotations) {
      out ??= { ...metadata };
      out.annotations = next;
    }
  }
  return out ?? metadata;
}

function redactAnnotations(annotations: Json, isSecret: boolean): Json {
  let out: Json | null = null;
  for (const key in annotations) {
    const value = annotations[key];
    let next: unknown = value;
    if (key === LAST_APPLIED) {
      // A Secret's last applied configuration is the Secret itself, values included: drop it. For
      // other kinds it is kept, with the same rules applied to the object it describes.
      next = isSecret ? undefined : redactLastApplied(value);
    } else if (typeof value === 'string' && isCredentialAnnotation(key, value)) {
      next = REDACTED;
    }
    if (next !== value) {
      out ??= { ...annotations };
      if (next === undefined) delete out[key];
      else out[key] = next;
    }
  }
  return out ?? annotations;
}

function isCredentialAnnotation(key: string, value: string): boolean {
  if (value === '') return false;
  if (looksLikeCredential(value)) return true;
  // Only the part after the prefix names the value: `secret.example.com/owner` is not a secret.
  const name = key.slice(key.lastIndexOf('/') + 1);
  return isCredentialName(name) && !SAFE_ANNOTATION_RE.test(key);
}

function redactLastApplied(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // Unparseable means unreviewable: it could hold anything.
    return REDACTED;
  }
  const next = redactValue(parsed, undefined);
  return next === parsed ? value : JSON.stringify(next);
}

function redactEnv(env: unknown[]): unknown[] {
  let out: unknown[] | null = null;
  for (let i = 0; i < env.length; i++) {
    const item = env[i];
    if (!isRecord(item) || typeof item.value !== 'string' || item.value === '') continue;
    const name = typeof item.name === 'string' ? item.name : '';
    if (isCredentialName(name) || looksLikeCredential(item.value)) {
      out ??= env.slice();
      out[i] = { ...item, value: REDACTED };
    }
  }
  return out ?? env;
}
