// `kstory events`: the Events of a namespace (or all, or of one object) as they stood at an
// instant, oldest last-seen first, like `kubectl events`.

import type { Json } from '../kube/fields.ts';
import { eventLastSeen } from '../vocab/kube-print.ts';
import { toCoreEvent } from './event-shapes.ts';
import type { Instant } from './instant.ts';
import { resolveTypes, splitTypeName } from './offline.ts';
import type { BundleState } from './state.ts';

export interface EventsRequest {
  namespace?: string;
  allNamespaces?: boolean;
  /** `pod/web-1`, `deployment/checkout`. */
  for?: string;
  /** `Warning`, `Normal,Warning`. */
  types?: string;
  at: Instant;
}

export async function listEvents(state: BundleState, request: EventsRequest): Promise<Json[]> {
  const namespace = request.allNamespaces ? undefined : (request.namespace ?? 'default');
  let involved: { kind: string; name: string } | undefined;
  if (request.for) {
    const { type, name } = splitTypeName(request.for);
    const resource = resolveTypes(state, type ?? request.for)[0]!;
    involved = { kind: resource.kind, name };
  }
  const events = await state.eventsAt(request.at, {
    namespace,
    involvedName: involved?.name,
    involvedKind: involved?.kind,
  });
  const types = request.types ? new Set(request.types.split(',').map((t) => t.trim().toLowerCase())) : null;
  return events
    .map((e) => toCoreEvent(e.object))
    .filter((e) => !types || types.has(String(e.type ?? '').toLowerCase()))
    .sort((a, b) => eventLastSeen(a) - eventLastSeen(b));
}
