// The regular expressions users filter records with (`--pods`, `--log-match`…, Go's `(?i)` accepted),
// the filters they make, and the lines `--logs errors` keeps: one grammar for the recorder and for stories.

/**
 * A JavaScript regular expression, matched anywhere unless anchored. A leading `(?i)`, as Go and
 * Prometheus write it, makes it case-insensitive. Throws SyntaxError when it is not valid.
 */
export function compileRegex(source: string): RegExp {
  if (source.startsWith('(?i)')) return new RegExp(source.slice(4), 'i');
  return new RegExp(source);
}

/** Which container logs a recording or a story keeps: none, the lines that look like errors (and
 * every line of a crashed instance), or all. */
export const LOG_POLICIES = ['none', 'errors', 'all'] as const;
export type LogPolicy = (typeof LOG_POLICIES)[number];

/** Lines `--logs errors` keeps: error words and the level fields of common structured formats. */
export const ERROR_LINE_RE =
  /\b(?:error|fatal|panic|exception|traceback|critical|failed|failure)\b|\blevel[=:]\s*"?(?:error|fatal|crit(?:ical)?)\b|"(?:level|severity)"\s*:\s*"(?:error|fatal|crit(?:ical)?)"|^[EF]\d{4} /i;

/** Pods, containers, Event sources and log lines chosen by regular expressions, each with its
 * exclusion: a recording applies them at the source, a story to what it reads of a bundle. */
export interface RecordFilters {
  /** Only pods whose name matches, with their logs and events. */
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

/** Each filter and its name where a bundle's metadata or a story says it, in the order shown. */
export const RECORD_FILTER_NAMES: readonly (readonly [keyof RecordFilters, string])[] = [
  ['pods', 'pods'],
  ['excludePods', 'exclude_pods'],
  ['containers', 'containers'],
  ['excludeContainers', 'exclude_containers'],
  ['eventSources', 'event_sources'],
  ['excludeEventSources', 'exclude_event_sources'],
  ['logMatch', 'log_match'],
  ['logExclude', 'log_exclude'],
];

/** Whether a value passes a filter and its exclusion; a value that is not there is empty text. */
export function passesFilter(
  include: RegExp | undefined,
  exclude: RegExp | undefined,
  value: string | null,
): boolean {
  if (include && !include.test(value ?? '')) return false;
  return !(exclude?.test(value ?? '') ?? false);
}

/** The filters in force by name, each pattern as the user wrote it (`(?i)` again for any case). */
export function filtersAsWritten<F>(
  filters: F | undefined,
  names: readonly (readonly [keyof F, string])[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, name] of names) {
    const re = filters?.[key];
    if (re instanceof RegExp) out[name] = re.flags.includes('i') ? `(?i)${re.source}` : re.source;
  }
  return out;
}
