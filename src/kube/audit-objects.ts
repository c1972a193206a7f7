// Objects as the audit log's request and response bodies show them: what a log at the Request or
// RequestResponse level says of the state of pods, nodes and workloads when it is all there is (the
// kubelet's pod and node status patches, a controller's status updates, the object a write answered).

import type { WatchEvent } from '../bundle/row.ts';
import { arr, isRecord, type Json, rec, str } from './fields.ts';
import { FROM_AUDIT_ANNOTATION } from './object-fields.ts';
import type { KubeObject } from './to-row.ts';

/** One successful write of the audit log, with the bodies its level kept. */
export interface AuditWrite {
  ts: string;
  verb: string;
  /** The objectRef's kind, apiVersion and identity, as its row names them (see auditRow). */
  kind: string;
  api_version: string | null;
  namespace: string | null;
  name: string;
  uid: string | null;
  subresource: string | null;
  /** Who wrote it (the impersonated user when there is one). */
  user: string | null;
  request: unknown;
  response: unknown;
}

/** A kubelet's user: `system:node:<node>`. The NodeRestriction admission plugin lets a kubelet write
 * only the pods bound to its node, so a pod it wrote is on that node. */
const KUBELET_USER = /^system:node:(.+)$/;

/**
 * Lists a strategic merge patch merges by a key of their elements rather than replaces
 * (`patchMergeKey` in the Kubernetes API types): a kubelet's status patch sends only the
 * conditions that changed, `kubectl set image` only the container it sets. Other lists
 * (`containerStatuses`, atomic) are replaced whole.
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  conditions: 'type',
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
};

/**
 * The object a patch leaves: a JSON patch's operations (kubectl patch --type json) applied in
 * order, or a merge or strategic merge patch (null deletes a field; maps merge; the lists of
 * MERGE_KEYS merge by their key, other lists are replaced; `$` directives other than an element's
 * `$patch: delete` are left out). The base is not changed.
 */
export function applyPatch(base: Json, patch: unknown): Json {
  if (Array.isArray(patch)) return applyJsonPatch(base, patch);
  if (!isRecord(patch)) return base;
  return mergeObject(base, patch);
}

function mergeObject(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else if (isRecord(value) && isRecord(out[key])) out[key] = mergeObject(out[key] as Json, value);
    else if (Array.isArray(value) && MERGE_KEYS[key] !== undefined && Array.isArray(out[key]))
      out[key] = mergeList(out[key] as unknown[], value, MERGE_KEYS[key]!);
    else out[key] = stripDirectives(value);
  }
  return out;
}

function mergeList(base: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const out = [...base];
  for (const element of patch) {
    if (!isRecord(element) || element[mergeKey] === undefined) continue;
    const at = out.findIndex((e) => isRecord(e) && e[mergeKey] === element[mergeKey]);
    if (element.$patch === 'delete') {
      if (at !== -1) out.splice(at, 1);
    } else if (at === -1) out.push(stripDirectives(element));
    else out[at] = mergeObject(out[at] as Json, element);
  }
  return out;
}

/** A value sent whole, without the directives a strategic merge patch may carry inside it. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) if (!key.startsWith('$')) out[key] = stripDirectives(v);
  return out;
}

/** RFC 6902 operations add, replace and remove (test, move and copy leave the object as it is). */
function applyJsonPatch(base: Json, operations: unknown[]): Json {
  let out: Json = structuredClone(base);
  for (const op of operations) {
    if (!isRecord(op) || typeof op.path !== 'string') continue;
    const path = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (path.length === 0) {
      if ((op.op === 'add' || op.op === 'replace') && isRecord(op.value)) out = structuredClone(op.value);
      continue;
    }
    let parent: unknown = out;
    for (const part of path.slice(0, -1)) {
      const next: unknown = Array.isArray(parent) ? parent[Number(part)] : rec(parent)?.[part];
      if (next === undefined && isRecord(parent) && op.op === 'add') parent[part] = {};
      parent = Array.isArray(parent) ? parent[Number(part)] : rec(parent)?.[part];
    }
    const last = path.at(-1)!;
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) continue;
      if (op.op === 'add') parent.splice(index, 0, op.value);
      else if (op.op === 'replace') parent[index] = op.value;
      else if (op.op === 'remove') parent.splice(index, 1);
    } else if (isRecord(parent)) {
      if (op.op === 'add' || op.op === 'replace') parent[last] = op.value;
      else if (op.op === 'remove') delete parent[last];
    }
  }
  return out;
}

/** A merge patch (an object) or a JSON patch (a list of operations). */
function isPatch(body: unknown): boolean {
  return isRecord(body) || Array.isArray(body);
}

const WATCH_EVENT: Readonly<Record<string, WatchEvent>> = {
  create: 'ADDED',
  update: 'MODIFIED',
  patch: 'MODIFIED',
  delete: 'DELETED',
};

/** A body that is an object of the write's kind (not a Status, a Scale or an eviction). */
function objectOfKind(body: unknown, kind: string): Json | undefined {
  if (!isRecord(body) || !isRecord(body.metadata)) return undefined;
  const bodyKind = str(body.kind);
  return bodyKind === null || bodyKind === kind ? body : undefined;
}

/**
 * The suffix the API server appends to a `generateName` (SimpleNameGenerator: 5 characters of an
 * alphabet without vowels and look-alikes); a StatefulSet's pods end in their ordinal instead.
 */
const GENERATED_SUFFIX = /-[bcdfghjklmnpqrstvwxz2456789]{5}$/;
const ORDINAL_SUFFIX = /-\d+$/;

/** Controllers whose pods are named after them, by the suffix their names end in. */
const NAMING_CONTROLLERS: readonly { kind: string; suffix: RegExp }[] = [
  { kind: 'ReplicaSet', suffix: GENERATED_SUFFIX },
  { kind: 'DaemonSet', suffix: GENERATED_SUFFIX },
  { kind: 'Job', suffix: GENERATED_SUFFIX },
  { kind: 'StatefulSet', suffix: ORDINAL_SUFFIX },
];

/** Objects a replay remembers, the least recently written forgotten first: a patch of one it forgot
 * applies to what the patch alone says, so memory stays bounded on a log of any length. */
const REMEMBERED = 20_000;

/** One version of an object, as a write left it. */
export interface ReplayedVersion {
  object: KubeObject;
  watchEvent: WatchEvent;
  ts: string;
}

/**
 * Replays the writes of an audit log, in time order, into versions of the objects they wrote: the
 * object the API server answered (RequestResponse), else the object a create or an update sent,
 * else the patch applied to the object as last known (a status patch of a kubelet logged at the
 * Request level; with nothing known before it, a status patch alone, which is what it says of the
 * status). A write whose body the log did not keep (Metadata level) gives nothing. A pod no write
 * showed the owner of (its creation is before the log; the kubelet's patches name none) gets the
 * controller its name was generated from, when the log showed one by that name in its namespace.
 */
export class AuditObjectReplay {
  private readonly known = new Map<string, Json>();
  /** UIDs of the controllers seen, by `namespace/Kind/name`. */
  private readonly controllers = new Map<string, string | null>();

  add(write: AuditWrite): ReplayedVersion | null {
    const watchEvent = WATCH_EVENT[write.verb];
    if (watchEvent === undefined) return null;
    if (write.subresource !== null && write.subresource !== 'status') return null;
    const key = `${write.namespace ?? ''}/${write.kind}/${write.name}`;
    const before = this.known.get(key);
    let after = objectOfKind(write.response, write.kind);
    if (after === undefined && (write.verb === 'create' || write.verb === 'update'))
      after = objectOfKind(write.request, write.kind);
    // A patch of an object nothing showed before says only what it sets: of its status (a kubelet's,
    // a controller's), that is the state; of anything else, too little of the object for a version.
    const base = before ?? (write.subresource === 'status' ? this.bare(write) : undefined);
    const patched =
      after === undefined && write.verb === 'patch' && base !== undefined && isPatch(write.request);
    if (patched) after = applyPatch(base, write.request);
    if (after === undefined && write.verb === 'delete') after = before;
    if (after === undefined) return null;
    const metadata: Json = { ...rec(after.metadata) };
    // A patch applied here leaves a version the log does not number: the resourceVersion the object
    // carries is that of the version it was applied to.
    if (patched) delete metadata.resourceVersion;
    const uid = str(metadata.uid) ?? write.uid;
    // A status write's answer or request may leave out the kind and identity the objectRef gives.
    metadata.name = write.name;
    if (write.namespace !== null) metadata.namespace = write.namespace;
    if (uid !== null) metadata.uid = uid;
    // Marked, so that analysis tells the versions of a log's writes from a recording's history.
    metadata.annotations = { ...rec(metadata.annotations), [FROM_AUDIT_ANNOTATION]: 'audit log' };
    if (write.kind === 'Pod' && arr(metadata.ownerReferences).length === 0) {
      const owner = this.namedOwner(write.namespace, write.name);
      if (owner) metadata.ownerReferences = [owner];
    }
    const apiVersion = str(after.apiVersion) ?? write.api_version;
    const object: Json = {
      ...after,
      ...(apiVersion === null ? {} : { apiVersion }),
      kind: write.kind,
      metadata,
    };
    // A pod whose creation is before the log shows no node in its kubelet's status patches: the
    // kubelet that wrote it says which.
    const kubelet = write.kind === 'Pod' ? KUBELET_USER.exec(write.user ?? '')?.[1] : undefined;
    if (kubelet !== undefined && str(rec(object.spec)?.nodeName) === null)
      object.spec = { ...rec(object.spec), nodeName: kubelet };
    this.known.delete(key);
    if (watchEvent !== 'DELETED') {
      this.known.set(key, object);
      if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value!);
    }
    if (NAMING_CONTROLLERS.some((c) => c.kind === write.kind)) this.controllers.set(key, uid);
    return { object: object as KubeObject, watchEvent, ts: write.ts };
  }

  private namedOwner(namespace: string | null, pod: string): Json | null {
    for (const { kind, suffix } of NAMING_CONTROLLERS) {
      if (!suffix.test(pod)) continue;
      const name = pod.replace(suffix, '');
      const key = `${namespace ?? ''}/${kind}/${name}`;
      if (!this.controllers.has(key)) continue;
      const uid = this.controllers.get(key);
      return { kind, name, ...(uid ? { uid } : {}), controller: true };
    }
    return null;
  }

  /** What the write names of an object nothing showed before: a status patch applies to it. */
  private bare(write: AuditWrite): Json {
    // A pod's containers are read from its spec and status together: an empty spec lets the status
    // alone say them.
    return { metadata: {}, ...(write.kind === 'Pod' ? { spec: {} } : {}) };
  }
}
