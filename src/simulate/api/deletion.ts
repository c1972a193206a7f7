// Deletion in the simulated kube-apiserver: a pod on a live node or an object with finalizers is
// only marked (deletionTimestamp) until its kubelet or its finalizers let it go; the final removal
// drops it from the store. Each request is audited and each write a watch record.

import type { SimContext } from '../engine/context.ts';
import type { KubeObject } from '../engine/records.ts';
import type { Actor } from './actors.ts';
import type { Authorizer } from './authorization.ts';
import type { RequestAudit } from './request-audit.ts';
import { apiVersionOf, qualifiedResource, requestPath, resourceOf } from './resources.ts';
import { keyOf, type ObjectStore, objectKey } from './store.ts';
import type { Failure, Result } from './types.ts';
import { GENERATION_KINDS } from './write-rules.ts';

/** The API server's state and its two ways out, which deletion shares with the other writes. */
export interface ServerCore {
  sim: SimContext;
  store: ObjectStore;
  rbac: Authorizer;
  audits: RequestAudit;
  emit(obj: KubeObject, event: 'ADDED' | 'MODIFIED' | 'DELETED'): void;
  reject<T extends KubeObject>(
    actor: Actor,
    verb: string,
    obj: KubeObject,
    uri: string,
    failure: Failure,
  ): Result<T>;
}

/**
 * Delete. Pods with a grace period are only marked (deletionTimestamp) until their kubelet removes
 * them; objects with finalizers likewise wait for them to be cleared.
 */
export function deleteObject(
  s: ServerCore,
  kind: string,
  namespace: string | undefined,
  name: string,
  actor: Actor,
  options: { gracePeriod?: number; query?: string } = {},
): Result<KubeObject> {
  const old = s.store.get(keyOf(kind, namespace, name));
  const uri = requestPath(kind, namespace, name) + (options.query ?? '');
  if (!old) {
    return s.reject(
      actor,
      'delete',
      { apiVersion: apiVersionOf(kind), kind, metadata: { name, namespace } },
      uri,
      {
        code: 404,
        reason: 'NotFound',
        message: `${qualifiedResource(kind)} "${name}" not found`,
      },
    );
  }
  const forbidden = s.rbac.authorize(actor, 'delete', kind, namespace, name);
  if (forbidden) return s.reject(actor, 'delete', old, uri, forbidden);
  const grace =
    options.gracePeriod ??
    (kind === 'Pod'
      ? ((old.spec as { terminationGracePeriodSeconds?: number })?.terminationGracePeriodSeconds ?? 30)
      : 0);
  const hasFinalizers = (old.metadata.finalizers?.length ?? 0) > 0;
  const podOnLiveNode = kind === 'Pod' && Boolean((old.spec as { nodeName?: string }).nodeName) && grace > 0;
  const requestObject = {
    kind: 'DeleteOptions',
    apiVersion: 'meta.k8s.io/__internal',
    ...(options.gracePeriod !== undefined ? { gracePeriodSeconds: grace } : {}),
  };
  if (old.metadata.deletionTimestamp && !hasFinalizers && grace > 0) {
    return { ok: true, object: structuredClone(old) };
  }
  if (hasFinalizers || podOnLiveNode) {
    const obj = structuredClone(old);
    if (!obj.metadata.deletionTimestamp) {
      obj.metadata.deletionTimestamp = s.sim.clock.iso(s.sim.clock.now + grace * 1000);
      obj.metadata.deletionGracePeriodSeconds = grace;
      if (GENERATION_KINDS.has(kind)) obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
    } else if (grace < (obj.metadata.deletionGracePeriodSeconds ?? grace)) {
      // A shorter grace period shortens the deletion (the kubelet's final delete is 0).
      obj.metadata.deletionTimestamp = s.sim.clock.iso(s.sim.clock.now + grace * 1000);
      obj.metadata.deletionGracePeriodSeconds = grace;
    }
    obj.metadata.resourceVersion = s.store.nextResourceVersion();
    s.store.put(obj);
    s.audits.write({
      actor,
      verb: 'delete',
      kind,
      namespace,
      name,
      uri,
      code: 200,
      uid: obj.metadata.uid,
      requestObject,
      responseObject: obj,
      latencyMs: s.sim.rng.int(3, 20),
    });
    s.emit(obj, 'MODIFIED');
    return { ok: true, object: structuredClone(obj) };
  }
  return removeObject(s, old, actor, { uri, requestObject });
}

/** The final removal of an object from the store. */
export function removeObject(
  s: ServerCore,
  object: KubeObject,
  actor: Actor,
  options: { uri?: string; requestObject?: unknown } = {},
): Result<KubeObject> {
  const key = objectKey(object);
  const old = s.store.get(key);
  if (!old) return { ok: true, object };
  s.store.delete(key, old.kind);
  s.store.countWrite(old.kind);
  const obj = structuredClone(old);
  obj.metadata.resourceVersion = s.store.nextResourceVersion();
  s.audits.write({
    actor,
    verb: 'delete',
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uri: options.uri ?? `${requestPath(obj.kind, obj.metadata.namespace, obj.metadata.name)}`,
    code: 200,
    uid: obj.metadata.uid,
    requestObject: options.requestObject ?? {
      kind: 'DeleteOptions',
      apiVersion: 'meta.k8s.io/__internal',
      gracePeriodSeconds: 0,
      preconditions: { uid: obj.metadata.uid },
    },
    responseObject: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: obj.metadata.name, kind: resourceOf(obj.kind).plural, uid: obj.metadata.uid },
    },
    latencyMs: s.sim.rng.int(3, 20),
  });
  s.emit(obj, 'DELETED');
  return { ok: true, object: obj };
}
