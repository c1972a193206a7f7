// `kstory logs` without a server: the pod as it stood at --at (default: the end), or, when it was
// gone by then, as it stood the last time the recording saw it, which is what a postmortem wants
// for a pod deleted long ago.

import { KstoryError } from '../errors.ts';
import { type Json, rec } from '../kube/fields.ts';
import { type Instant, isoSeconds } from './instant.ts';
import { containerNames, defaultContainer, type LogOptions, type PodLogs, podLogs } from './logs.ts';
import { resolveTypes, splitTypeName, whenItExisted } from './offline.ts';
import type { BundleState } from './state.ts';

export interface OfflineLogs extends PodLogs {
  /** The instant the pod was read at: the one asked, or its last sighting before it. */
  at: Instant;
  /** What stderr should say: the pod was gone at the instant asked, the container picked. */
  notes: string[];
}

export async function offlineLogs(
  state: BundleState,
  namespace: string,
  name: string,
  at: Instant,
  explicitAt: boolean,
  options: LogOptions,
): Promise<OfflineLogs> {
  const pods = state.catalogue.resolve('pods')[0];
  if (!pods) throw new KstoryError('the recording holds no pods');
  const [pod] = await state.objectsAt(pods, at, { namespace, name });
  if (pod) return read(state, pod.object, at, options, []);
  const versions = (await state.versions(pods, namespace, name)).filter((v) => v.ts <= at);
  const lastSeen = [...versions].reverse().find((v) => v.type !== 'DELETED');
  if (!lastSeen || explicitAt) {
    const hint = await whenItExisted(state, pods, namespace, name);
    throw new KstoryError(`pods "${name}" not found in namespace ${namespace} at that instant`, {
      hint: hint ?? 'Check the name and namespace (-n); kstory get pods -A lists them all.',
    });
  }
  return read(state, lastSeen.item.object, lastSeen.ts, options, [
    `pod ${namespace}/${name} was gone by the end of the recording: its logs as of its last version, ${isoSeconds(lastSeen.ts)}`,
  ]);
}

/** kubectl's choice when no container is named and the pod has several: the default one, said on stderr. */
async function read(
  state: BundleState,
  pod: Json,
  at: Instant,
  options: LogOptions,
  notes: string[],
): Promise<OfflineLogs> {
  const names = containerNames(pod);
  let container = options.container;
  if (!container && names.length > 1) {
    container = defaultContainer(pod);
    notes.push(`Defaulted container "${container}" out of: ${names.join(', ')}`);
  }
  return { ...(await podLogs(state, pod, at, { ...options, container })), at, notes };
}

/** Kinds whose pods `kstory logs TYPE/NAME` reads, as kubectl logs does (one pod, said on stderr). */
const WORKLOADS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'ReplicationController',
]);

function ownedBy(obj: Json, kind: string, name: string): boolean {
  const owners = (rec(obj.metadata)?.ownerReferences as unknown[] | undefined) ?? [];
  return owners.some((o) => rec(o)?.kind === kind && rec(o)?.name === name);
}

/** kubectl's preference among a workload's pods for logs: scheduled, running, ready, most restarted, oldest. */
function loggingRank(pod: Json): number[] {
  const status = rec(pod.status) ?? {};
  const restarts = ((status.containerStatuses as unknown[] | undefined) ?? []).reduce<number>(
    (sum, c) => sum + Number(rec(c)?.restartCount ?? 0),
    0,
  );
  const ready = ((status.conditions as unknown[] | undefined) ?? []).some(
    (c) => rec(c)?.type === 'Ready' && rec(c)?.status === 'True',
  );
  const phase = { Running: 0, Unknown: 1, Pending: 2 }[String(status.phase)] ?? 3;
  return [
    rec(pod.spec)?.nodeName ? 0 : 1,
    phase,
    ready ? 0 : 1,
    -restarts,
    Date.parse(String(rec(pod.metadata)?.creationTimestamp ?? '')) || 0,
  ];
}

/** The pod `TYPE/NAME` means for logs: the pod itself, or the pod of a workload kubectl would pick. */
export async function podFor(
  state: BundleState,
  target: string,
  namespace: string,
  at: Instant,
): Promise<{ name: string; note?: string }> {
  const { type, name } = splitTypeName(target);
  if (!type) return { name };
  const resource = resolveTypes(state, type)[0]!;
  if (resource.kind === 'Pod') return { name };
  if (!WORKLOADS.has(resource.kind)) {
    throw new KstoryError(`cannot read logs of a ${resource.kind}`, {
      hint: 'Name a pod, or a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job.',
    });
  }
  const pods = state.catalogue.resolve('pods')[0];
  const all = pods ? (await state.objectsAt(pods, at, { namespace })).map((p) => p.object) : [];
  let owners = [{ kind: resource.kind, name }];
  if (resource.kind === 'Deployment') {
    const rs = state.catalogue.resolve('replicasets.apps')[0];
    const sets = rs ? (await state.objectsAt(rs, at, { namespace })).map((r) => r.object) : [];
    owners = sets
      .filter((s) => ownedBy(s, 'Deployment', name))
      .map((s) => ({ kind: 'ReplicaSet', name: String(rec(s.metadata)?.name) }));
  }
  const candidates = all.filter((p) => owners.some((o) => ownedBy(p, o.kind, o.name)));
  if (candidates.length === 0) {
    throw new KstoryError(`${resource.kind} ${namespace}/${name} had no pods at that instant`, {
      hint: 'Try another --at, or name a pod (kstory get pods -n ... lists them).',
    });
  }
  const rank = (p: Json) => loggingRank(p);
  candidates.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return 0;
  });
  const chosen = String(rec(candidates[0]!.metadata)?.name);
  return {
    name: chosen,
    note: candidates.length > 1 ? `Found ${candidates.length} pods, using pod/${chosen}` : undefined,
  };
}
