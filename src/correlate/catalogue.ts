// What correlation needs to know of every object in a bundle, read once: identity, controlling
// owner, and the links of pods (node, references, labels), selectors and references of the others,
// with the labels and selectors of every version (a selector edited, a pod relabelled in the window).

import { VERSION_ORDER_SQL } from '../bundle/columns.ts';
import { sqlList } from '../bundle/duckdb.ts';
import type { Bundle } from '../bundle/reader.ts';

export interface CatalogueObject {
  /** `uid`, or `namespace/Kind/name` when no UID was recorded: one incarnation of an object. */
  id: string;
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  api_version: string | null;
  owner: { kind: string; name: string; uid: string | null } | null;
  /** Nodes a pod was bound to. */
  nodes: string[];
  /** Objects it refers to, in its namespace unless cluster-scoped (see the `refs` column). */
  refs: { kind: string; name: string; via: string }[];
  labels: Record<string, string>;
  selector: Record<string, string>;
  /** The distinct labels of every version of a pod (others: none). */
  label_sets: Record<string, string>[];
  /** The distinct non-empty selectors of every version. */
  selectors: Record<string, string>[];
  /** Earliest of creationTimestamp and first sighting. */
  first: string;
  /** First sighting: the earliest record of it in the bundle. */
  seen: string;
  last: string;
  created_at: string | null;
  /** When the object was seen deleted or terminating (a DELETED version, a deletionTimestamp). */
  gone_at: string | null;
  /** The resources an Argo CD Application lists in its status as its own. */
  manages: { kind: string; namespace: string | null; name: string }[];
}

const TS = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

/** What the catalogue query may compute of an incarnation besides its identity (kind, namespace,
 * name, UID), each at its own cost: a reader asks for what it reads (see JOINS' `reads`). */
export type CatalogueField =
  | 'api_version'
  | 'owner'
  | 'nodes'
  | 'refs'
  | 'labels'
  | 'selector'
  | 'label_sets'
  | 'selectors'
  | 'last'
  | 'lifetime'
  | 'manages';
export const CATALOGUE_FIELDS: readonly CatalogueField[] = [
  'api_version',
  'owner',
  'nodes',
  'refs',
  'labels',
  'selector',
  'label_sets',
  'selectors',
  'last',
  'lifetime',
  'manages',
];

const last = (column: string) => `last(${column} ORDER BY ${VERSION_ORDER_SQL})`;
// The controller the newest version naming one names: a pod released by its ReplicaSet (relabelled
// out of it) still belonged to it in the window.
const owner = (column: string) => `${last(column)} FILTER (WHERE owner_kind IS NOT NULL)`;

/** The struct fields each field is read from (`manages` is a query of its own). */
const FIELD_SQL: Record<Exclude<CatalogueField, 'manages'>, Record<string, string>> = {
  api_version: { api_version: last('api_version') },
  // One ordered aggregate for the three: each costs a sort of the incarnation's versions.
  owner: { owner: owner('{kind: owner_kind, name: owner_name, uid: owner_uid}') },
  nodes: { nodes: 'list(DISTINCT node) FILTER (WHERE node IS NOT NULL)' },
  refs: { refs: 'list_distinct(flatten(list(refs) FILTER (WHERE refs IS NOT NULL)))' },
  labels: { labels: last('labels') },
  selector: { selector: last('selector') },
  label_sets: { label_sets: "list(DISTINCT labels) FILTER (WHERE kind = 'Pod' AND labels IS NOT NULL)" },
  selectors: { selectors: 'list(DISTINCT selector) FILTER (WHERE cardinality(selector) > 0)' },
  last: { last: TS('max(ts)') },
  lifetime: {
    first: TS('least(min(ts), min(created_at))'),
    seen: TS('min(ts)'),
    created_at: TS('min(created_at)'),
    gone_at: TS(
      "least(min(ts) FILTER (WHERE watch_event = 'DELETED'), min(ts) FILTER (WHERE deleted_at IS NOT NULL))",
    ),
  },
};

/** One incarnation as the catalogue query writes it (maps as JSON objects); the fields not asked
 * for are absent. */
interface Row {
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  api_version?: string | null;
  owner?: { kind: string | null; name: string | null; uid: string | null } | null;
  nodes?: string[] | null;
  refs?: { kind: string; name: string; via: string }[] | null;
  labels?: Record<string, string> | null;
  selector?: Record<string, string> | null;
  label_sets?: Record<string, string>[] | null;
  selectors?: Record<string, string>[] | null;
  first?: string;
  seen?: string;
  last?: string;
  created_at?: string | null;
  gone_at?: string | null;
}

/** Incarnations per JSON document the query returns: the rows come back as a few JSON texts, since
 * converting nested values (refs, labels of every version) one by one costs several times more. */
const CHUNK = 5000;

export interface CatalogueScope {
  /** Only objects of these namespaces, cluster-scoped ones and Argo CD Applications (which list
   * resources of any namespace). */
  namespaces: Iterable<string | null>;
}

/**
 * Every object incarnation of the bundle (one per kind, namespace, name and UID), or of a scope.
 * `fields`: what to compute of each besides its identity (default: everything); a field not asked
 * for is left empty ([], {}, null, or '' for times).
 */
export async function loadCatalogue(
  bundle: Bundle,
  scope?: CatalogueScope,
  fields: Iterable<CatalogueField> = CATALOGUE_FIELDS,
): Promise<CatalogueObject[]> {
  const asked = new Set(fields);
  const computed = Object.entries(FIELD_SQL)
    .filter(([field]) => asked.has(field as CatalogueField))
    .flatMap(([, columns]) => Object.entries(columns).map(([name, sql]) => `${name}: ${sql}`));
  const inScope = scope
    ? `(namespace IS NULL OR kind = 'Application' OR namespace IN (SELECT unnest(${sqlList([...scope.namespaces].filter((n) => n !== null))}::VARCHAR[])))`
    : 'true';
  const chunks = await bundle.query<{ rows: string }>(
    `WITH incarnations AS (
       SELECT {${['kind: kind', 'namespace: namespace', 'name: name', 'uid: uid', ...computed].join(', ')}} AS o
       FROM objects WHERE kind IS NOT NULL AND name IS NOT NULL AND ${inScope}
       GROUP BY kind, namespace, name, uid
     )
     SELECT to_json(list(o))::VARCHAR AS rows
     FROM (SELECT o, (row_number() OVER ()) // ${CHUNK} AS chunk FROM incarnations) GROUP BY chunk`,
  );
  const rows = chunks.flatMap((c) => JSON.parse(c.rows) as Row[]);
  const manages = asked.has('manages')
    ? await loadManaged(bundle)
    : new Map<string, CatalogueObject['manages']>();
  return rows.map((r) => ({
    id: r.uid ?? `${r.namespace ?? ''}/${r.kind}/${r.name}`,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    uid: r.uid,
    api_version: r.api_version ?? null,
    owner:
      r.owner?.kind && r.owner.name ? { kind: r.owner.kind, name: r.owner.name, uid: r.owner.uid } : null,
    nodes: (r.nodes ?? []).sort(),
    refs: r.refs ?? [],
    labels: r.labels ?? {},
    selector: r.selector ?? {},
    label_sets: r.label_sets ?? [],
    selectors: r.selectors ?? [],
    first: r.first ?? '',
    seen: r.seen ?? '',
    last: r.last ?? '',
    created_at: r.created_at ?? null,
    gone_at: r.gone_at ?? null,
    manages: manages.get(`${r.namespace ?? ''}/${r.kind}/${r.name}`) ?? [],
  }));
}

/** The resources each Argo CD Application lists in its status, by `namespace/Kind/name`. */
async function loadManaged(bundle: Bundle): Promise<Map<string, CatalogueObject['manages']>> {
  const managed = await bundle.query<{
    kind: string;
    namespace: string | null;
    name: string;
    r: { kind: string | null; name: string | null; namespace: string | null };
  }>(
    `SELECT DISTINCT kind, namespace, name,
            unnest(from_json(json_extract(body, '$.status.resources'), '[{"kind":"VARCHAR","name":"VARCHAR","namespace":"VARCHAR"}]')) AS r
     FROM objects WHERE kind = 'Application' AND api_version LIKE 'argoproj.io/%' AND body IS NOT NULL`,
  );
  const manages = new Map<string, CatalogueObject['manages']>();
  for (const m of managed) {
    if (!m.r?.kind || !m.r.name) continue;
    const key = `${m.namespace ?? ''}/${m.kind}/${m.name}`;
    const list = manages.get(key) ?? [];
    list.push({ kind: m.r.kind, namespace: m.r.namespace || null, name: m.r.name });
    manages.set(key, list);
  }
  return manages;
}
