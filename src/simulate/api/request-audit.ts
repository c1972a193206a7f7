// How the simulated API server audits a request: the entry written after the request's latency,
// and the Status body a refused request, a binding or an eviction answers with.

import type { SimContext } from '../engine/context.ts';
import type { KubeObject } from '../engine/records.ts';
import type { Actor } from './actors.ts';
import { type AuditRequest, allowReason, buildAuditEntry } from './audit.ts';
import { requestPath } from './resources.ts';
import type { Failure } from './types.ts';

export class RequestAudit {
  constructor(private readonly sim: SimContext) {}

  write(req: Omit<AuditRequest, 'authzReason'> & { authzReason?: string }): void {
    const ts = this.sim.clock.stamp();
    const entry = buildAuditEntry(
      { ...req, authzReason: req.authzReason ?? allowReason(req.actor) },
      ts,
      this.sim.rng,
    );
    if (entry) this.sim.sink.push({ type: 'audit', ts: ts + req.latencyMs, entry });
  }

  /** A request refused by authorization, admission or the store: nothing is stored. */
  refused(
    actor: Actor,
    verb: string,
    obj: KubeObject,
    uri: string,
    failure: Failure,
    subresource?: string,
  ): void {
    this.write({
      actor,
      verb,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name || undefined,
      subresource,
      uri,
      code: failure.code,
      requestObject: verb === 'delete' ? undefined : stripServerFields(obj),
      responseObject: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: failure.message,
        reason: failure.reason,
        ...(failure.details ? { details: failure.details } : {}),
        code: failure.code,
      },
      failure,
      annotations: failure.annotations,
      latencyMs: this.sim.rng.int(1, 12),
    });
  }

  /** A read API Priority and Fairness rejects: the 429 comes with a plain-text body, so only the code is audited. */
  throttled(
    actor: Actor,
    verb: 'get' | 'list' | 'watch',
    kind: string,
    namespace: string | undefined,
    name: string | undefined,
    query: string,
  ): void {
    this.write({
      actor,
      verb,
      kind,
      namespace,
      name,
      uri: requestPath(kind, namespace, name) + query,
      code: 429,
      latencyMs: this.sim.rng.int(0, 2),
    });
  }

  /** A request that creates a subresource (a binding, an eviction). */
  subresource(
    actor: Actor,
    verb: string,
    target: KubeObject,
    subresource: string,
    code: number,
    requestObject: unknown,
    failure?: Failure,
  ): void {
    this.write({
      actor,
      verb,
      kind: target.kind,
      namespace: target.metadata.namespace,
      name: target.metadata.name,
      subresource,
      uri: requestPath(target.kind, target.metadata.namespace, target.metadata.name, subresource),
      code,
      requestObject,
      responseObject: failure
        ? {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: failure.message,
            reason: failure.reason,
            code,
          }
        : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code },
      failure: failure
        ? { reason: failure.reason, message: failure.message, details: failure.details }
        : undefined,
      latencyMs: this.sim.rng.int(3, 25),
    });
  }
}

/** What a client sends: the object without the fields only the server sets. */
export function stripServerFields(obj: KubeObject): unknown {
  const { status: _status, ...rest } = obj as KubeObject & { status?: unknown };
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, generation: _g, ...meta } = rest.metadata;
  return { ...rest, metadata: meta };
}
