// The order in which `kubectl cluster-info dump` writes its lists, for the documents of a one-file
// dump that name neither their kind nor their selfLink: the nodes, then per namespace its events,
// replication controllers, services, daemon sets, deployments, replica sets and pods.

import { type KindHint, kindOfResourceName, kindOfSelfLink } from './kind-inference.ts';

const DUMP_ORDER = [
  'nodes',
  'events',
  'replicationcontrollers',
  'services',
  'daemonsets',
  'deployments',
  'replicasets',
  'pods',
] as const;
const KIND_ORDER = [
  'Node',
  'Event',
  'ReplicationController',
  'Service',
  'DaemonSet',
  'Deployment',
  'ReplicaSet',
  'Pod',
];

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a list document says of its own kind: `kind` (or Go's `Kind`), else its selfLink. */
function ownKind(doc: Json): string | null {
  const kind = doc.kind ?? doc.Kind;
  if (typeof kind === 'string' && kind.endsWith('List') && kind !== 'List') return kind.slice(0, -4);
  const meta = isRecord(doc.metadata) ? doc.metadata : isRecord(doc.ListMeta) ? doc.ListMeta : doc;
  return kindOfSelfLink(meta.selfLink ?? meta.SelfLink)?.kind ?? null;
}

/** Follows a one-file dump document by document; each document that cannot say its kind gets its place's. */
export class DumpSections {
  private position = -1;

  /** The kind this document's place in the dump implies, or null when it names its own. */
  next(doc: unknown): KindHint | null {
    if (!isRecord(doc)) return null;
    const own = ownKind(doc);
    if (own !== null) {
      const index = KIND_ORDER.indexOf(own);
      if (index >= 0) this.position = index;
      return null;
    }
    // After the pods of one namespace come the events of the next.
    this.position = this.position < 0 ? 0 : this.position === DUMP_ORDER.length - 1 ? 1 : this.position + 1;
    return kindOfResourceName(DUMP_ORDER[this.position]!, 'its place in the cluster-info dump');
  }
}
