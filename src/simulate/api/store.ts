// The simulated API server's object store: objects by key and by kind in creation order, the
// resourceVersion counter, and the writes per kind that let a controller skip a pass.

import type { KubeObject } from '../engine/records.ts';

export function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export function objectKey(o: KubeObject): string {
  return keyOf(o.kind, o.metadata.namespace, o.metadata.name);
}

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly byKind = new Map<string, Map<string, KubeObject>>();
  private readonly writes = new Map<string, number>();
  private resourceVersion = 1000;

  /** resourceVersions grow with every write, as etcd's revision does. */
  nextResourceVersion(): string {
    return String(++this.resourceVersion);
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  has(key: string): boolean {
    return this.objects.has(key);
  }

  /** Objects of a kind in creation order: deterministic, as everything else in the simulation. */
  list(kind: string, namespace?: string): KubeObject[] {
    const all = [...(this.byKind.get(kind)?.values() ?? [])];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /** Stores a new version of an object, counted as a write of its kind. */
  put(obj: KubeObject): void {
    this.countWrite(obj.kind);
    const key = objectKey(obj);
    this.objects.set(key, obj);
    let kindMap = this.byKind.get(obj.kind);
    if (!kindMap) {
      kindMap = new Map();
      this.byKind.set(obj.kind, kindMap);
    }
    kindMap.set(key, obj);
  }

  delete(key: string, kind: string): void {
    this.objects.delete(key);
    this.byKind.get(kind)?.delete(key);
  }

  countWrite(kind: string): void {
    this.writes.set(kind, (this.writes.get(kind) ?? 0) + 1);
  }

  writesOf(kind: string): number {
    return this.writes.get(kind) ?? 0;
  }
}
