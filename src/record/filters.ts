// What a recording keeps of a shared (multi-tenant) cluster: pods, containers, event sources and log
// lines chosen by regular expressions. They apply at the source: a pod left out is not written, its
// logs are not fetched and its events are dropped, so nothing filtered out reaches the spool.

import type { KubeObject } from '../kube/to-row.ts';
import { passesFilter, type RecordFilters } from '../vocab/log-filter.ts';

export function acceptsPod(f: RecordFilters | undefined, name: string | undefined): boolean {
  if (!f || (!f.pods && !f.excludePods)) return true;
  return passesFilter(f.pods, f.excludePods, name ?? '');
}

export function acceptsContainer(f: RecordFilters | undefined, name: string): boolean {
  if (!f) return true;
  return passesFilter(f.containers, f.excludeContainers, name);
}

export function acceptsLogLine(f: RecordFilters | undefined, line: string): boolean {
  if (!f) return true;
  return passesFilter(f.logMatch, f.logExclude, line);
}

interface EventFields {
  source?: { component?: unknown };
  deprecatedSource?: { component?: unknown };
  reportingController?: unknown;
  reportingComponent?: unknown;
  involvedObject?: { kind?: unknown; name?: unknown };
  regarding?: { kind?: unknown; name?: unknown };
}

/** The reporting component, as the bundle's `event_source` column has it. */
function eventSource(ev: EventFields): string {
  const component = ev.source?.component ?? ev.deprecatedSource?.component;
  if (typeof component === 'string' && component !== '') return component;
  const controller = ev.reportingController ?? ev.reportingComponent;
  return typeof controller === 'string' ? controller : '';
}

/** An Event is kept when its source passes and it is not about a pod that is left out. */
export function acceptsEvent(f: RecordFilters | undefined, event: KubeObject): boolean {
  if (!f) return true;
  const ev = event as EventFields;
  if (
    (f.eventSources || f.excludeEventSources) &&
    !passesFilter(f.eventSources, f.excludeEventSources, eventSource(ev))
  )
    return false;
  if (f.pods || f.excludePods) {
    const subject = ev.involvedObject ?? ev.regarding;
    if (subject?.kind === 'Pod' && !acceptsPod(f, typeof subject.name === 'string' ? subject.name : ''))
      return false;
  }
  return true;
}
