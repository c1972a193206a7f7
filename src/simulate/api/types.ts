// The requests and answers of the simulated API server: a failure as its Status says it, the result
// of a write, an admission plugin, a write's options and a listener of writes.

import type { KubeObject } from '../engine/records.ts';
import type { Actor } from './actors.ts';

export interface Failure {
  /** Refused by authorization (RBAC) rather than by admission. */
  authz?: boolean;
  code: number;
  reason: string;
  message: string;
  details?: Record<string, unknown>;
  annotations?: Record<string, string>;
}

export type Result<T> = { ok: true; object: T } | { ok: false; failure: Failure };

/** An admission plugin: returns a failure to reject the request, or null. May mutate the object. */
export type AdmissionPlugin = (request: {
  verb: 'create' | 'update';
  object: KubeObject;
  actor: Actor;
  old?: KubeObject;
}) => Failure | null;

export type WriteListener = (object: KubeObject, event: 'ADDED' | 'MODIFIED' | 'DELETED') => void;

export interface WriteOptions {
  subresource?: string;
  verb?: 'update' | 'patch';
  /** What the client sent, for the audit entry (defaults to the whole object). */
  requestObject?: unknown;
  /** Extra query string of the request URI. */
  query?: string;
}
