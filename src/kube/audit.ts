// API-server audit entries before they become rows, shared by `kstory import` (audit log files) and
// `kstory record` (a followed log, the audit webhook): reading one JSON line, and joining the stages
// of one request (RequestReceived, then ResponseComplete) into the one row the bundle keeps.

import { messageOf } from '../errors.ts';
import { AUDIT_STAGE_ORDER } from './to-row.ts';

export type AuditEntry = Record<string, unknown>;

export function isAuditEntry(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.kind === 'Event' && typeof v.apiVersion === 'string' && v.apiVersion.startsWith('audit.k8s.io/');
}

/**
 * An audit event as an export or a log shipper passes it on: the event itself when it says kind
 * Event and apiVersion audit.k8s.io/*, or with them restored when the shipper dropped them but kept
 * the event's own fields (auditID, stage, verb, and requestURI or objectRef).
 */
export function asAuditEvent(value: unknown): AuditEntry | null {
  if (isAuditEntry(value)) return value as AuditEntry;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (v.kind !== undefined && v.kind !== 'Event') return null;
  if (typeof v.auditID !== 'string' || typeof v.stage !== 'string' || typeof v.verb !== 'string') return null;
  if (typeof v.requestURI !== 'string' && (typeof v.objectRef !== 'object' || v.objectRef === null))
    return null;
  // v1beta1 dates a stage with `timestamp`, v1 with `stageTimestamp`.
  const apiVersion =
    v.stageTimestamp === undefined && v.timestamp !== undefined ? 'audit.k8s.io/v1beta1' : 'audit.k8s.io/v1';
  return { ...v, kind: 'Event', apiVersion };
}

/** What one line of an audit log holds. */
export type AuditLine =
  | { type: 'blank' }
  /** A RequestReceived entry without a body, left unparsed (see AuditStageJoiner.addReceived). */
  | { type: 'received'; id: string }
  | { type: 'entry'; entry: AuditEntry }
  | { type: 'invalid'; reason: string };

const BLANK: AuditLine = { type: 'blank' };
// The stage comes early in each line: finding it stops there, instead of scanning the whole line.
const STAGE = '"stage":"';
const RECEIVED = 'RequestReceived"';
const AUDIT_ID = '"auditID":"';

/** The auditID of a compact JSON line, found without a regex (a third of the cost). */
function auditIdOf(line: string): string | null {
  const at = line.indexOf(AUDIT_ID);
  if (at === -1) return null;
  const start = at + AUDIT_ID.length;
  const end = line.indexOf('"', start);
  if (end === -1 || end === start) return null;
  const id = line.slice(start, end);
  return id.includes('\\') ? null : id;
}

/**
 * One line of an audit log. kube-apiserver writes compact JSON: a RequestReceived line without a
 * body is recognised without parsing it, since the ResponseComplete line of the same request says
 * all it says and more. Anything else is parsed.
 */
export function readAuditLine(line: string): AuditLine {
  if (line.length === 0 || (line.length < 3 && line.trim() === '')) return BLANK;
  const stageAt = line.indexOf(STAGE);
  if (
    stageAt !== -1 &&
    line.startsWith(RECEIVED, stageAt + STAGE.length) &&
    !line.includes('"requestObject"') &&
    line.endsWith('}')
  ) {
    const id = auditIdOf(line);
    if (id !== null) return { type: 'received', id };
  }
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch (error) {
    return {
      type: 'invalid',
      reason: `invalid JSON (${line.length > 0 && !line.trimEnd().endsWith('}') ? 'truncated line' : messageOf(error)})`,
    };
  }
  if (!isAuditEntry(entry)) {
    return { type: 'invalid', reason: 'not an audit event (expected kind Event, apiVersion audit.k8s.io/*)' };
  }
  return { type: 'entry', entry: entry as AuditEntry };
}

/** Where the joiner's results go; `C` is whatever the caller needs to know about an entry's source. */
export interface AuditJoinTarget<C> {
  /** The request's entry of its latest stage, with the request body of an earlier one if it lacks it. */
  emit(entry: AuditEntry, raw: string | undefined, context: C): void;
  /** A stage seen twice, or a request already written. */
  duplicate(context: C): void;
  /** An unparsed RequestReceived line (see addReceived) that turned out not to be JSON. */
  invalid(context: C, reason: string): void;
}

export interface AuditJoinLimits {
  /** Requests waiting for their last stage; past this the oldest is written as it is. */
  maxPending?: number;
  /** Written requests remembered to drop their duplicates; past this the oldest are forgotten. */
  maxDone?: number;
}

interface Pending<C> {
  /** Null for a RequestReceived line kept unparsed: `raw` holds it. */
  entry: AuditEntry | null;
  raw: string | undefined;
  context: C;
}

const COMPLETE = AUDIT_STAGE_ORDER.ResponseComplete!;

/**
 * Stages of one request (by auditID) become one entry, written when the request completes
 * (ResponseComplete or Panic) or, for requests that never do, at flush(). Import keeps everything;
 * a recording that runs for days bounds what it remembers (limits).
 */
export class AuditStageJoiner<C> {
  private readonly done: BoundedSet;
  private readonly pending = new Map<string, Pending<C>>();
  private readonly maxPending: number;

  constructor(
    private readonly target: AuditJoinTarget<C>,
    limits: AuditJoinLimits = {},
  ) {
    this.done = new BoundedSet(limits.maxDone ?? Number.POSITIVE_INFINITY);
    this.maxPending = limits.maxPending ?? Number.POSITIVE_INFINITY;
  }

  /** Requests still waiting for their last stage. */
  get waiting(): number {
    return this.pending.size;
  }

  add(entry: AuditEntry, raw: string | undefined, context: C): void {
    const id = typeof entry.auditID === 'string' ? entry.auditID : null;
    if (id === null) {
      this.target.emit(entry, raw, context);
      return;
    }
    if (this.done.has(id)) {
      this.target.duplicate(context);
      return;
    }
    const stage = AUDIT_STAGE_ORDER[String(entry.stage)] ?? 0;
    const pending = this.pending.get(id);
    let later: Pending<C> = { entry, raw, context };
    // An unparsed pending line is a RequestReceived without a body: nothing to take from it.
    if (pending?.entry) {
      const pendingStage = AUDIT_STAGE_ORDER[String(pending.entry.stage)] ?? 0;
      if (pendingStage === stage) this.target.duplicate(context);
      const earlier = pendingStage > stage ? later : pending;
      if (pendingStage > stage) later = pending;
      const laterEntry = later.entry!;
      const earlierEntry = earlier.entry!;
      if (laterEntry.requestObject === undefined && earlierEntry.requestObject !== undefined) {
        later = {
          ...later,
          entry: { ...laterEntry, requestObject: earlierEntry.requestObject },
          raw: undefined,
        };
      }
    } else if (pending && stage === 0) {
      this.target.duplicate(context);
    }
    if ((AUDIT_STAGE_ORDER[String(later.entry!.stage)] ?? 0) >= COMPLETE) {
      this.pending.delete(id);
      this.done.add(id);
      this.write(later);
    } else {
      this.hold(id, later);
    }
  }

  /** A RequestReceived line without a request body, left unparsed: parsed only if its request never completes. */
  addReceived(id: string, raw: string, context: C): void {
    if (this.done.has(id) || this.pending.has(id)) {
      this.target.duplicate(context);
      return;
    }
    this.hold(id, { entry: null, raw, context });
  }

  /** The requests written or waiting so far, by auditID. */
  *ids(): Iterable<string> {
    yield* this.done.values();
    yield* this.pending.keys();
  }

  /** Requests whose last stage never came (the log ends mid-request) are written as they are. */
  flush(): void {
    for (const [id, pending] of this.pending) {
      this.done.add(id);
      this.write(pending);
    }
    this.pending.clear();
  }

  private hold(id: string, entry: Pending<C>): void {
    // Re-inserted so that the map's order stays the order of the latest stage seen.
    this.pending.delete(id);
    this.pending.set(id, entry);
    if (this.pending.size <= this.maxPending) return;
    const [oldestId, oldest] = this.pending.entries().next().value as [string, Pending<C>];
    this.pending.delete(oldestId);
    this.done.add(oldestId);
    this.write(oldest);
  }

  private write(p: Pending<C>): void {
    let entry = p.entry;
    if (entry === null) {
      try {
        entry = JSON.parse(p.raw ?? '') as AuditEntry;
      } catch (error) {
        this.target.invalid(p.context, `invalid JSON (${messageOf(error)})`);
        return;
      }
    }
    this.target.emit(entry, p.raw, p.context);
  }
}

/** A set that forgets its oldest half once it holds `max` values: bounded memory, recent values kept. */
class BoundedSet {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly max: number) {}

  has(value: string): boolean {
    return this.current.has(value) || this.previous.has(value);
  }

  *values(): Iterable<string> {
    yield* this.previous;
    yield* this.current;
  }

  add(value: string): void {
    this.current.add(value);
    if (this.current.size >= this.max / 2) {
      this.previous = this.current;
      this.current = new Set();
    }
  }
}
