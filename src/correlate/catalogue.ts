// What correlation needs to know of every object in a bundle, read once: identity, controlling
// owner, and the links of pods (node, references, labels), selectors and references of the others.

import { VERSION_ORDER_SQL } from '../bundle/columns.ts';
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

interface Row {
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  api_version: string | null;
  owner_kind: string | null;
  owner_name: string | null;
  owner_uid: string | null;
  nodes: string[] | null;
  refs: { kind: string; name: string; via: string }[] | null;
  labels: { key: string; value: string }[] | null;
  selector: { key: string; value: string }[] | null;
  first: string;
  seen: string;
  last: string;
  created_at: string | null;
  gone_at: string | null;
}

/** Every object incarnation of the bundle (one per kind, namespace, name and UID). */
export async function loadCatalogue(bundle: Bundle): Promise<CatalogueObject[]> {
  const last = (column: string) => `last(${column} ORDER BY ${VERSION_ORDER_SQL})`;
  const rows = await bundle.query<Row>(
    `SELECT kind, namespace, name, uid, ${last('api_version')} AS api_version,
            ${last('owner_kind')} AS owner_kind, ${last('owner_name')} AS owner_name, ${last('owner_uid')} AS owner_uid,
            list(DISTINCT node) FILTER (WHERE node IS NOT NULL) AS nodes,
            list_distinct(flatten(list(refs) FILTER (WHERE refs IS NOT NULL))) AS refs,
            ${last('labels')} AS labels, ${last('selector')} AS selector,
            ${TS('least(min(ts), min(created_at))')} AS first, ${TS('min(ts)')} AS seen, ${TS('max(ts)')} AS last,
            ${TS('min(created_at)')} AS created_at,
            ${TS("least(min(ts) FILTER (WHERE watch_event = 'DELETED'), min(ts) FILTER (WHERE deleted_at IS NOT NULL))")} AS gone_at
     FROM objects WHERE kind IS NOT NULL AND name IS NOT NULL
     GROUP BY kind, namespace, name, uid`,
  );
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
  return rows.map((r) => ({
    id: r.uid ?? `${r.namespace ?? ''}/${r.kind}/${r.name}`,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    uid: r.uid,
    api_version: r.api_version,
    owner: r.owner_kind && r.owner_name ? { kind: r.owner_kind, name: r.owner_name, uid: r.owner_uid } : null,
    nodes: (r.nodes ?? []).sort(),
    refs: r.refs ?? [],
    labels: toRecord(r.labels),
    selector: toRecord(r.selector),
    first: r.first,
    seen: r.seen,
    last: r.last,
    created_at: r.created_at,
    gone_at: r.gone_at,
    manages: manages.get(`${r.namespace ?? ''}/${r.kind}/${r.name}`) ?? [],
  }));
}

function toRecord(entries: { key: string; value: string }[] | null): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { key, value } of entries ?? []) record[key] = value;
  return record;
}
