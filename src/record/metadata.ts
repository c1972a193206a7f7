// What a recording says about itself in the bundle metadata: its filters, sources and mode, written
// when the spool opens and completed (resources, window end, what failed) when the recording ends.

import type { MetadataPatch } from '../bundle/metadata.ts';
import { REDACTION_RULES } from '../kube/redact.ts';
import {
  filtersAsWritten,
  type LogPolicy,
  RECORD_FILTER_NAMES,
  type RecordFilters,
} from '../vocab/log-filter.ts';
import type { NamespaceScope } from './namespaces.ts';

/** The choices of `kstory record` that its metadata records. */
export interface RecordingChoices {
  include: string[];
  exclude: string[];
  once: boolean;
  logs?: LogPolicy;
  since?: Date;
  filters?: RecordFilters;
}

export interface RecordingIdentity {
  clusterName: string | null;
  contextName: string | null;
  serverVersion: string | null;
}

/** The metadata a recording starts its spool with; its window is still open. */
export function initialMetadata(
  options: RecordingChoices,
  scope: NamespaceScope,
  identity: RecordingIdentity,
  windowStart: string,
  withAudit: boolean,
): MetadataPatch & { producer: string } {
  const logs = options.logs ?? 'none';
  return {
    producer: 'record',
    cluster: { name: identity.clusterName, server_version: identity.serverVersion },
    filters: recordingFilters(options, scope, null),
    redaction: [...REDACTION_RULES],
    snapshot: options.once,
    sources: [
      ...(logs === 'none' ? ['object', 'event', 'marker'] : ['object', 'event', 'log', 'marker']),
      ...(withAudit ? ['audit'] : []),
    ],
    window: { start: windowStart, end: null },
    extra: recordingExtra(options, identity),
  };
}

/** What the recording learnt by the end: the resources it watched, its window, what failed. */
export function finalMetadata(
  options: RecordingChoices,
  scope: NamespaceScope,
  identity: RecordingIdentity,
  window: { start: string; end: string },
  outcome: { resources: string[]; extra: Record<string, unknown> },
): MetadataPatch {
  return {
    window,
    filters: recordingFilters(options, scope, outcome.resources),
    extra: { ...recordingExtra(options, identity), ...outcome.extra },
  };
}

/** Namespaces, resources, log policy, --since and the regular-expression filters, as `filters` records them. */
function recordingFilters(
  options: RecordingChoices,
  scope: NamespaceScope,
  resources: string[] | null,
): Record<string, unknown> {
  return {
    namespaces: scope.patterns,
    include: options.include,
    exclude: options.exclude,
    logs: options.logs ?? 'none',
    ...(resources === null ? {} : { resources }),
    ...(options.since ? { since: options.since.toISOString() } : {}),
    ...filtersAsWritten(options.filters, RECORD_FILTER_NAMES),
  };
}

function recordingExtra(options: RecordingChoices, identity: RecordingIdentity): Record<string, unknown> {
  return { context: identity.contextName, mode: options.once ? 'once' : 'continuous' };
}
