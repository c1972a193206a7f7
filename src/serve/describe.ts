// What `kstory describe` shows of an object at an instant: the object, the Events about it (as
// kubectl describe finds them: by involved kind, name, namespace and uid), and the related objects
// some describers list (a Deployment's ReplicaSets, the pods on a Node).

import { KstoryError } from '../errors.ts';
import { arr, type Json, rec, str } from '../kube/fields.ts';
import { quantityMilli, quantityValue } from '../kube/quantity.ts';
import { toCoreEvent } from './event-shapes.ts';
import { type Instant, isoSeconds } from './instant.ts';
import { whenItExisted } from './offline.ts';
import { servedObject } from './query.ts';
import type { ApiResource } from './resources.ts';
import type { BundleState } from './state.ts';

export interface DescribeInput {
  resource: ApiResource;
  object: Json;
  /** core/v1 Events about the object, as they stood at the instant. */
  events: Json[];
  at: Instant;
  /** A Deployment's ReplicaSets, the pods on a Node or using a claim, a Service's Endpoints. */
  related: { replicaSets?: Json[]; pods?: Json[]; usage?: NodeUsage; endpoints?: Json };
  /** Set when the object was gone at the end and is shown as it last was. */
  note?: string;
}

/** What the pods on a node request and are limited to, against what the node can give. */
export interface NodeUsage {
  allocatable: { cpuMilli: number; memoryBytes: number };
  pods: {
    namespace: string;
    name: string;
    created: unknown;
    cpuRequestMilli: number;
    cpuLimitMilli: number;
    memoryRequestBytes: number;
    memoryLimitBytes: number;
  }[];
}

function nodeUsage(node: Json, pods: readonly Json[]): NodeUsage {
  const allocatable = rec(rec(node.status)?.allocatable) ?? {};
  return {
    allocatable: {
      cpuMilli: quantityMilli(allocatable.cpu) ?? 0,
      memoryBytes: quantityValue(allocatable.memory) ?? 0,
    },
    pods: pods.map((pod) => {
      const sum = { cpuRequestMilli: 0, cpuLimitMilli: 0, memoryRequestBytes: 0, memoryLimitBytes: 0 };
      for (const c of arr(rec(pod.spec)?.containers)) {
        const resources = rec(rec(c)?.resources) ?? {};
        sum.cpuRequestMilli += quantityMilli(rec(resources.requests)?.cpu) ?? 0;
        sum.cpuLimitMilli += quantityMilli(rec(resources.limits)?.cpu) ?? 0;
        sum.memoryRequestBytes += quantityValue(rec(resources.requests)?.memory) ?? 0;
        sum.memoryLimitBytes += quantityValue(rec(resources.limits)?.memory) ?? 0;
      }
      const m = rec(pod.metadata) ?? {};
      return {
        namespace: String(m.namespace ?? ''),
        name: String(m.name ?? ''),
        created: m.creationTimestamp,
        ...sum,
      };
    }),
  };
}

export async function describeObject(
  state: BundleState,
  resource: ApiResource,
  namespace: string | null,
  name: string,
  requested: Instant,
  /** Without an instant asked for, an object gone by then is shown as it last was. */
  explicitAt = true,
): Promise<DescribeInput> {
  let at = requested;
  let note: string | undefined;
  let [item] = await state.objectsAt(resource, at, { namespace: namespace ?? undefined, name });
  if (!item && !explicitAt) {
    const last = (await state.versions(resource, namespace, name)).filter((v) => v.type !== 'DELETED').at(-1);
    if (last) {
      at = last.ts;
      item = last.item;
      note = `${resource.kind} ${namespace ? `${namespace}/` : ''}${name} was gone by the end of the recording: as it was at ${isoSeconds(at)}`;
    }
  }
  if (!item) {
    const qualified = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
    const hint = await whenItExisted(state, resource, namespace, name);
    throw new KstoryError(
      `${qualified} "${name}" not found${namespace ? ` in namespace ${namespace}` : ''} at that instant`,
      {
        hint: hint ?? 'Check the name and namespace (-n); kstory get <type> -A lists them all.',
      },
    );
  }
  const object = servedObject(resource, item);
  const uid = str(rec(object.metadata)?.uid);
  const events = (await state.eventsAt(at, { involvedName: name, involvedKind: resource.kind }))
    .map((e) => toCoreEvent(e.object))
    .filter((e) => {
      const involved = rec(e.involvedObject) ?? {};
      if (namespace !== null && str(involved.namespace) !== null && involved.namespace !== namespace)
        return false;
      // The kubelet names its node by name where the node controller gives its uid: kubectl's node
      // describer asks for both.
      const own = involved.uid === uid || (resource.kind === 'Node' && involved.uid === name);
      return !uid || !str(involved.uid) || own;
    });
  const related: DescribeInput['related'] = {};
  if (resource.kind === 'Deployment' && resource.origin === 'builtin') {
    const rs = state.catalogue.resolve('replicasets.apps')[0];
    if (rs) {
      related.replicaSets = (await state.objectsAt(rs, at, { namespace: namespace ?? undefined }))
        .map((i) => i.object)
        .filter((o) =>
          ((rec(o.metadata)?.ownerReferences as Json[] | undefined) ?? []).some(
            (r) => r.uid === uid || (r.kind === 'Deployment' && r.name === name),
          ),
        );
    }
  }
  if (resource.kind === 'Node' && resource.origin === 'builtin') {
    const pods = state.catalogue.resolve('pods')[0];
    if (pods) {
      related.pods = (await state.objectsAt(pods, at))
        .map((i) => i.object)
        .filter(
          (p) =>
            rec(p.spec)?.nodeName === name && !['Succeeded', 'Failed'].includes(String(rec(p.status)?.phase)),
        );
      related.usage = nodeUsage(object, related.pods);
    }
  }
  if (resource.kind === 'PersistentVolumeClaim' && resource.origin === 'builtin') {
    const pods = state.catalogue.resolve('pods')[0];
    if (pods) {
      related.pods = (await state.objectsAt(pods, at, { namespace: namespace ?? undefined }))
        .map((i) => i.object)
        .filter((p) =>
          arr(rec(p.spec)?.volumes).some((v) => rec(rec(v)?.persistentVolumeClaim)?.claimName === name),
        );
    }
  }
  if (resource.kind === 'Service' && resource.origin === 'builtin') {
    const endpoints = state.catalogue.resolve('endpoints')[0];
    if (endpoints) {
      const [item] = await state.objectsAt(endpoints, at, { namespace: namespace ?? undefined, name });
      if (item) related.endpoints = item.object;
    }
  }
  return { resource, object, events, at, related, note };
}
