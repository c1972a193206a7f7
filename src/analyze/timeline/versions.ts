// The versions of an object as what changed from one to the next (JSON paths with old and new
// values) and who wrote each, from the audit log: what the report's diff view compares.

import { listValue } from '../../bundle/duckdb.ts';
import type { Bundle } from '../../bundle/reader.ts';
import { OBJECT_ROWS, type TimelineLimits, type Version } from './timeline.ts';

export interface LaneVersions {
  kind: string;
  namespace: string | null;
  name: string;
  versions: Version[];
}

/** Kinds whose versions are mostly status churn that the lane's states already show. */
const CHURN_KINDS = ['Pod', 'Lease', 'Endpoints', 'EndpointSlice', 'Event'];

/** Paths that change with every write and say nothing about what the write did. */
const NOISE =
  /^metadata\.(managedFields|resourceVersion|generation)|lastHeartbeatTime|lastProbeTime|lastUpdateTime|^status\.(images|observedGeneration)|^status\.conditions\[[^\]]*\]\.lastTransitionTime/;

/** Every leaf of a JSON value by path; list items are named by their `name` or `type` when they have one. */
export function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const key =
        item && typeof item === 'object'
          ? ((item as Record<string, unknown>).name ?? (item as Record<string, unknown>).type)
          : undefined;
      flatten(item, `${prefix}[${typeof key === 'string' ? key : i}]`, out);
    });
    if (value.length === 0) out.set(prefix, '[]');
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    if (entries.length === 0 && prefix) out.set(prefix, '{}');
  } else if (prefix) {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** The changes from one flattened version to the next, noise left out, values cut to `chars`. */
export function changesBetween(
  before: Map<string, string>,
  after: Map<string, string>,
  chars: number,
): Version['changes'] {
  const cut = (v: string | undefined) =>
    v === undefined ? null : v.length > chars ? `${v.slice(0, chars)}…` : v;
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths]
    .filter((p) => !NOISE.test(p) && before.get(p) !== after.get(p))
    .sort()
    .map((p) => [p, cut(before.get(p)), cut(after.get(p))]);
}

export async function readVersions(
  bundle: Bundle,
  window: { t0: number; endMs: number },
  limits: TimelineLimits,
  /** Objects whose churn kinds are still worth a diff: the findings' subjects. */
  focus: ReadonlySet<string>,
  keyOf: (kind: string, namespace: string | null, name: string) => string,
): Promise<LaneVersions[]> {
  const rows = await bundle.query<{
    kind: string;
    namespace: string | null;
    name: string;
    t: number;
    body: string;
    actor: string | null;
    verb: string | null;
    person: string | null;
    person_verb: string | null;
  }>(
    `WITH v AS (
       SELECT kind, namespace, name, ts, body,
              row_number() OVER (PARTITION BY kind, namespace, name ORDER BY ts DESC) AS r
       FROM ${OBJECT_ROWS} WHERE body IS NOT NULL AND name IS NOT NULL AND epoch_ms(ts) <= $2
         AND (kind NOT IN (${CHURN_KINDS.map((k) => `'${k}'`).join(', ')})
              OR list_contains($4, kind || chr(0) || coalesce(namespace, '') || chr(0) || name))
     ),
     w AS (
       SELECT ts, kind, coalesce(namespace, '') AS ns, name, audit_verb AS verb,
              coalesce(audit_impersonated_user, audit_user) AS actor, coalesce(audit_subresource, '') AS sub
       FROM audit WHERE audit_verb IN ('create', 'update', 'patch', 'delete')
         AND coalesce(audit_code, 200) < 400 AND name IS NOT NULL
     ),
     -- Controllers and kubelets write status and annotations as a consequence; the author of a change to
     -- an object's spec or data is a person or a deployment tool, when one wrote it.
     people AS (
       SELECT * FROM w WHERE sub <> 'status' AND NOT (actor LIKE 'system:node:%'
         OR actor LIKE 'system:serviceaccount:kube-system:%'
         OR actor IN ('system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver'))
     )
     SELECT v.kind, v.namespace, v.name, CAST(epoch_ms(v.ts) - $1 AS DOUBLE) AS t, v.body,
            CASE WHEN w.ts >= v.ts - INTERVAL 2 MINUTE THEN w.actor END AS actor,
            CASE WHEN w.ts >= v.ts - INTERVAL 2 MINUTE THEN w.verb END AS verb,
            CASE WHEN p.ts >= v.ts - INTERVAL 2 MINUTE THEN p.actor END AS person,
            CASE WHEN p.ts >= v.ts - INTERVAL 2 MINUTE THEN p.verb END AS person_verb
     FROM (SELECT * FROM v WHERE r <= $3) v
     ASOF LEFT JOIN w ON w.kind = v.kind AND w.ns = coalesce(v.namespace, '') AND w.name = v.name
       AND w.ts <= v.ts + INTERVAL 5 SECOND
     ASOF LEFT JOIN people p ON p.kind = v.kind AND p.ns = coalesce(v.namespace, '') AND p.name = v.name
       AND p.ts <= v.ts + INTERVAL 5 SECOND
     ORDER BY v.kind, v.namespace, v.name, v.ts`,
    // The empty key keeps the list typed as text when there is no focus.
    [window.t0, window.endMs, limits.versionsPerObject + 1, listValue(['', ...focus])],
  );
  const out: LaneVersions[] = [];
  let current: LaneVersions | null = null;
  let previous: Map<string, string> | null = null;
  for (const row of rows) {
    if (
      !current ||
      keyOf(current.kind, current.namespace, current.name) !== keyOf(row.kind, row.namespace, row.name)
    ) {
      current = { kind: row.kind, namespace: row.namespace, name: row.name, versions: [] };
      out.push(current);
      previous = null;
    }
    let flat: Map<string, string>;
    try {
      flat = flatten(JSON.parse(row.body));
    } catch {
      continue; // A body cut short by its source; the lane's states still show the object.
    }
    if (previous) {
      const changes = changesBetween(previous, flat, limits.textChars);
      // A change to more than status is the person's who wrote the object, when one did.
      const byPerson = row.person !== null && changes.some(([p]) => !p.startsWith('status.'));
      if (changes.length > 0)
        current.versions.push({
          t: row.t,
          actor: byPerson ? row.person : row.actor,
          verb: byPerson ? row.person_verb : row.verb,
          // What was written first, what the controllers then reported after.
          changes: changes
            .sort((a, b) => Number(a[0].startsWith('status.')) - Number(b[0].startsWith('status.')))
            .slice(0, limits.changesPerVersion),
        });
    }
    previous = flat;
  }
  return out.filter((o) => o.versions.length > 0);
}
