// The records that are not object versions, as story events: Kubernetes Events, audit entries (who
// did what), container log lines, kstory's findings and the recording's gaps.

import { restoreAuditEntry } from '../kube/audit-body.ts';
import { isRecord, type Json } from '../kube/fields.ts';
import { parseBody } from './lifecycle.ts';
import type { AuditRecord, EventRecord, GapRecord, LogRecord } from './records.ts';
import type { ResourceRef, StoryEvent } from './schema.ts';

type Draft = Omit<StoryEvent, 'correlation_id'>;

const label = (r: { kind: string; namespace: string | null; name: string }) =>
  `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
const refOf = (r: {
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
}): ResourceRef => ({
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
  uid: r.uid,
});

export function eventDraft(e: EventRecord): Draft {
  const count = e.event_count !== null && e.event_count > 1 ? ` (x${e.event_count})` : '';
  return {
    timestamp: e.ts,
    event_type: 'K8S_EVENT',
    source_component: e.event_source ?? 'unknown',
    namespace: e.namespace,
    resource: refOf(e),
    summary:
      `${e.event_type ?? 'Event'} ${e.event_reason ?? ''}${count} on ${label(e)}: ${e.event_message ?? ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    data: parseBody(e.body) ?? { reason: e.event_reason, message: e.event_message, type: e.event_type },
  };
}

export function auditDraft(a: AuditRecord): Draft {
  const actor = a.audit_impersonated_user ?? a.audit_user ?? 'someone';
  const what = `${a.audit_verb ?? 'request'}${a.audit_subresource ? ` ${a.audit_subresource} of` : ''} ${label(a)}`;
  return {
    timestamp: a.ts,
    event_type: 'AUDIT',
    source_component: actor,
    namespace: a.namespace,
    resource: refOf(a),
    summary: `${actor} ${what}${a.audit_code !== null ? ` → ${a.audit_code}` : ''}`,
    // The entry as logged: a Metadata-level body holds only what the columns do not.
    data: restoreAuditEntry({ ...a, ts: a.stage_ts }, recordOrNull(parseBody(a.body))),
  };
}

export function logDraft(l: LogRecord): Draft {
  const container = l.container ?? '?';
  return {
    timestamp: l.ts,
    event_type: 'CONTAINER_LOG',
    source_component: `${l.namespace ?? ''}/${l.name}/${container}`,
    namespace: l.namespace,
    resource: { kind: 'Pod', namespace: l.namespace, name: l.name, uid: l.uid },
    summary: `${container}${l.log_previous ? ' (previous)' : ''}: ${l.log_line ?? ''}`,
    data: { container, stream: l.log_stream, previous: l.log_previous ?? false, line: l.log_line },
  };
}

/** What a story says of a finding (the whole finding is in `analyze --format json`). */
export interface FindingInput {
  id: number;
  pattern: string;
  title: string;
  severity: string;
  confidence: number;
  subject: { namespace: string | null; kind: string; name: string; container: string | null };
  first: string;
  last: string;
  resolved: string | null;
  summary: string;
  incident: number | null;
  /** The finding that explains it in its incident's causal chain, and by which link. */
  caused_by: { finding: number; pattern: string; subject: string; link: string } | null;
}

export function findingDraft(f: FindingInput, resource: ResourceRef): Draft {
  return {
    timestamp: new Date(f.first).toISOString(),
    event_type: 'FINDING',
    source_component: `kstory/${f.pattern}`,
    namespace: f.subject.namespace,
    resource,
    summary: `[${f.severity}] ${f.title}: ${f.summary}`,
    data: {
      finding: f.id,
      pattern: f.pattern,
      title: f.title,
      severity: f.severity,
      confidence: f.confidence,
      container: f.subject.container,
      first: new Date(f.first).toISOString(),
      last: new Date(f.last).toISOString(),
      resolved: f.resolved === null ? null : new Date(f.resolved).toISOString(),
      incident: f.incident,
      caused_by: f.caused_by,
      summary: f.summary,
    },
  };
}

export function gapDraft(g: GapRecord): Draft {
  return {
    timestamp: g.ts,
    event_type: 'GAP',
    source_component: 'kstory',
    namespace: null,
    resource: null,
    summary: `the recording may be incomplete${g.end ? ` until ${g.end}` : ''}${g.detail ? `: ${g.detail}` : ''}`,
    data: { start: g.ts, end: g.end, detail: g.detail, origin: g.origin },
  };
}

function recordOrNull(value: unknown): Json | null {
  return isRecord(value) ? value : null;
}
