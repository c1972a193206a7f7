// The internal-type JSON of kubectl 1.9–1.13 era clients (`cluster-info dump` marshalled the API
// server's internal structs): Go field names as keys (`Items`, `Spec`, `InvolvedObject`), the embedded
// ObjectMeta flattened into the object (`name`, `uid` beside `Spec`), empty TypeMeta left out, Go's nil
// written as null. Turned back into the API's JSON shape; kind and apiVersion, which such documents
// lack, are inferred by the caller (kind-inference.ts).

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const GO_KEYS = ['Items', 'Kind', 'ObjectMeta', 'InvolvedObject', 'Spec', 'Status', 'Metadata'];

export function hasCapitalisedKeys(doc: Json): boolean {
  return GO_KEYS.some((key) => key in doc);
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

/**
 * Fields of metav1.ObjectMeta and ListMeta: they carry json tags, so an internal struct that embeds
 * them without a name has them lower-case among its own capitalised fields.
 */
const OBJECT_META_KEYS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'initializers',
  'finalizers',
  'clusterName',
  'managedFields',
  'continue',
  'remainingItemCount',
]);

/** Internal field names whose versioned JSON name is not just the lower-cased one. */
const RENAMED: Readonly<Record<string, string>> = {
  // ContainerStatus.LastTerminationState is `lastState` in v1.
  lastTerminationState: 'lastState',
};

/** `APIVersion` → `apiVersion`, `UID` → `uid`, `InvolvedObject` → `involvedObject`. */
function lowerGoName(key: string): string {
  if (!/^[A-Z]/.test(key)) return key;
  const match = /^[A-Z]+/.exec(key)![0];
  if (match.length === key.length) return key.toLowerCase();
  if (match.length === 1) return key[0]!.toLowerCase() + key.slice(1);
  return match.slice(0, -1).toLowerCase() + key.slice(match.length - 1);
}

/** An internal struct with ObjectMeta (or ListMeta) flattened in: lower-case meta keys beside Go ones. */
function hasFlattenedMeta(value: Json): boolean {
  let meta = false;
  let goKey = false;
  for (const key of Object.keys(value)) {
    if (OBJECT_META_KEYS.has(key)) meta = true;
    else if (/^[A-Z]/.test(key)) goKey = true;
    if (meta && goKey) return true;
  }
  return false;
}

/**
 * The API's JSON for an internal-type value: keys lower-cased as the versioned types name them, the
 * flattened ObjectMeta gathered into `metadata`, nulls and empty strings (Go's zero values, which the
 * API leaves out) dropped, and the few fields that moved between the internal and v1 types put back.
 */
export function normaliseGoKeys(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => normaliseGoKeys(v));
  if (!isRecord(value)) return value;
  const out: Json = {};
  if (keepKeys) {
    for (const [key, child] of Object.entries(value)) out[key] = child;
    return out;
  }
  const metadata: Json = {};
  const gatherMeta = hasFlattenedMeta(value);
  for (const [key, child] of Object.entries(value)) {
    if (child === null || child === '') continue;
    if (gatherMeta && OBJECT_META_KEYS.has(key)) {
      metadata[key] = DATA_MAPS.has(key) ? child : normaliseGoKeys(child);
      continue;
    }
    // Embedded Go structs: TypeMeta is flattened into the object, ObjectMeta/ListMeta is `metadata`.
    if (key === 'TypeMeta' && isRecord(child)) {
      Object.assign(out, normaliseGoKeys(child));
      continue;
    }
    const lowered = key === 'ObjectMeta' || key === 'ListMeta' ? 'metadata' : lowerGoName(key);
    const name = RENAMED[lowered] ?? lowered;
    out[name] = normaliseGoKeys(child, DATA_MAPS.has(name));
  }
  if (Object.keys(metadata).length > 0) out.metadata = { ...(out.metadata as Json | undefined), ...metadata };
  liftPodSecurityHostFields(out);
  return out;
}

/**
 * The internal PodSpec keeps hostNetwork, hostPID, hostIPC and shareProcessNamespace in its
 * securityContext; v1 has them on the spec itself.
 */
function liftPodSecurityHostFields(spec: Json): void {
  const context = spec.securityContext;
  if (!Array.isArray(spec.containers) || !isRecord(context)) return;
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace']) {
    if (key in context) {
      spec[key] = context[key];
      delete context[key];
    }
  }
}
