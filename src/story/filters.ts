// What a story keeps: the recorder's filters (regular expressions on namespaces, pod names,
// containers, event sources and log lines, each with its exclusion), the log policy, and the caps.

import { ERROR_LINE_RE } from '../vocab/log-filter.ts';

export const LOG_POLICIES = ['none', 'errors', 'all'] as const;
export type LogPolicy = (typeof LOG_POLICIES)[number];

export interface StoryFilters {
  namespaces?: RegExp;
  excludeNamespaces?: RegExp;
  pods?: RegExp;
  excludePods?: RegExp;
  containers?: RegExp;
  excludeContainers?: RegExp;
  eventSources?: RegExp;
  excludeEventSources?: RegExp;
  logMatch?: RegExp;
  logExclude?: RegExp;
}

export interface StoryLimits {
  /** `errors`: lines that look like errors, and every line of a crashed instance. */
  logs: LogPolicy;
  /** Events per story; beyond it, log lines go first, then audit entries, then Events. */
  maxEvents: number;
  /** Log lines per container of a pod; beyond it, the oldest go. */
  maxLogLines: number;
}

export const DEFAULT_LIMITS: StoryLimits = { logs: 'all', maxEvents: 20_000, maxLogLines: 500 };

function keeps(include: RegExp | undefined, exclude: RegExp | undefined, value: string | null): boolean {
  if (include && !include.test(value ?? '')) return false;
  return !(exclude?.test(value ?? '') ?? false);
}

/** Whether a resource of the story is kept: cluster-scoped ones always are. */
export function keepsResource(
  f: StoryFilters,
  r: { kind: string; namespace: string | null; name: string },
): boolean {
  if (r.namespace !== null && !keeps(f.namespaces, f.excludeNamespaces, r.namespace)) return false;
  return r.kind !== 'Pod' || keeps(f.pods, f.excludePods, r.name);
}

export function keepsContainer(f: StoryFilters, container: string | null): boolean {
  return container === null ? !f.containers : keeps(f.containers, f.excludeContainers, container);
}

export function keepsEventSource(f: StoryFilters, source: string | null): boolean {
  return keeps(f.eventSources, f.excludeEventSources, source);
}

export function keepsLogLine(f: StoryFilters, limits: StoryLimits, line: string, previous: boolean): boolean {
  if (limits.logs === 'none') return false;
  if (limits.logs === 'errors' && !previous && !ERROR_LINE_RE.test(line)) return false;
  return keeps(f.logMatch, f.logExclude, line);
}

/** The filters and caps as the user gave them, for the document. */
export function describeFilters(f: StoryFilters, limits: StoryLimits): Record<string, string> {
  const out: Record<string, string> = {};
  const names: [keyof StoryFilters, string][] = [
    ['namespaces', 'namespaces'],
    ['excludeNamespaces', 'exclude_namespaces'],
    ['pods', 'pods'],
    ['excludePods', 'exclude_pods'],
    ['containers', 'containers'],
    ['excludeContainers', 'exclude_containers'],
    ['eventSources', 'event_sources'],
    ['excludeEventSources', 'exclude_event_sources'],
    ['logMatch', 'log_match'],
    ['logExclude', 'log_exclude'],
  ];
  for (const [key, name] of names) {
    const re = f[key];
    if (re) out[name] = re.flags.includes('i') ? `(?i)${re.source}` : re.source;
  }
  out.logs = limits.logs;
  out.max_events = String(limits.maxEvents);
  out.max_log_lines = String(limits.maxLogLines);
  return out;
}
