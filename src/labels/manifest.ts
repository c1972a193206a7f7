// Compact manifests for a label's context: an object as a person would paste it into a question,
// without what only machines read (managedFields, last-applied annotations, uids, resource
// versions, timestamps of every condition). Bounded: long strings are cut, long lists shortened.

type Json = Record<string, unknown>;

const DROPPED_METADATA = new Set([
  'managedFields',
  'uid',
  'resourceVersion',
  'generation',
  'selfLink',
  'creationTimestamp',
  'deletionGracePeriodSeconds',
  'finalizers',
]);
/** Members that only say when or which version: noise to a reader of the label. */
const DROPPED_ANYWHERE = new Set([
  'lastTransitionTime',
  'lastProbeTime',
  'lastUpdateTime',
  'lastHeartbeatTime',
  'observedGeneration',
  'containerID',
  'imageID',
  'startedAt',
  'finishedAt',
  // Defaults the API server fills in: the same on nearly every object, they say nothing.
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'dnsPolicy',
  'enableServiceLinks',
  'preemptionPolicy',
  'priority',
  'schedulerName',
  'revisionHistoryLimit',
  'progressDeadlineSeconds',
  'hostIPs',
  'podIPs',
  'allocatedResources',
  'recursiveReadOnly',
  'successThreshold',
]);
/** The service account token volume every pod gets, and the tolerations every pod gets. */
const isDefaultEntry = (v: unknown): boolean => {
  const entry = v as Json | null;
  if (entry === null || typeof entry !== 'object') return false;
  if (typeof entry.name === 'string' && entry.name.startsWith('kube-api-access-')) return true;
  return typeof entry.key === 'string' && /^node\.kubernetes\.io\/(not-ready|unreachable)$/.test(entry.key);
};
const MAX_STRING = 300;
const MAX_ITEMS = 12;

function trim(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (Array.isArray(value)) {
    const entries = value.filter((v) => !isDefaultEntry(v));
    const kept = entries.slice(0, MAX_ITEMS).map((v) => trim(v, depth + 1));
    return entries.length > MAX_ITEMS ? [...kept, `… ${entries.length - MAX_ITEMS} more`] : kept;
  }
  if (value !== null && typeof value === 'object') {
    if (depth > 8) return '…';
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      if (DROPPED_ANYWHERE.has(k) || v === null || v === undefined) continue;
      const kept = trim(v, depth + 1);
      // What only held defaults is left out whole: `securityContext: {}`, `volumes: []`.
      if (kept !== null && typeof kept === 'object' && Object.keys(kept).length === 0) continue;
      out[k] = kept;
    }
    return out;
  }
  return value;
}

/** The object as it goes into a label. Annotations keep only their keys' count. */
export function compactManifest(object: Json): Json {
  const metadata = { ...((object.metadata as Json | undefined) ?? {}) };
  for (const key of DROPPED_METADATA) delete metadata[key];
  const annotations = metadata.annotations as Json | undefined;
  delete metadata.annotations;
  if (annotations && Object.keys(annotations).length > 0)
    metadata.annotations = Object.fromEntries(
      Object.entries(annotations).filter(([k, v]) => !k.includes('last-applied') && String(v).length <= 120),
    );
  const owners = metadata.ownerReferences as Json[] | undefined;
  if (owners) metadata.ownerReferences = owners.map((o) => ({ kind: o.kind, name: o.name }));
  const out: Json = { apiVersion: object.apiVersion, kind: object.kind, metadata };
  for (const key of ['spec', 'data', 'type', 'status', 'subsets', 'endpoints', 'rules', 'webhooks']) {
    if (object[key] !== undefined) out[key] = object[key];
  }
  return trim(out, 0) as Json;
}
