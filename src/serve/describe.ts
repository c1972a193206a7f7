// What `kstory describe` shows of an object at an instant: the object, the Events about it (as
// kubectl describe finds them: by involved kind, name, namespace and uid), and the related objects
// some describers list (a Deployment's ReplicaSets, the pods on a Node).

import { KstoryError } from '../errors.ts';
import { type Json, rec, str } from '../kube/fields.ts';
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
  related: { replicaSets?: Json[]; pods?: Json[] };
  /** Set when the object was gone at the end and is shown as it last was. */
  note?: string;
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
      return !uid || !str(involved.uid) || involved.uid === uid;
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
    }
  }
  return { resource, object, events, at, related, note };
}
