// Which managed cluster an audit export is about, from what the export says around its entries:
// GKE's resource labels, EKS's CloudWatch log group (`/aws/eks/<cluster>/cluster`), AKS's resource
// id. One entry per cloud; the import keeps what each input names.

import { rec, str } from '../../kube/fields.ts';
import { envelopeString } from '../envelope.ts';
import type { FoundEntry } from './entries.ts';

export interface ClusterIdentity {
  /** The managed service: GKE, EKS or AKS. */
  cloud: string;
  name: string | null;
  /** Region or zone, when the export names it. */
  location: string | null;
  /** The GCP project, AWS account or Azure subscription. */
  account: string | null;
  /** The cloud's own id of the cluster (an Azure resource id, a GKE resource name). */
  id: string | null;
}

interface CloudExport {
  cloud: string;
  /** What `account` is called on this cloud, for the summary. */
  accountIs: string;
  /** The cluster an entry of this cloud's export names; null when the entry is not this cloud's. */
  identify(found: FoundEntry): ClusterIdentity | null;
}

const GKE_RESOURCE_RE = /^projects\/([^/]+)\/(?:zones|locations)\/([^/]+)\/clusters\/([^/]+)/;

const gke: CloudExport = {
  cloud: 'GKE',
  accountIs: 'project',
  identify: ({ entry }) => {
    if (entry.type !== 'google') return null;
    const resource = rec(entry.entry.resource);
    const labels = rec(resource?.labels);
    const fromName = GKE_RESOURCE_RE.exec(str(rec(entry.entry.protoPayload)?.resourceName) ?? '');
    const name = str(labels?.cluster_name) ?? fromName?.[3] ?? null;
    if (name === null) return null;
    const location = str(labels?.location) ?? fromName?.[2] ?? null;
    const account = str(labels?.project_id) ?? fromName?.[1] ?? null;
    return {
      cloud: 'GKE',
      name,
      location,
      account,
      id: account && location ? `projects/${account}/locations/${location}/clusters/${name}` : null,
    };
  },
};

// `/aws/eks/<cluster>/cluster`; CloudWatch Logs Insights prefixes the account: `123456789012:/aws/eks/…`.
const EKS_GROUP_RE = /^(?:(\d{12}):)?\/aws\/eks\/([^/]+)\/cluster$/;
const EKS_STREAM_RE = /^kube-apiserver-audit-/;

const eks: CloudExport = {
  cloud: 'EKS',
  accountIs: 'account',
  identify: ({ entry, envelopes }) => {
    if (entry.type !== 'kubernetes' || envelopes.length === 0) return null;
    const group = EKS_GROUP_RE.exec(
      envelopeString(envelopes, ['logGroup', 'logGroupName', '@log', 'log_group']) ?? '',
    );
    // `aws logs tail` prints the stream before each message.
    const stream =
      envelopeString(envelopes, ['logStreamName', 'logStream', '@logStream', 'log_stream']) ??
      /\bkube-apiserver-audit-\S+/.exec(envelopeString(envelopes, ['prefix']) ?? '')?.[0] ??
      null;
    // A CloudWatch export without its log group (filter-log-events, an Insights export): its keys say CloudWatch.
    const cloudWatch = envelopes.some((e) => '@message' in e || 'logStreamName' in e || 'logEvents' in e);
    if (!group && !(stream && EKS_STREAM_RE.test(stream)) && !cloudWatch) return null;
    const owner = envelopeString(envelopes, ['owner']);
    return {
      cloud: 'EKS',
      name: group?.[2] ?? null,
      location: null,
      account: group?.[1] ?? (owner && /^\d{12}$/.test(owner) ? owner : null),
      id: null,
    };
  },
};

const AKS_RESOURCE_RE =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/i;
// Diagnostic categories, and the Log Analytics tables they land in.
const AKS_CATEGORIES = new Set(['kube-audit', 'kube-audit-admin', 'aksaudit', 'aksauditadmin']);

const aks: CloudExport = {
  cloud: 'AKS',
  accountIs: 'subscription',
  identify: ({ entry, envelopes }) => {
    if (entry.type !== 'kubernetes') return null;
    // A diagnostic record wraps the event; a Log Analytics row is the event with its resource id.
    const around = [...envelopes, entry.source];
    const resourceId = envelopeString(around, ['resourceId', 'ResourceId', '_ResourceId']);
    const match = AKS_RESOURCE_RE.exec(resourceId ?? '');
    const category = envelopeString(around, ['category', 'Category', 'Type']);
    if (!match && !(category && AKS_CATEGORIES.has(category.toLowerCase()))) return null;
    return {
      cloud: 'AKS',
      name: match?.[3] ?? null,
      location: null,
      account: match?.[1] ?? null,
      id: match ? resourceId : null,
    };
  },
};

/** The clouds whose exports kstory knows, in the order they are asked. */
export const CLOUD_EXPORTS: readonly CloudExport[] = [gke, eks, aks];

/** The managed cluster an entry's export names, if any. */
export function identifyCluster(found: FoundEntry): ClusterIdentity | null {
  for (const cloud of CLOUD_EXPORTS) {
    const identity = cloud.identify(found);
    if (identity) return identity;
  }
  return null;
}

/** Keep an input's clusters once each: one export usually names one cluster on every entry. */
export function noteCluster(clusters: ClusterIdentity[], identity: ClusterIdentity): void {
  const same = clusters.find(
    (c) =>
      c.cloud === identity.cloud && (c.name === identity.name || c.name === null || identity.name === null),
  );
  if (!same) {
    // Bounded: an export of a whole organisation names many clusters, the summary shows a few.
    if (clusters.length < 20) clusters.push({ ...identity });
    return;
  }
  same.name ??= identity.name;
  same.location ??= identity.location;
  same.account ??= identity.account;
  same.id ??= identity.id;
}

/** `cluster-1 (GKE, europe-central2-a, project hazel-aria-348413)`. */
export function describeCluster(identity: ClusterIdentity): string {
  const accountIs = CLOUD_EXPORTS.find((c) => c.cloud === identity.cloud)?.accountIs ?? 'account';
  const details = [
    identity.cloud,
    identity.location,
    identity.account ? `${accountIs} ${identity.account}` : null,
  ].filter((d): d is string => d !== null);
  return `${identity.name ?? 'a cluster the export does not name'} (${details.join(', ')})`;
}

/** The cluster of a whole import: the one its inputs name, or null when they name none or several. */
export function clusterOfImport(
  inputs: readonly { clusters: readonly ClusterIdentity[] }[],
): ClusterIdentity | null {
  const all: ClusterIdentity[] = [];
  for (const input of inputs) for (const c of input.clusters) noteCluster(all, c);
  return all.length === 1 ? all[0]! : null;
}
