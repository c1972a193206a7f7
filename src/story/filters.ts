// What a story keeps: the recorder's filters (regular expressions on pod names, containers, event
// sources and log lines, each with its exclusion) and namespaces, the log policy, and the caps.

import {
  ERROR_LINE_RE,
  filtersAsWritten,
  type LogPolicy,
  passesFilter,
  RECORD_FILTER_NAMES,
  type RecordFilters,
} from '../vocab/log-filter.ts';

/** The recorder's filters, and the namespaces a story reads (a recording has its own scope). */
export interface StoryFilters extends RecordFilters {
  namespaces?: RegExp;
  excludeNamespaces?: RegExp;
}

const STORY_FILTER_NAMES: readonly (readonly [keyof StoryFilters, string])[] = [
  ['namespaces', 'namespaces'],
  ['excludeNamespaces', 'exclude_namespaces'],
  ...RECORD_FILTER_NAMES,
];

export interface StoryLimits {
  /** `errors`: lines that look like errors, and every line of a crashed instance. */
  logs: LogPolicy;
  /** Events per story; beyond it, log lines go first, then audit entries, then Events. */
  maxEvents: number;
  /** Log lines per container of a pod; beyond it, the oldest go. */
  maxLogLines: number;
}

export const DEFAULT_LIMITS: StoryLimits = { logs: 'all', maxEvents: 20_000, maxLogLines: 500 };

/** Whether a resource of the story is kept: cluster-scoped ones always are. */
export function keepsResource(
  f: StoryFilters,
  r: { kind: string; namespace: string | null; name: string },
): boolean {
  if (r.namespace !== null && !passesFilter(f.namespaces, f.excludeNamespaces, r.namespace)) return false;
  return r.kind !== 'Pod' || passesFilter(f.pods, f.excludePods, r.name);
}

export function keepsContainer(f: StoryFilters, container: string | null): boolean {
  return container === null ? !f.containers : passesFilter(f.containers, f.excludeContainers, container);
}

export function keepsEventSource(f: StoryFilters, source: string | null): boolean {
  return passesFilter(f.eventSources, f.excludeEventSources, source);
}

export function keepsLogLine(f: StoryFilters, limits: StoryLimits, line: string, previous: boolean): boolean {
  if (limits.logs === 'none') return false;
  if (limits.logs === 'errors' && !previous && !ERROR_LINE_RE.test(line)) return false;
  return passesFilter(f.logMatch, f.logExclude, line);
}

/** The filters and caps as the user gave them, for the document. */
export function describeFilters(f: StoryFilters, limits: StoryLimits): Record<string, string> {
  const out = filtersAsWritten(f, STORY_FILTER_NAMES);
  out.logs = limits.logs;
  out.max_events = String(limits.maxEvents);
  out.max_log_lines = String(limits.maxLogLines);
  return out;
}
