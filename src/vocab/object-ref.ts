// Object references: `{namespace, kind, name}` and the few ways kstory writes one. Cluster-scoped
// objects (a Node, a PersistentVolume) have no namespace and never print one.

import { KstoryError } from '../errors.ts';

export interface ObjectRef {
  /** Null or absent for a cluster-scoped object. */
  namespace?: string | null;
  kind: string;
  name: string;
}

/** A finding's subject: an object, or one container of a pod. */
export interface Subject {
  namespace: string | null;
  kind: string;
  name: string;
  container: string | null;
}

/**
 * `namespace/Kind/name`, with an empty namespace for a cluster-scoped object (`/Node/worker-1`):
 * a key for maps and sets, never shown to a reader. `parseObjectKey` reads it back.
 */
export function objectKey(ref: ObjectRef): string {
  return `${ref.namespace ?? ''}/${ref.kind}/${ref.name}`;
}

export function parseObjectKey(key: string): ObjectRef & { namespace: string | null } {
  const [namespace, kind, ...name] = key.split('/');
  return { namespace: namespace || null, kind: kind ?? '', name: name.join('/') };
}

/** `Deployment shop/checkout`, `Node worker-1`: how reports name an object in a sentence. */
export function formatObjectRef(ref: ObjectRef): string {
  return `${ref.kind} ${namespacedName(ref)}`;
}

/** `shop/checkout`, or `worker-1` for a cluster-scoped object. */
export function namespacedName(ref: { namespace?: string | null; name: string }): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** `shop/Deployment/checkout`, or `Node/worker-1` for a cluster-scoped object: the form users write. */
export function formatObjectPath(ref: ObjectRef): string {
  return `${ref.namespace ? `${ref.namespace}/` : ''}${ref.kind}/${ref.name}`;
}

/**
 * What a user wrote to name an object: `namespace/Kind/name`, or `Kind/name` (also `/Kind/name`)
 * for a cluster-scoped one. The kind is capitalised (`deployment` → `Deployment`).
 */
export function parseObjectPath(text: string): ObjectRef & { namespace: string | null } {
  const parts = text.split('/');
  const [namespace, kind, name] = (parts.length === 2 ? ['', ...parts] : parts) as [string, string, string];
  if (parts.length < 2 || parts.length > 3 || !kind || !name) {
    throw new KstoryError(`"${text}" is not namespace/kind/name`, {
      hint: 'e.g. shop/Deployment/checkout, or Node/worker-1 for a cluster-scoped object.',
    });
  }
  return { namespace: namespace || null, kind: kind.charAt(0).toUpperCase() + kind.slice(1), name };
}

/** `shop/Pod checkout-1, container app`: how reports name a finding's subject. */
export function formatSubject(subject: Subject): string {
  const base = `${subject.namespace ? `${subject.namespace}/` : ''}${subject.kind} ${subject.name}`;
  return subject.container ? `${base}, container ${subject.container}` : base;
}
