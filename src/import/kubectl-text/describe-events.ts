// The `Events:` table at the end of every describe, as core/v1 Events of the described object:
// `Type Reason Age From Message` (kubectl 1.10 on, Age `4m58s (x23 over 115m)` for a series) and
// the older `FirstSeen LastSeen Count From SubObjectPath Type Reason Message`. Times are ages before
// the capture; a message that runs over several lines is one message. The API server accepts only
// Normal and Warning as types, which is what tells a row from a message's further lines.

import { derivedEventName, markDerived } from './derived.ts';
import type { TextLine } from './describe-tree.ts';
import { AGE_SOURCE, type Age, beforeCapture, parseAge } from './time-text.ts';

/** The object the events are about, as far as its describe says. */
export interface EventSubject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Containers of a pod, to tell which one a kubelet event is about. */
  containers?: { name: string; init: boolean }[];
  /** The containers are only those the text names: the pod may have others. */
  someContainers?: boolean;
  /** A pod's node: the host kubelet events come from. */
  node?: string;
}

export interface ParsedEvents {
  events: Record<string, unknown>[];
  /** Rows that could not be read, by line. */
  unreadable: { line: number; reason: string }[];
  /** The oldest first occurrence among the events, as an age (for the capture time). */
  oldest: Age | null;
}

const ROW_RE = new RegExp(
  `^(Normal|Warning)\\s+(\\S+)\\s+(${AGE_SOURCE})(?:\\s+\\(x(\\d+)\\s+over\\s+(${AGE_SOURCE})\\))?(?:\\s+(.*))?$`,
);
const OLD_ROW_RE = new RegExp(`^(${AGE_SOURCE})\\s+(${AGE_SOURCE})\\s+(\\d+)\\s+(.*)$`);

/** Whether a line is a row of the table as kubectl prints it (new columns, or old ones split by tabs). */
export function isEventRowStart(text: string): boolean {
  const body = text.trim();
  return ROW_RE.test(body) || tabbedOldRow(body) !== null;
}

interface Columns {
  old: boolean;
  /** Start column of each header cell, by name. */
  at: Record<string, number>;
}

/** Events from the lines after `Events:` (the first may be `Events:  <none>`). */
export function parseDescribeEvents(
  lines: readonly TextLine[],
  subject: EventSubject,
  capture: string,
  source: string,
): ParsedEvents {
  const out: ParsedEvents = { events: [], unreadable: [], oldest: null };
  let columns: Columns | null = null;
  let last: Record<string, unknown> | null = null;
  for (const { text, line } of lines) {
    const body = text.trim();
    if (body === '' || /^-+(\s+-+)*$/.test(body)) continue;
    if (
      /^Type\s+Reason\s+Age\s+From\s+Message$/.test(body) ||
      /^FirstSeen\s+LastSeen\s+Count\s+From/.test(body)
    ) {
      columns = headerColumns(text);
      continue;
    }
    const row = columns?.old
      ? (oldRow(text, columns) ?? tabbedOldRow(body))
      : (newRow(text, columns) ?? (columns ? null : tabbedOldRow(body)));
    if (!row) {
      // A message that spans lines: kubectl prints its further lines as they are.
      if (last !== null) last.message = `${last.message as string}\n${body}`;
      else out.unreadable.push({ line, reason: `not a row of the Events table: "${body.slice(0, 80)}"` });
      continue;
    }
    const first = row.firstAge ?? row.lastAge;
    if (first && (out.oldest === null || first.ms > out.oldest.ms)) out.oldest = first;
    last = eventOf(row, subject, capture, source);
    out.events.push(last);
  }
  return out;
}

/** One event as a table prints it. */
export interface EventRow {
  type: string;
  reason: string;
  lastAge: Age | null;
  firstAge: Age | null;
  count: number;
  from: string;
  subObject?: string;
  message: string;
}

function headerColumns(text: string): Columns {
  const at: Record<string, number> = {};
  for (const m of text.matchAll(/\S+/g)) at[m[0]] = m.index;
  return { old: 'FirstSeen' in at, at };
}

/** `Warning  FailedScheduling  4m58s (x23 over 115m)  default-scheduler  0/1 nodes are available…` */
function newRow(text: string, columns: Columns | null): EventRow | null {
  const m = ROW_RE.exec(text.trim());
  if (!m) return null;
  const rest = m[6] ?? '';
  let from: string;
  let message: string;
  const fromAt = columns?.at.From;
  const messageAt = columns?.at.Message;
  if (
    fromAt !== undefined &&
    messageAt !== undefined &&
    text.length >= messageAt &&
    text.slice(messageAt - 1, messageAt) === ' ' &&
    text.slice(fromAt - 1, fromAt) === ' '
  ) {
    // Aligned as kubectl printed it: the columns say where From ends, whatever it holds.
    from = text.slice(fromAt, messageAt).trim();
    message = text.slice(messageAt).trim();
  } else {
    [from, message] = splitFrom(rest);
  }
  return {
    type: m[1]!,
    reason: m[2]!,
    lastAge: parseAge(m[3]!),
    firstAge: m[5] !== undefined ? parseAge(m[5]) : null,
    count: m[4] !== undefined ? Number(m[4]) : 1,
    from,
    message,
  };
}

/** From and Message when the columns are lost (a paste that squeezed the spaces). */
function splitFrom(rest: string): [string, string] {
  const wide = /\s{2,}/.exec(rest);
  if (wide) return [rest.slice(0, wide.index), rest.slice(wide.index + wide[0].length)];
  // `kubelet, node-1` (kubectl 1.5–1.13) is one source.
  const m = /^(\S+,\s\S+|\{[^}]*\}|\S+)\s*(.*)$/.exec(rest);
  return m ? [m[1]!, m[2]!] : [rest, ''];
}

/** `5m  1h  23  {kubelet node-1}  spec.containers{app}  Warning  BackOff  Back-off restarting…` */
function oldRow(text: string, columns: Columns): EventRow | null {
  const m = OLD_ROW_RE.exec(text.trim());
  if (!m) return null;
  const cell = (name: string, next: string): string => {
    const start = columns.at[name];
    const end = columns.at[next];
    return start === undefined ? '' : text.slice(start, end).trim();
  };
  const type = cell('Type', 'Reason');
  const reason = cell('Reason', 'Message');
  if ((type !== 'Normal' && type !== 'Warning') || !reason || /\s/.test(reason)) return null;
  return {
    firstAge: parseAge(m[1]!),
    lastAge: parseAge(m[2]!),
    count: Number(m[3]),
    from: cell('From', 'SubObjectPath'),
    subObject: cell('SubObjectPath', 'Type'),
    type,
    reason,
    message: text.slice(columns.at.Message).trim(),
  };
}

/**
 * An old row without its header, its cells split by tabs as kubectl before 1.10 printed them:
 * `5m\t1h\t23\t{kubelet node-1}\tspec.containers{app}\tWarning\tBackOff\tBack-off restarting…`
 * (SubobjectPath empty for a pod's own events: its tabs run together).
 */
function tabbedOldRow(body: string): EventRow | null {
  if (!body.includes('\t')) return null;
  const cells = body.split(/\t+/).map((c) => c.trim());
  const age = new RegExp(`^(?:${AGE_SOURCE})$`);
  const at = cells.findIndex((c, i) => i >= 4 && (c === 'Normal' || c === 'Warning'));
  if (!age.test(cells[0]!) || !age.test(cells[1] ?? '') || !/^\d+$/.test(cells[2] ?? '')) return null;
  if (at < 0 || at > 5 || at + 1 >= cells.length) return null;
  const reason = cells[at + 1]!;
  if (/\s/.test(reason)) return null;
  return {
    firstAge: parseAge(cells[0]!),
    lastAge: parseAge(cells[1]!),
    count: Number(cells[2]),
    from: cells[3]!,
    subObject: at > 4 ? cells[4] : undefined,
    type: cells[at]!,
    reason,
    message: cells.slice(at + 2).join(' '),
  };
}

/** The core/v1 Event a table row stands for, marked as derived from `source`. */
export function eventOf(
  row: EventRow,
  subject: EventSubject,
  capture: string,
  source: string,
  name?: string,
): Record<string, unknown> {
  const last = row.lastAge ? beforeCapture(capture, row.lastAge) : capture;
  const first = row.firstAge ? beforeCapture(capture, row.firstAge) : last;
  const { component, host } = sourceOf(row.from, subject);
  const fieldPath =
    row.subObject ||
    fieldPathOf(row.message, subject) ||
    onlyContainerOf(row, subject) ||
    namedContainerOf(row, subject);
  const namespace = subject.namespace ?? 'default';
  return markDerived(
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name:
          name ??
          derivedEventName(subject.name, [
            subject.kind,
            namespace,
            subject.name,
            row.type,
            row.reason,
            component,
            row.message,
          ]),
        namespace,
      },
      involvedObject: {
        apiVersion: subject.apiVersion,
        kind: subject.kind,
        name: subject.name,
        ...(subject.namespace ? { namespace: subject.namespace } : {}),
        ...(fieldPath ? { fieldPath } : {}),
      },
      type: row.type,
      reason: row.reason,
      message: row.message,
      count: row.count,
      firstTimestamp: first,
      lastTimestamp: last,
      source: { component, ...(host ? { host } : {}) },
    },
    source,
  );
}

function sourceOf(from: string, subject: EventSubject): { component: string; host?: string } {
  // `{kubelet node-1}` (kubectl ≤1.4) and `kubelet, node-1` (1.5–1.13) name the host too.
  const braced = /^\{(\S*)\s*(\S*)\}$/.exec(from);
  if (braced) return { component: braced[1]!, host: braced[2] || undefined };
  const comma = /^([^,\s]+),\s*(\S+)$/.exec(from);
  if (comma) return { component: comma[1]!, host: comma[2] };
  // The kubelet reports from the node the pod runs on.
  const host = from === 'kubelet' && subject.kind === 'Pod' ? subject.node : undefined;
  return { component: from, host };
}

// `Started container app`, `Created container: app`, `Back-off restarting failed container app in
// pod …`, `… for "app" with CrashLoopBackOff`: the container a kubelet event is about.
const CONTAINER_IN_MESSAGE_RE = /container[:\s]+"?([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)"?|for "([a-z0-9-]+)"/gi;

// Reasons a kubelet gives events about one container of a pod (pkg/kubelet/events): the rest
// (FailedMount, FailedCreatePodSandBox, SandboxChanged, Evicted…) are about the pod.
const CONTAINER_REASONS = new Set([
  'Created',
  'Started',
  'Killing',
  'Failed',
  'BackOff',
  'Pulling',
  'Pulled',
  'InspectFailed',
  'ErrImageNeverPull',
  'Unhealthy',
  'ProbeWarning',
  'ExceededGracePeriod',
]);

/**
 * The container of a kubelet's container event whose message names none (`Back-off restarting failed
 * container` before 1.26, probe failures): a pod with one container has no other it can be about.
 * kubectl's table drops the field path the event carries; this is that path again.
 */
function onlyContainerOf(row: EventRow, subject: EventSubject): string | undefined {
  const only =
    subject.containers?.length === 1 && !subject.someContainers ? subject.containers[0]! : undefined;
  if (!only || !CONTAINER_REASONS.has(row.reason) || sourceOf(row.from, subject).component !== 'kubelet')
    return undefined;
  return `spec.${only.init ? 'initContainers' : 'containers'}{${only.name}}`;
}

// The kubelet's messages that name their container (pkg/kubelet/kuberuntime, pkg/kubelet/pod_workers):
// "Back-off restarting failed container X in pod Y" (1.26 on), "Container X failed liveness probe, will
// be restarted", "Container X definition changed, will be restarted", "Stopping container X",
// "Created container X" ("Created container: X" from 1.30), "Started container X".
const KUBELET_CONTAINER_MESSAGE_RE =
  /^(?:Back-off restarting failed container ([a-z0-9](?:[-a-z0-9]*[a-z0-9])?) in pod |Container ([a-z0-9](?:[-a-z0-9]*[a-z0-9])?) (?:failed (?:liveness|startup) probe|definition changed), will be restarted|(?:Stopping|Created|Started) container:? ([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)$)/;

/**
 * The container of a kubelet's Event about a pod nothing else describes (`kubectl get events`, whose
 * default table prints neither SUBOBJECT nor SOURCE): the one its message names, in the kubelet's own
 * words only. Whether it is an init container the table does not say: it is taken for one of the
 * pod's containers, as most are.
 */
function namedContainerOf(row: EventRow, subject: EventSubject): string | undefined {
  if (subject.kind !== 'Pod' || subject.containers || !CONTAINER_REASONS.has(row.reason)) return undefined;
  const component = sourceOf(row.from, subject).component;
  if (component !== '' && component !== 'kubelet') return undefined;
  const m = KUBELET_CONTAINER_MESSAGE_RE.exec(row.message);
  const name = m?.[1] ?? m?.[2] ?? m?.[3];
  return name ? `spec.containers{${name}}` : undefined;
}

function fieldPathOf(message: string, subject: EventSubject): string | undefined {
  if (!subject.containers || subject.containers.length === 0) return undefined;
  const named = new Set<string>();
  for (const m of message.matchAll(CONTAINER_IN_MESSAGE_RE)) {
    const name = m[1] ?? m[2];
    if (name && subject.containers.some((c) => c.name === name)) named.add(name);
  }
  if (named.size !== 1) return undefined;
  const name = [...named][0]!;
  const init = subject.containers.find((c) => c.name === name)!.init;
  return `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
}
