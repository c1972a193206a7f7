// The event recorder as client-go implements it, so that simulated Events aggregate like real ones:
// - core/v1 (kubelet and controllers, tools/record): identical events update one Event (count,
//   lastTimestamp); more than 10 similar events (same object and reason, different messages) within
//   10 minutes collapse into "(combined from similar events): ..."; a token bucket per source and
//   object (burst 25, one token per 5 minutes) drops spam.
// - events.k8s.io/v1 (the scheduler, tools/events): isomorphic events within 6 minutes become a
//   series (series.count, series.lastObservedTime); they are emitted in their core/v1 view.
// Events expire one hour after their last write (the API server's --event-ttl), after which the
// next occurrence starts a new Event.

import { toIsoMicros } from '../engine/clock.ts';
import type { SimContext } from '../engine/context.ts';
import type { KubeObject } from '../engine/records.ts';

export const EVENT_TTL_MS = 3_600_000;
const SIMILAR_MAX = 10;
const SIMILAR_WINDOW_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;
const SERIES_WINDOW_MS = 360_000;

export interface EventSource {
  component: string;
  host?: string;
}

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

interface Stored {
  event: KubeObject & Record<string, unknown>;
  lastWrite: number;
}

interface SimilarState {
  messages: Set<string>;
  windowStart: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function involvedOf(obj: KubeObject, fieldPath?: string): InvolvedObject {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
    ...(fieldPath ? { fieldPath } : {}),
  };
}

export class EventRecorder {
  private readonly legacy = new Map<string, Stored>();
  private readonly similar = new Map<string, SimilarState>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly series = new Map<string, Stored>();
  private resourceVersion = 500_000;

  constructor(private readonly sim: SimContext) {}

  /** A core/v1 Event through the legacy recorder (kubelet, kube-controller-manager). */
  record(
    source: EventSource,
    involved: InvolvedObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    const now = this.sim.clock.now;
    const objectKey = `${source.component}/${source.host ?? ''}/${involved.kind}/${involved.namespace ?? ''}/${involved.name}/${involved.uid ?? ''}/${involved.fieldPath ?? ''}`;
    if (!this.takeToken(objectKey, now)) return;

    const similarKey = `${objectKey}/${type}/${reason}`;
    let similar = this.similar.get(similarKey);
    if (!similar || now - similar.windowStart > SIMILAR_WINDOW_MS) {
      similar = { messages: new Set(), windowStart: now };
      this.similar.set(similarKey, similar);
    }
    similar.messages.add(message);
    const effectiveMessage =
      similar.messages.size > SIMILAR_MAX ? `(combined from similar events): ${message}` : message;
    const dedupKey =
      similar.messages.size > SIMILAR_MAX ? `${similarKey}/combined` : `${similarKey}/${message}`;

    const iso = this.sim.clock.iso();
    const existing = this.legacy.get(dedupKey);
    if (existing && now - existing.lastWrite < EVENT_TTL_MS) {
      const event = existing.event;
      event.count = (event.count as number) + 1;
      event.lastTimestamp = iso;
      event.message = effectiveMessage;
      event.metadata.resourceVersion = String(++this.resourceVersion);
      existing.lastWrite = now;
      this.emit(event);
      return;
    }
    const namespace = involved.namespace ?? 'default';
    const event: KubeObject & Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${involved.name}.${eventNameSuffix(now, this.sim.rng.int(0, 999_999))}`,
        namespace,
        uid: this.sim.rng.uuid(),
        resourceVersion: String(++this.resourceVersion),
        creationTimestamp: iso,
      },
      involvedObject: involved,
      reason,
      message: effectiveMessage,
      source: source.host
        ? { component: source.component, host: source.host }
        : { component: source.component },
      firstTimestamp: iso,
      lastTimestamp: iso,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.legacy.set(dedupKey, { event, lastWrite: now });
    this.emit(event);
  }

  /** An events.k8s.io/v1 Event (the scheduler's recorder), with series for repeats, seen through core/v1. */
  recordNew(
    controller: string,
    instance: string,
    regarding: InvolvedObject,
    type: 'Normal' | 'Warning',
    reason: string,
    action: string,
    note: string,
  ): void {
    const now = this.sim.clock.now;
    const key = `${controller}/${regarding.kind}/${regarding.namespace ?? ''}/${regarding.name}/${regarding.uid ?? ''}/${reason}/${action}/${type}`;
    const existing = this.series.get(key);
    if (existing && now - existing.lastWrite < SERIES_WINDOW_MS) {
      const event = existing.event;
      const series = (event.series as { count: number; lastObservedTime: string } | undefined) ?? {
        count: 1,
        lastObservedTime: '',
      };
      event.series = {
        count: series.count + 1,
        lastObservedTime: toIsoMicros(now, this.sim.rng.int(0, 999)),
      };
      event.metadata.resourceVersion = String(++this.resourceVersion);
      existing.lastWrite = now;
      this.emit(event);
      return;
    }
    // Written through events.k8s.io/v1; a recorder watching /api/v1/events (as kubectl and
    // must-gather do) sees it in the core/v1 shape: action and eventTime set, no count or
    // first/last timestamps, an empty source, the series once it repeats.
    const namespace = regarding.namespace ?? 'default';
    const event: KubeObject & Record<string, unknown> = {
      action,
      apiVersion: 'v1',
      eventTime: toIsoMicros(now, this.sim.rng.int(0, 999)),
      firstTimestamp: null,
      involvedObject: regarding,
      kind: 'Event',
      lastTimestamp: null,
      message: note,
      metadata: {
        name: `${regarding.name}.${eventNameSuffix(now, this.sim.rng.int(0, 999_999))}`,
        namespace,
        uid: this.sim.rng.uuid(),
        resourceVersion: String(++this.resourceVersion),
        creationTimestamp: this.sim.clock.iso(),
      },
      reason,
      reportingComponent: controller,
      reportingInstance: instance,
      source: {},
      type,
    };
    this.series.set(key, { event, lastWrite: now });
    this.emit(event);
  }

  /** Re-emit every Event still alive, as a recorder's initial list sees them. */
  replayAlive(): void {
    const now = this.sim.clock.now;
    const alive = [...this.legacy.values(), ...this.series.values()].filter(
      (s) => now - s.lastWrite < EVENT_TTL_MS,
    );
    for (const stored of alive.sort((a, b) => a.lastWrite - b.lastWrite)) {
      this.sim.sink.push({ type: 'event', ts: stored.lastWrite, event: structuredClone(stored.event) });
    }
  }

  private takeToken(key: string, now: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: SPAM_BURST, at: now };
      this.buckets.set(key, bucket);
    }
    const refill = Math.floor((now - bucket.at) / SPAM_REFILL_MS);
    if (refill > 0) {
      bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + refill);
      bucket.at += refill * SPAM_REFILL_MS;
    }
    if (bucket.tokens <= 0) return false;
    bucket.tokens--;
    return true;
  }

  private emit(event: KubeObject): void {
    this.sim.sink.push({ type: 'event', ts: this.sim.clock.stamp(), event: structuredClone(event) });
  }
}

/** Event names end in the hex nanosecond timestamp of their creation, as the recorder makes them. */
function eventNameSuffix(ms: number, jitterNanos: number): string {
  return (BigInt(ms) * 1_000_000n + BigInt(jitterNanos)).toString(16);
}
