// The old `kubectl cluster-info dump` format (kubectl 1.9 and before): objects written with Go field
// names as keys (`ObjectMeta`, `InvolvedObject`), turned back into the API's JSON names.

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasCapitalisedKeys(doc: Json): boolean {
  return 'Items' in doc || 'Kind' in doc || 'ObjectMeta' in doc || 'InvolvedObject' in doc;
}

/** Maps whose keys are user data (labels, data...): their keys are kept as they are. */
const DATA_MAPS = new Set([
  'labels',
  'annotations',
  'data',
  'stringData',
  'binaryData',
  'selector',
  'matchLabels',
  'nodeSelector',
  'capacity',
  'allocatable',
  'limits',
  'requests',
  'hard',
  'used',
]);

/** `APIVersion` → `apiVersion`, `UID` → `uid`, `InvolvedObject` → `involvedObject`. */
function lowerGoName(key: string): string {
  if (!/^[A-Z]/.test(key)) return key;
  const match = /^[A-Z]+/.exec(key)![0];
  if (match.length === key.length) return key.toLowerCase();
  if (match.length === 1) return key[0]!.toLowerCase() + key.slice(1);
  return match.slice(0, -1).toLowerCase() + key.slice(match.length - 1);
}

export function normaliseGoKeys(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => normaliseGoKeys(v));
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if (keepKeys) {
      out[key] = child;
      continue;
    }
    // Embedded Go structs: TypeMeta is flattened into the object, ObjectMeta/ListMeta is `metadata`.
    if (key === 'TypeMeta' && isRecord(child)) {
      Object.assign(out, normaliseGoKeys(child));
      continue;
    }
    const name = key === 'ObjectMeta' || key === 'ListMeta' ? 'metadata' : lowerGoName(key);
    out[name] = normaliseGoKeys(child, DATA_MAPS.has(name));
  }
  return out;
}
