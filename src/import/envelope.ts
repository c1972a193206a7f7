// Entries that log shippers, collectors and cloud exports wrap: a known entry found inside an
// envelope, as an object or as JSON text in one of its string fields (`message`, `@message`, `log`,
// `properties.log`, `input.message`, `MESSAGE`…), looked for at a bounded depth.

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An entry found in a document, and what surrounds it. */
export interface Wrapped<T> {
  entry: T;
  /** Where it was: `input.message`, `events[3].message`, `` for the document itself. */
  path: string;
  /**
   * The objects around it, outermost first: an export says there what the entry does not (its log
   * group, the cluster's resource id, the time it was shipped).
   */
  envelopes: readonly Json[];
}

export interface UnwrapLimits {
  /** Objects and arrays deep: an envelope nests a few levels, the entry's own body is never entered. */
  maxDepth?: number;
  /** JSON text inside JSON text (a shipper wrapping a shipper's line). */
  maxTextDepth?: number;
}

const DEFAULT_DEPTH = 8;
const DEFAULT_TEXT_DEPTH = 3;

/**
 * Every entry `recognise` accepts in a document. The document itself is tried first; then an
 * array's items are all entries (an export's list), while an object's fields are alternatives: an
 * envelope wraps one entry, and a second copy of it (a collector's parsed rendering beside the raw
 * line) must not count twice, so the first field that holds any entry is the one taken. A string
 * field is looked into when it holds a JSON object or array.
 */
export function findWrapped<T>(
  document: unknown,
  recognise: (value: Json) => T | null,
  limits: UnwrapLimits = {},
): Wrapped<T>[] {
  const maxDepth = limits.maxDepth ?? DEFAULT_DEPTH;
  const maxTextDepth = limits.maxTextDepth ?? DEFAULT_TEXT_DEPTH;
  const found: Wrapped<T>[] = [];

  const visit = (
    value: unknown,
    depth: number,
    textDepth: number,
    path: string,
    envelopes: Json[],
  ): boolean => {
    if (typeof value === 'string') {
      if (textDepth >= maxTextDepth) return false;
      const inner = parseJsonText(value);
      return inner !== undefined && visit(inner, depth, textDepth + 1, path, envelopes);
    }
    if (Array.isArray(value)) {
      if (depth >= maxDepth) return false;
      let any = false;
      for (let i = 0; i < value.length; i++) {
        if (visit(value[i], depth + 1, textDepth, `${path}[${i}]`, envelopes)) any = true;
      }
      return any;
    }
    if (!isRecord(value)) return false;
    const entry = recognise(value);
    if (entry !== null) {
      found.push({ entry, path, envelopes });
      return true;
    }
    if (depth >= maxDepth) return false;
    const around = [...envelopes, value];
    for (const key of Object.keys(value)) {
      if (visit(value[key], depth + 1, textDepth, path === '' ? key : `${path}.${key}`, around)) return true;
    }
    return false;
  };

  visit(document, 0, 0, '', []);
  return found;
}

/** The value of JSON text that holds an object or an array, else undefined (plain text, numbers). */
export function parseJsonText(text: string): unknown {
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  const first = text.charCodeAt(start);
  if (first !== 123 && first !== 91) return undefined;
  let end = text.length - 1;
  while (end > start && isSpace(text.charCodeAt(end))) end--;
  const last = text.charCodeAt(end);
  if ((first === 123 && last !== 125) || (first === 91 && last !== 93)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** The first string among `keys` of the envelopes, innermost first. */
export function envelopeString(envelopes: readonly Json[], keys: readonly string[]): string | null {
  for (let i = envelopes.length - 1; i >= 0; i--) {
    const envelope = envelopes[i]!;
    for (const key of keys) {
      const value = envelope[key];
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  return null;
}
