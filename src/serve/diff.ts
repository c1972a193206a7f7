// `kstory diff`: how one object changed between two instants: its version at each end, every
// version in between with the fields it changed, and who made each change according to the
// audit log (a write to that object just before the version was seen).

import { KstoryError } from '../errors.ts';
import { isRecord, type Json } from '../kube/fields.ts';
import type { Instant } from './instant.ts';
import type { ApiResource } from './resources.ts';
import type { BundleState } from './state.ts';

export interface Actor {
  user: string;
  verb: string;
  subresource: string | null;
  userAgent: string | null;
  ts: Instant;
}

export interface DiffStep {
  ts: Instant;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Dotted paths of the fields this version changed (`spec.template.spec.containers`). */
  changed: string[];
  actor: Actor | null;
}

export interface ObjectDiff {
  resource: ApiResource;
  namespace: string | null;
  name: string;
  from: Instant;
  to: Instant;
  /** The object at `from` and at `to`; null where it did not exist. */
  before: Json | null;
  after: Json | null;
  steps: DiffStep[];
}

/** Fields that change with every write and say nothing about what changed. */
const NOISE = new Set(['metadata.resourceVersion', 'metadata.managedFields']);

export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (isRecord(a) && isRecord(b)) {
    const out: string[] = [];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (NOISE.has(path)) continue;
      out.push(...changedPaths(a[key], b[key], path));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(whole object)'];
}

interface AuditWrite {
  ts: number;
  user: string | null;
  verb: string;
  subresource: string | null;
  user_agent: string | null;
}

/** A write must come at most this long before the version that shows it... */
const ACTOR_SLACK = 120_000_000;
/** ...and at most this long after: the audit entry is written when the response completes, and a
 * watch can deliver the new version before that. */
const AFTER_SLACK = 5_000_000;

/**
 * The write that made a version: the first write not yet given to an earlier version, in the window
 * around it, of the right kind (a change of the status alone is a write to the status subresource;
 * any other change is not). Writes and versions come in the same order, so first come, first given.
 */
function authorOf(
  writes: readonly AuditWrite[],
  used: Set<number>,
  ts: Instant,
  type: DiffStep['type'],
  changed: readonly string[],
): AuditWrite | undefined {
  const statusOnly = changed.length > 0 && changed.every((p) => p === 'status' || p.startsWith('status.'));
  for (let i = 0; i < writes.length; i++) {
    const w = writes[i]!;
    if (used.has(i) || w.ts < ts - ACTOR_SLACK) continue;
    if (w.ts > ts + AFTER_SLACK) break;
    const fits =
      type === 'DELETED'
        ? w.verb === 'delete'
        : type === 'ADDED'
          ? w.verb === 'create'
          : statusOnly === (w.subresource === 'status');
    if (!fits) continue;
    used.add(i);
    return w;
  }
  return undefined;
}

export async function diffObject(
  state: BundleState,
  resource: ApiResource,
  namespace: string | null,
  name: string,
  from: Instant,
  to: Instant,
): Promise<ObjectDiff> {
  if (from > to)
    throw new KstoryError('--from is after --to', { hint: 'Give the earlier instant to --from.' });
  const versions = await state.versions(resource, namespace, name);
  if (versions.length === 0) {
    throw new KstoryError(
      `the recording has no ${resource.kind} ${namespace ? `${namespace}/` : ''}${name}`,
      {
        hint: 'kstory get <type> -A lists the objects there are.',
      },
    );
  }
  const at = (t: Instant) => {
    const v = versions.filter((x) => x.ts <= t).at(-1);
    return v && v.type !== 'DELETED' ? v.item.object : null;
  };
  const writes = await state.run<AuditWrite>(
    `SELECT epoch_us(ts)::DOUBLE AS ts, coalesce(audit_impersonated_user, audit_user) AS user, audit_verb AS verb,
            audit_subresource AS subresource, audit_user_agent AS user_agent
     FROM audit
     WHERE kind = ? AND name = ? AND coalesce(namespace, '') = ? AND audit_verb IN ('create', 'update', 'patch', 'delete')
       AND coalesce(audit_code, 200) < 400
     ORDER BY ts`,
    [resource.kind, name, namespace ?? ''],
  );
  const steps: DiffStep[] = [];
  const used = new Set<number>();
  let previous: Json | null = at(from);
  for (const v of versions) {
    if (v.ts <= from || v.ts > to) continue;
    const current = v.type === 'DELETED' ? null : v.item.object;
    const changed = previous && current ? changedPaths(previous, current) : [];
    previous = current;
    const write = authorOf(writes, used, v.ts, v.type, changed);
    if (v.type === 'MODIFIED' && changed.length === 0 && !write) continue;
    steps.push({
      ts: v.ts,
      type: v.type,
      changed,
      actor: write
        ? {
            user: write.user ?? 'unknown',
            verb: write.verb,
            subresource: write.subresource,
            userAgent: write.user_agent,
            ts: write.ts,
          }
        : null,
    });
  }
  return { resource, namespace, name, from, to, before: at(from), after: at(to), steps };
}
