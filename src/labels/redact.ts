// No credential reaches a label: every text of it goes through the bundle writer's redaction
// again (bundles written by older versions, or imported from elsewhere, may hold what today's
// rules would catch), and each manifest through the object walker, which knows Secret data and
// credential-named members. One key per run: the same value gives the same token in every label.

import { Redactor } from '../kube/redact.ts';
import { keyFor } from './run-key.ts';

/** Members kstory makes itself (hashes, ids): long hex that is not a credential. */
const KEPT = new Set(['id', 'digest', 'target', 'schema']);

export class LabelRedactor {
  private readonly redactor: Redactor;

  /** Without a run key, a random one that is never written anywhere: tokens differ from run to run. */
  constructor(runKey?: Uint8Array) {
    this.redactor = new Redactor(runKey ? { key: keyFor(runKey, 'redaction') } : {});
  }

  /** A copy of `value` with every string redacted. */
  texts<T>(value: T): T {
    return this.walk(value) as T;
  }

  /** A Kubernetes object (a manifest of a label's context), redacted as the bundle writer does. */
  manifest(object: Record<string, unknown>): Record<string, unknown> {
    return this.walk(this.redactor.value(object, String(object.kind ?? ''))) as Record<string, unknown>;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return value.length < 8 ? value : this.redactor.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, KEPT.has(k) ? v : this.walk(v)]));
    return value;
  }
}
