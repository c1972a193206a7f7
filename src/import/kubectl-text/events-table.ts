// The Events table of a describe pasted alone (`Events:` and its rows, with its header or without):
// the Events of the object the command names, else of the pod a Scheduled row names, else of an
// object the text does not name, said as such, rather than text no format reads.

import { BUILTIN_API_VERSIONS, CLUSTER_SCOPED_KINDS } from '../../kube/resources.ts';
import { type FileContext, issue, note } from '../context.ts';
import { DESCRIBE_SOURCE } from './describe.ts';
import { type EventSubject, isEventRowStart, parseDescribeEvents } from './describe-events.ts';
import type { TextLine } from './describe-tree.ts';
import type { PreparedSection } from './prepared.ts';

/** The name given to the object of Events whose text names none: no Kubernetes name has parentheses. */
export const UNNAMED = '(unnamed)';

const EVENTS_LINE_RE = /^Events:\s*$/;
const HEADER_RE = /^(?:Type\s+Reason\s+Age\s+From\s+Message|FirstSeen\s+LastSeen\s+Count\s+From\b.*)$/;

/** Whether text opens with an Events table: `Events:`, its header, or rows kubectl prints in it. */
export function isEventsTableStart(lines: readonly string[]): boolean {
  const [first, second] = lines.map((l) => l.trim());
  if (first === undefined) return false;
  if (EVENTS_LINE_RE.test(first))
    return second !== undefined && (HEADER_RE.test(second) || isEventRowStart(second));
  if (HEADER_RE.test(first)) return true;
  // Rows without their header: every one of the first few a row.
  const rows = lines.slice(0, 3).map((l) => l.trim());
  return rows.every(isEventRowStart);
}

/** What the command says the Events are about, when a command printed them. */
export interface EventsHint {
  kind?: string;
  name?: string;
  namespace?: string;
}

// `Successfully assigned shop/web-1 to node-1` (1.15 on), `Successfully assigned web-1 to node-1` (before).
const ASSIGNED_RE = /^Successfully assigned (?:([a-z0-9][-a-z0-9]*)\/)?([a-z0-9][-a-z0-9.]*) to (\S+)$/;
// A container a kubelet event names: `Created container app`, `Started container: app`, `spec.containers{app}`.
const CONTAINER_RE =
  /(?:(?:Created|Started|Killing|Stopping) container:?\s+|failed container:?\s+|spec\.(?:init)?[cC]ontainers\{)([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)/g;

/** Read the Events in `lines`, to be written once it is known when they were printed. */
export function prepareEventsTable(
  lines: readonly TextLine[],
  ctx: FileContext,
  hint: EventsHint = {},
): PreparedSection | null {
  const start = EVENTS_LINE_RE.test(lines[0]?.text.trim() ?? '') ? 1 : 0;
  const rows = lines.slice(start);
  const probe = parseDescribeEvents(rows, subjectOf(rows, hint, []), '1970-01-01T00:00:00Z', DESCRIBE_SOURCE);
  if (probe.events.length === 0) return null;
  const subject = subjectOf(rows, hint, probe.events);
  if (subject.name === UNNAMED)
    note(
      ctx,
      lines[0]!.line,
      `an Events table whose object the text does not name: read as about ${subject.kind} ${UNNAMED}; save the describe with its "Name:" lines, or the command that printed it`,
    );
  return {
    floor: null,
    emit: (capture, observed) => {
      const { events, unreadable } = parseDescribeEvents(rows, subject, capture, DESCRIBE_SOURCE);
      for (const u of unreadable) issue(ctx, u.line, u.reason);
      const opts = { stats: ctx.stats, origin: ctx.origin, fallbackTs: capture, observed };
      for (const ev of events) ctx.sink.event(ev, opts);
    },
  };
}

// The kind of object a component's Events are about, for rows whose object the text does not name.
const KIND_OF_SOURCE: Readonly<Record<string, string>> = {
  kubelet: 'Pod',
  'default-scheduler': 'Pod',
  scheduler: 'Pod',
  'deployment-controller': 'Deployment',
  'replicaset-controller': 'ReplicaSet',
  'statefulset-controller': 'StatefulSet',
  'daemonset-controller': 'DaemonSet',
  'job-controller': 'Job',
  'cronjob-controller': 'CronJob',
  'node-controller': 'Node',
  'persistentvolume-controller': 'PersistentVolumeClaim',
  'horizontal-pod-autoscaler': 'HorizontalPodAutoscaler',
};

/**
 * The object the rows are about: the command's; else the pod a Scheduled row assigns (its namespace
 * and node with it); else one of the kind its first row's component speaks of, unnamed.
 */
function subjectOf(
  rows: readonly TextLine[],
  hint: EventsHint,
  events: readonly Record<string, unknown>[],
): EventSubject {
  const text = rows.map((r) => r.text).join('\n');
  const containers = [...new Set([...text.matchAll(CONTAINER_RE)].map((m) => m[1]!))].map((name) => ({
    name,
    init: false,
  }));
  const first = events[0] as { reason?: string; source?: { component?: string } } | undefined;
  const component = first?.source?.component ?? '';
  const kind =
    hint.kind ??
    (component === 'kubelet' && /^Node|^Rebooted$|^Starting$/.test(first?.reason ?? '')
      ? 'Node'
      : (KIND_OF_SOURCE[component] ?? 'Pod'));
  const subject = (name: string, namespace: string | undefined, node?: string): EventSubject => ({
    apiVersion: BUILTIN_API_VERSIONS[kind] ?? 'v1',
    kind,
    name,
    namespace: CLUSTER_SCOPED_KINDS.has(kind) ? undefined : (namespace ?? 'default'),
    ...(kind === 'Pod' ? { containers, someContainers: true } : {}),
    ...(node ? { node } : {}),
  });
  if (hint.name) return subject(hint.name, hint.namespace);
  if (kind === 'Pod')
    for (const event of events) {
      const assigned = ASSIGNED_RE.exec(String(event.message ?? '').trim());
      if (assigned) return subject(assigned[2]!, assigned[1] ?? hint.namespace, assigned[3]);
    }
  return subject(UNNAMED, hint.namespace);
}
