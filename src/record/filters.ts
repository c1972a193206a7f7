// What a recording keeps of a shared (multi-tenant) cluster: pods, containers, event sources and log
// lines chosen by regular expressions. They apply at the source: a pod left out is not written, its
// logs are not fetched and its events are dropped, so nothing filtered out reaches the spool.

import type { KubeObject } from '../kube/to-row.ts';

// One grammar for the recorder's filters and a story's (src/vocab/log-filter.ts).
export { compileRegex } from '../vocab/log-filter.ts';

export interface RecordFilters {
  /** Only pods whose name matches; the others are not recorded, nor their logs and events. */
  pods?: RegExp;
  /** Pods whose name matches are left out, with their logs and events. */
  excludePods?: RegExp;
  /** Logs of containers whose name matches only. */
  containers?: RegExp;
  /** No logs of containers whose name matches. */
  excludeContainers?: RegExp;
  /** Only Events reported by a matching component (`source.component` or `reportingController`). */
  eventSources?: RegExp;
  /** Events reported by a matching component are left out. */
  excludeEventSources?: RegExp;
  /** Only log lines that match (lines of crashed containers too). */
  logMatch?: RegExp;
  /** Log lines that match are left out. */
  logExclude?: RegExp;
}

/** Metadata keys, in the order `kstory bundle info` shows them. */
const METADATA_KEYS: [keyof RecordFilters, string][] = [
  ['pods', 'pods'],
  ['excludePods', 'exclude_pods'],
  ['containers', 'containers'],
  ['excludeContainers', 'exclude_containers'],
  ['eventSources', 'event_sources'],
  ['excludeEventSources', 'exclude_event_sources'],
  ['logMatch', 'log_match'],
  ['logExclude', 'log_exclude'],
];

/** The pattern as the user gave it, for the bundle metadata. */
function sourceOf(re: RegExp): string {
  return re.flags.includes('i') ? `(?i)${re.source}` : re.source;
}

function keeps(include: RegExp | undefined, exclude: RegExp | undefined, value: string): boolean {
  if (include && !include.test(value)) return false;
  return !(exclude?.test(value) ?? false);
}

export function hasFilters(f: RecordFilters | undefined): boolean {
  return f !== undefined && METADATA_KEYS.some(([key]) => f[key] !== undefined);
}

export function acceptsPod(f: RecordFilters | undefined, name: string | undefined): boolean {
  if (!f || (!f.pods && !f.excludePods)) return true;
  return keeps(f.pods, f.excludePods, name ?? '');
}

export function acceptsContainer(f: RecordFilters | undefined, name: string): boolean {
  if (!f) return true;
  return keeps(f.containers, f.excludeContainers, name);
}

export function acceptsLogLine(f: RecordFilters | undefined, line: string): boolean {
  if (!f) return true;
  return keeps(f.logMatch, f.logExclude, line);
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
    !keeps(f.eventSources, f.excludeEventSources, eventSource(ev))
  )
    return false;
  if (f.pods || f.excludePods) {
    const subject = ev.involvedObject ?? ev.regarding;
    if (subject?.kind === 'Pod' && !acceptsPod(f, typeof subject.name === 'string' ? subject.name : ''))
      return false;
  }
  return true;
}

/** The filters in force, for the bundle metadata `filters`: snake_case keys, patterns as given. */
export function filtersMetadata(f: RecordFilters | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!f) return out;
  for (const [key, name] of METADATA_KEYS) {
    const re = f[key];
    if (re) out[name] = sourceOf(re);
  }
  return out;
}
