// The simulated kube-apiserver's requests: create, update and read with authorization, admission,
// generations and UIDs, an audit entry for every request and a watch record for every write;
// deletion, graceful or final, is deletion.ts.

import type { SimContext } from '../engine/context.ts';
import type { KubeObject, SimRecord } from '../engine/records.ts';
import type { Actor } from './actors.ts';
import { Authorizer } from './authorization.ts';
import { deleteObject, removeObject, type ServerCore } from './deletion.ts';
import { RequestAudit, stripServerFields } from './request-audit.ts';
import { apiVersionOf, qualifiedResource, requestPath } from './resources.ts';
import { keyOf, ObjectStore, objectKey } from './store.ts';
import type { AdmissionPlugin, Failure, Result, WriteListener, WriteOptions } from './types.ts';
import {
  CLUSTER_AGE_MS,
  CLUSTER_FABRIC,
  GENERATION_KINDS,
  isNoop,
  NO_STATUS_SUBRESOURCE,
} from './write-rules.ts';

export class ApiServer {
  private readonly store = new ObjectStore();
  private readonly admission: AdmissionPlugin[] = [];
  private readonly listeners: WriteListener[] = [];
  private readonly rbac = new Authorizer();
  private readonly audits: RequestAudit;
  /** What deletion (deletion.ts) works on. */
  private readonly core: ServerCore;

  constructor(private readonly sim: SimContext) {
    this.audits = new RequestAudit(sim);
    this.core = {
      sim,
      store: this.store,
      rbac: this.rbac,
      audits: this.audits,
      emit: (obj, event) => this.emit(obj, event),
      reject: (actor, verb, obj, uri, failure) => this.reject(actor, verb, obj, uri, failure),
    };
  }

  addAdmission(plugin: AdmissionPlugin): void {
    this.admission.push(plugin);
  }

  onWrite(listener: WriteListener): void {
    this.listeners.push(listener);
  }

  /** Refuse `username` a request: `verb resource namespace|*`. */
  deny(username: string, rule: string): void {
    this.rbac.deny(username, rule);
  }

  get<T extends KubeObject = KubeObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.store.get(keyOf(kind, namespace, name)) as T | undefined;
  }

  /** Objects of a kind in creation order: deterministic, as everything else in the simulation. */
  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    return this.store.list(kind, namespace) as T[];
  }

  /** A read request: audited at Metadata level. */
  read(
    actor: Actor,
    verb: 'get' | 'list' | 'watch',
    kind: string,
    namespace?: string,
    name?: string,
    query = '',
  ): Failure | null {
    const forbidden = this.rbac.authorize(actor, verb, kind, namespace, name);
    const uri = requestPath(kind, namespace, name) + query;
    this.audits.write({
      actor,
      verb,
      kind,
      namespace,
      name,
      uri,
      code: forbidden ? 403 : 200,
      failure: forbidden ?? undefined,
      latencyMs: verb === 'watch' ? 300_000 : this.sim.rng.int(2, 30),
    });
    return forbidden;
  }

  create<T extends KubeObject>(object: T, actor: Actor): Result<T> {
    const obj = structuredClone(object);
    const meta = obj.metadata;
    // Admission sees the generateName prefix: failures read `pods "web-7d9f8b6c5-" is forbidden`.
    const generated = !meta.name && Boolean(meta.generateName);
    if (generated) meta.name = meta.generateName ?? '';
    const uri =
      requestPath(obj.kind, meta.namespace) +
      (actor.fieldManager ? `?fieldManager=kubectl-create&fieldValidation=Strict` : '');
    const forbidden = this.rbac.authorize(actor, 'create', obj.kind, meta.namespace, meta.name);
    if (forbidden) return this.reject(actor, 'create', obj, uri, forbidden);
    if (!generated && this.store.has(objectKey(obj))) {
      return this.reject(actor, 'create', obj, uri, {
        code: 409,
        reason: 'AlreadyExists',
        message: `${qualifiedResource(obj.kind)} "${meta.name}" already exists`,
      });
    }
    for (const plugin of this.admission) {
      const failure = plugin({ verb: 'create', object: obj, actor });
      if (failure) return this.reject(actor, 'create', obj, uri, failure);
    }
    if (generated) meta.name = `${meta.generateName}${this.sim.rng.nameSuffix()}`;
    obj.apiVersion = obj.apiVersion || apiVersionOf(obj.kind);
    meta.uid = meta.uid ?? this.sim.rng.uuid();
    meta.creationTimestamp = this.sim.clock.iso();
    // The cluster existed long before the recording: namespaces and nodes made during the warm-up
    // carry the age they would have, so their creation does not read as an install in progress.
    if (CLUSTER_FABRIC.has(obj.kind) && this.sim.clock.now < this.sim.recordingStart)
      meta.creationTimestamp = this.sim.clock.iso(this.sim.clock.now - CLUSTER_AGE_MS);
    if (GENERATION_KINDS.has(obj.kind)) meta.generation = 1;
    meta.resourceVersion = this.store.nextResourceVersion();
    this.store.put(obj);
    const requestObject = stripServerFields(object);
    this.audits.write({
      actor,
      verb: 'create',
      kind: obj.kind,
      namespace: meta.namespace,
      name: obj.kind === 'Pod' && meta.generateName ? undefined : meta.name,
      uri,
      code: 201,
      requestObject,
      responseObject: obj,
      latencyMs: this.sim.rng.int(3, 25),
    });
    this.emit(obj, 'ADDED');
    return { ok: true, object: structuredClone(obj) };
  }

  /** Replace an object (or its status); generation follows spec changes. */
  update<T extends KubeObject>(object: T, actor: Actor, options: WriteOptions = {}): Result<T> {
    const key = objectKey(object);
    const old = this.store.get(key);
    const verb = options.verb ?? 'update';
    const uri =
      requestPath(object.kind, object.metadata.namespace, object.metadata.name, options.subresource) +
      (options.query ?? '');
    if (!old) {
      return this.reject(
        actor,
        verb,
        object,
        uri,
        {
          code: 404,
          reason: 'NotFound',
          message: `${qualifiedResource(object.kind)} "${object.metadata.name}" not found`,
        },
        options.subresource,
      );
    }
    const forbidden = this.rbac.authorize(
      actor,
      verb,
      object.kind,
      object.metadata.namespace,
      object.metadata.name,
    );
    if (forbidden) return this.reject(actor, verb, object, uri, forbidden, options.subresource);
    if (isNoop(old, object, options.subresource, NO_STATUS_SUBRESOURCE.has(object.kind)))
      return { ok: true, object: old as T };
    const obj: KubeObject = structuredClone(object);
    if (!options.subresource) {
      for (const plugin of this.admission) {
        const failure = plugin({ verb: 'update', object: obj, actor, old });
        if (failure) return this.reject(actor, verb, obj, uri, failure);
      }
    }
    const statusInMain = NO_STATUS_SUBRESOURCE.has(obj.kind);
    if (options.subresource === 'status') obj.spec = structuredClone(old.spec);
    else if (!options.subresource && old.status !== undefined && !statusInMain)
      obj.status = structuredClone(old.status);
    if (options.subresource === 'scale') obj.status = structuredClone(old.status);
    obj.metadata.uid = old.metadata.uid;
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (GENERATION_KINDS.has(obj.kind)) {
      const specChanged =
        options.subresource !== 'status' &&
        (JSON.stringify(old.spec) !== JSON.stringify(obj.spec) ||
          (statusInMain && JSON.stringify(old.status) !== JSON.stringify(obj.status)));
      obj.metadata.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    obj.metadata.resourceVersion = this.store.nextResourceVersion();
    this.store.put(obj);
    const finalRemoval =
      Boolean(obj.metadata.deletionTimestamp) &&
      (old.metadata.finalizers?.length ?? 0) > 0 &&
      (obj.metadata.finalizers?.length ?? 0) === 0 &&
      // A pod goes once its kubelet asked for it (grace period 0), not while its containers run.
      (obj.kind !== 'Pod' || obj.metadata.deletionGracePeriodSeconds === 0);
    this.audits.write({
      actor,
      verb,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      subresource: options.subresource,
      uri,
      code: 200,
      uid: obj.metadata.uid,
      resourceVersion: old.metadata.resourceVersion,
      requestObject: options.requestObject ?? obj,
      responseObject: obj,
      latencyMs: this.sim.rng.int(2, 20),
    });
    if (finalRemoval) {
      // The last finalizer of an object being deleted is gone: the API server removes it.
      this.store.delete(key, obj.kind);
      this.emit(obj, 'DELETED');
    } else this.emit(obj, 'MODIFIED');
    return { ok: true, object: structuredClone(obj) as T };
  }

  /**
   * Audit a write the API server refuses for a reason the simulation decides (an invalid manifest:
   * 422), without storing anything.
   */
  refuse(
    actor: Actor,
    verb: 'create' | 'update' | 'patch',
    object: KubeObject,
    failure: Failure,
    query = '',
  ): void {
    const uri = requestPath(object.kind, object.metadata.namespace, object.metadata.name) + query;
    this.reject(actor, verb, object, uri, failure);
  }

  /** A read API Priority and Fairness rejects (429). */
  throttled(
    actor: Actor,
    verb: 'get' | 'list' | 'watch',
    kind: string,
    namespace?: string,
    name?: string,
    query = '',
  ): void {
    this.audits.throttled(actor, verb, kind, namespace, name, query);
  }

  /** Store the result of a binding (audited by the caller as pods/binding): nodeName and PodScheduled. */
  bind(pod: KubeObject): void {
    const obj = structuredClone(pod);
    obj.metadata.resourceVersion = this.store.nextResourceVersion();
    this.store.put(obj);
    this.emit(obj, 'MODIFIED');
  }

  /**
   * Delete. Pods with a grace period are only marked (deletionTimestamp) until their kubelet removes
   * them; objects with finalizers likewise wait for them to be cleared.
   */
  delete(
    kind: string,
    namespace: string | undefined,
    name: string,
    actor: Actor,
    options: { gracePeriod?: number; query?: string } = {},
  ): Result<KubeObject> {
    return deleteObject(this.core, kind, namespace, name, actor, options);
  }

  /** The final removal of an object from the store. */
  remove(
    object: KubeObject,
    actor: Actor,
    options: { uri?: string; requestObject?: unknown } = {},
  ): Result<KubeObject> {
    return removeObject(this.core, object, actor, options);
  }

  /** Audit a request that creates a subresource (bindings, evictions) without storing anything. */
  auditSubresource(
    actor: Actor,
    verb: string,
    target: KubeObject,
    subresource: string,
    code: number,
    requestObject: unknown,
    failure?: Failure,
  ): void {
    this.audits.subresource(actor, verb, target, subresource, code, requestObject, failure);
  }

  /** Writes so far per kind: lets a controller skip a pass when nothing it watches changed. */
  writesOf(kind: string): number {
    return this.store.writesOf(kind);
  }

  private emit(obj: KubeObject, event: 'ADDED' | 'MODIFIED' | 'DELETED'): void {
    const record: SimRecord = {
      type: 'object',
      ts: this.sim.clock.stamp(),
      object: structuredClone(obj),
      watchEvent: event,
    };
    this.sim.sink.push(record);
    for (const listener of this.listeners) listener(obj, event);
  }

  private reject<T extends KubeObject>(
    actor: Actor,
    verb: string,
    obj: KubeObject,
    uri: string,
    failure: Failure,
    subresource?: string,
  ): Result<T> {
    this.audits.refused(actor, verb, obj, uri, failure, subresource);
    return { ok: false, failure };
  }
}
