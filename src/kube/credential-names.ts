// Key-name rules: the names under which a value is a credential whatever it looks like (env vars,
// ConfigMap keys, JSON members, `password=` in a log line, `--token` flags, HTTP headers).

// Env names are upper snake case (DB_PASSWORD, AWS_SECRET_ACCESS_KEY); annotations are dotted and
// dashed (example.com/api-token); JSON members camel case (clientSecret). One pattern serves all.
const CREDENTIAL_NAME_RE =
  /passw(?:or)?d|passphrase|(?:^|[^a-z])pass(?:$|[^a-z])|[-_.]pwd$|^pw$|token|secret|api[-_.]?key|private[-_.]?key|access[-_.]?key|credential|bearer|auth[-_.]?(?:key|header|token)|session[-_.]?(?:key|id|token)|signing[-_.]?key|encryption[-_.]?key|connection[-_.]?string|signature|dsn$|^sig$|^(?:proxy-)?authorization$|^cookie$|^set-cookie$/i;

// Names that point at a credential or describe one rather than hold it: `secretName`, `TOKEN_FILE`,
// `passwordSecretRef`, `token_expiry_seconds`. Their values are names, paths and numbers that
// analysis needs (a volume's Secret, a missing key).
const REFERENCE_WORDS =
  'name|names|ref|refs|file|files|path|paths|dir|hash|checksum|sha|type|kind|namespace|length|len|size|ttl|expiry|expires|expiration|seconds|secs|timeout|enabled|required|mode|version|count|url|uri|provider|policy|rotation|audience|audiences';
const REFERENCE_SUFFIX_RE = new RegExp(`(?:^|[-_.])(?:${REFERENCE_WORDS})$`, 'i');
// camelCase: `secretName`, `passwordSecretRef`.
const CAMEL_REFERENCE_SUFFIX_RE = new RegExp(
  `[a-z0-9](?:${REFERENCE_WORDS.replace(/(^|\|)([a-z])/g, (_m, bar: string, c: string) => bar + c.toUpperCase())})$`,
);

// Names repeat in every version of every object; the patterns are long.
const verdicts = new Map<string, boolean>();

/** Whether a value named `name` is a credential (an env var, a ConfigMap key, a JSON member). */
export function isCredentialName(name: string): boolean {
  let result = verdicts.get(name);
  if (result === undefined) {
    const bare = name.replace(/^[-"']+|["']+$/g, '');
    result =
      CREDENTIAL_NAME_RE.test(bare) &&
      !REFERENCE_SUFFIX_RE.test(bare) &&
      !CAMEL_REFERENCE_SUFFIX_RE.test(bare);
    // Bounded, should a producer send endless distinct names.
    if (verdicts.size >= 8192) verdicts.clear();
    verdicts.set(name, result);
  }
  return result;
}

// Values under a credential name that are not credentials: placeholders, references to where the
// value lives ($(DB_PASSWORD) in args, ${VAR} in templates), booleans, empty.
const PLACEHOLDER_RE =
  /^(?:\**|x{3,}|-+|\.{3}|<[^<>]*>|\$\([^)]*\)|\$\{[^}]*\}|\{\{.*\}\}|%[A-Za-z_]+%|null|nil|none|true|false|yes|no|redacted|\[redacted\]|\[filtered\])$/i;

export function isPlaceholder(value: string): boolean {
  return value.length === 0 || (value.length <= 40 && PLACEHOLDER_RE.test(value));
}
