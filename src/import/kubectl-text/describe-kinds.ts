// The kinds whose `kubectl describe` kstory reads back, one describer each; a block's top-level keys
// say which kind it is (the command's word only decides what the text cannot, see describe.ts).

import { BUILTIN_API_VERSIONS, CLUSTER_SCOPED_KINDS } from '../../kube/resources.ts';
import { type DescribeKind, metadataOf } from './describe-common.ts';
import { describeCustomResource } from './describe-custom.ts';
import { describeNetworkPolicy } from './describe-network-policy.ts';
import {
  describePersistentVolume,
  describePersistentVolumeClaim,
  describeService,
} from './describe-network-storage.ts';
import { describeNode } from './describe-node.ts';
import { describePod } from './describe-pod.ts';
import {
  describeConfigMap,
  describeLimitRange,
  describeNamespace,
  describeResourceQuota,
  describeSecret,
  describeStorageClass,
} from './describe-policy.ts';
import { describeEndpoints, describeHorizontalPodAutoscaler, describeIngress } from './describe-routing.ts';
import {
  describeCronJob,
  describeDaemonSet,
  describeDeployment,
  describeJob,
  describeReplicaSet,
  describeReplicationController,
  describeStatefulSet,
} from './describe-workloads.ts';

/** In the order they are tried: the more specific first (a CronJob prints a Job's fields too). */
export const DESCRIBE_KINDS: readonly DescribeKind[] = [
  // `API Version:` and `Kind:` are printed only by the describe of custom resources.
  describeCustomResource,
  describeCronJob,
  describeJob,
  describeDeployment,
  describeStatefulSet,
  describeDaemonSet,
  describeReplicaSet,
  describePod,
  describeNode,
  describePersistentVolume,
  describePersistentVolumeClaim,
  describeService,
  describeIngress,
  describeEndpoints,
  describeNetworkPolicy,
  describeHorizontalPodAutoscaler,
  describeStorageClass,
  describeResourceQuota,
  describeLimitRange,
  describeNamespace,
  describeSecret,
  describeConfigMap,
];

/** Describers chosen only by the command's word. */
const BY_WORD_ONLY: readonly DescribeKind[] = [describeReplicationController];

// Kinds whose describe prints values kstory must not keep (a token Secret's token) or reads no further.
const METADATA_ONLY = new Set(['Secret', 'ConfigMap', 'ServiceAccount']);

/** The describer of a kind named by the command, or one that keeps only name, labels and events. */
export function describerForKind(kind: string): DescribeKind {
  const known = [...DESCRIBE_KINDS, ...BY_WORD_ONLY].find((d) => d.kind === kind);
  if (known && !METADATA_ONLY.has(kind)) return known;
  const apiVersion = BUILTIN_API_VERSIONS[kind] ?? '';
  const namespaced = !CLUSTER_SCOPED_KINDS.has(kind);
  return {
    kind,
    apiVersion,
    namespaced,
    matches: () => false,
    build: (nodes) => ({ object: { apiVersion, kind, metadata: metadataOf(nodes, namespaced) } }),
  };
}
