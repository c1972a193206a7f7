// Events come in two API shapes: core/v1 (involvedObject, message, count) and events.k8s.io/v1
// (regarding, note, series). A bundle stores the shape it was recorded in; these convert between them
// so that either API serves every Event.

import { type Json, rec } from '../kube/fields.ts';

/** core/v1 → events.k8s.io/v1. */
export function toEventsV1(ev: Json): Json {
  if (ev.apiVersion === 'events.k8s.io/v1') return ev;
  const source = rec(ev.source) ?? {};
  const out: Json = {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: ev.metadata,
    eventTime: ev.eventTime ?? null,
    reportingController: ev.reportingComponent || source.component || undefined,
    reportingInstance: ev.reportingInstance || source.host || undefined,
    action: ev.action,
    reason: ev.reason,
    regarding: ev.involvedObject,
    related: ev.related,
    note: ev.message,
    type: ev.type,
    deprecatedSource: ev.source,
    deprecatedFirstTimestamp: ev.firstTimestamp,
    deprecatedLastTimestamp: ev.lastTimestamp,
    deprecatedCount: ev.count,
  };
  const series = rec(ev.series);
  if (series) out.series = { count: series.count, lastObservedTime: series.lastObservedTime };
  return dropUndefined(out);
}

/** events.k8s.io/v1 → core/v1 (what tables and describe read). */
export function toCoreEvent(ev: Json): Json {
  if (ev.apiVersion !== 'events.k8s.io/v1') return ev;
  const out: Json = {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: ev.metadata,
    involvedObject: ev.regarding ?? {},
    reason: ev.reason,
    message: ev.note,
    source: ev.deprecatedSource ?? { component: ev.reportingController, host: ev.reportingInstance },
    firstTimestamp: ev.deprecatedFirstTimestamp ?? null,
    lastTimestamp: ev.deprecatedLastTimestamp ?? null,
    count: ev.deprecatedCount ?? rec(ev.series)?.count,
    type: ev.type,
    eventTime: ev.eventTime ?? null,
    series: ev.series,
    action: ev.action,
    related: ev.related,
    reportingComponent: ev.reportingController ?? '',
    reportingInstance: ev.reportingInstance ?? '',
  };
  return dropUndefined(out);
}

function dropUndefined(obj: Json): Json {
  for (const key of Object.keys(obj)) if (obj[key] === undefined) delete obj[key];
  return obj;
}
