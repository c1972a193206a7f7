// Container logs of the recorded pods: follow every running container (init containers and
// sidecars too) with timestamps; when a container restarts, fetch the log of the one that died.
// Streams are bounded; when containers wait for one, streams take turns (each resumes where it
// left off), so every container gets its share instead of the first few keeping them all. A stream
// that fails is retried with exponential back-off; a deleted pod's containers are no longer followed.

import type { BundleRow } from '../bundle/row.ts';
import { messageOf } from '../errors.ts';
import { logRow } from '../kube/sample-rows.ts';
import { normalizeTs, tsKey } from '../kube/time.ts';
import type { KubeObject } from '../kube/to-row.ts';
import { ERROR_LINE_RE, type LogPolicy } from '../vocab/log-filter.ts';
import { Backoff } from './backoff.ts';
import type { KubeClient } from './client.ts';
import {
  beginFollow,
  type Container,
  type LineSource,
  previousCutoff,
  takeNewLine,
} from './log-container.ts';

/** A failed stream is retried after 2 s, then 4, 8… up to 5 minutes (with jitter): a container whose
 * log cannot be read (RBAC, a kubelet that does not answer) costs a request every few minutes. */
const RETRY_INITIAL_MS = 2000;
const RETRY_MAX_MS = 300_000;
const PREVIOUS_TAIL_LINES = 500;
/** How long the previous log waits for the dead container's follow stream to deliver its last lines. */
const PREVIOUS_WAIT_MS = 5000;

export interface LogCollectorOptions {
  client: KubeClient;
  policy: Exclude<LogPolicy, 'none'>;
  /** Follow running containers (continuous), or read what their logs hold now (--once). */
  follow: boolean;
  /** Concurrent log requests. */
  maxStreams: number;
  /** Lines from before this are not wanted (the start of the recording, or --since); null for whole logs. */
  since: string | null;
  /** Logs of these containers only (--containers, --exclude-containers). */
  acceptsContainer?: (name: string) => boolean;
  /** Lines kept (--log-match, --log-exclude), those of crashed containers too. */
  acceptsLine?: (line: string) => boolean;
  /** With containers waiting for a stream, a stream yields its turn after this long. */
  turnMs?: number;
  /** Back-off of failed streams, for tests: delays, jitter, and the timer that waits them out. */
  retry?: {
    initialMs?: number;
    maxMs?: number;
    random?: () => number;
    schedule?: (fn: () => void, ms: number) => void;
  };
  signal: AbortSignal;
  emit: (row: BundleRow) => void;
  log: (line: string) => void;
}

interface ContainerStatus {
  name?: string;
  restartCount?: number;
  containerID?: string;
  state?: { running?: unknown; terminated?: unknown; waiting?: unknown };
}

export class LogCollector {
  lines = 0;
  private readonly containers = new Map<string, Container>();
  private readonly queue: Container[] = [];
  private active = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly warned = new Set<string>();
  private readonly turnMs: number;
  private readonly sinceKey: string | null;

  constructor(private readonly o: LogCollectorOptions) {
    this.turnMs = o.turnMs ?? 60_000;
    this.sinceKey = o.since === null ? null : tsKey(o.since);
  }

  /** Log streams open now. */
  get streams(): number {
    return this.active;
  }

  /** Every version of a pod the recorder sees passes through here. */
  observePod(pod: KubeObject): void {
    if (this.o.signal.aborted) return;
    const metadata = pod.metadata ?? {};
    const namespace = metadata.namespace;
    const name = metadata.name;
    if (!namespace || !name) return;
    const statuses = containerStatuses(pod);
    const terminating = typeof metadata.deletionTimestamp === 'string';
    for (const st of statuses) {
      if (!st.name || (this.o.acceptsContainer && !this.o.acceptsContainer(st.name))) continue;
      const key = `${namespace}/${name}/${st.name}`;
      let c = this.containers.get(key);
      const restartCount = st.restartCount ?? 0;
      if (!c || c.podUid !== (metadata.uid ?? null)) {
        // First sighting, or a new pod under the same name: restarts before now are not ours to fetch
        // when following, but a snapshot (--once) wants the previous log of a restarted container.
        c = {
          key,
          namespace,
          pod: name,
          podUid: metadata.uid ?? null,
          node: (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? null,
          name: st.name,
          restartCount: this.o.follow ? restartCount : 0,
          containerId: null,
          running: false,
          lastKey: null,
          lastLine: null,
          streaming: false,
          streamEnded: Promise.resolve(null),
          previousFetch: Promise.resolve(),
          previousKey: null,
          followed: [],
          queued: false,
          retry: new Backoff({
            initialMs: this.o.retry?.initialMs ?? RETRY_INITIAL_MS,
            maxMs: this.o.retry?.maxMs ?? RETRY_MAX_MS,
            random: this.o.retry?.random,
          }),
          deleted: false,
        };
        this.containers.set(key, c);
      }
      if (restartCount > c.restartCount) {
        // The container died and was restarted: its log is now the "previous" one.
        c.restartCount = restartCount;
        // Taken now, before the new container's stream starts below: the dead one's stream (still
        // open, perhaps, and delivering its last lines) and the newest line it delivered so far.
        const dying = c.streaming ? c.streamEnded : null;
        const seen = c.lastKey;
        c.previousFetch = c.previousFetch.then(() => this.fetchPrevious(c, dying, seen));
        this.track(c.previousFetch);
      }
      const running = st.state?.running !== undefined;
      const fresh = (st.containerID ?? null) !== c.containerId;
      c.running = running;
      if ((running || !this.o.follow) && (fresh || !c.streaming)) {
        c.containerId = st.containerID ?? null;
        this.enqueue(c, terminating);
      }
    }
  }

  /**
   * The pod was deleted: its logs are gone, so its containers are no longer followed nor retried. A
   * stream still open delivers what the kubelet sends until it ends.
   */
  podDeleted(pod: KubeObject): void {
    const metadata = pod.metadata ?? {};
    for (const st of containerStatuses(pod)) {
      const key = `${metadata.namespace}/${metadata.name}/${st.name}`;
      const c = this.containers.get(key);
      if (!c || c.podUid !== (metadata.uid ?? null)) continue;
      c.deleted = true;
      c.running = false;
      if (c.queued) {
        this.queue.splice(this.queue.indexOf(c), 1);
        c.queued = false;
      }
      this.containers.delete(key);
      this.warned.delete(key);
    }
  }

  /** Containers whose logs are followed (or read, with --once): those of pods not deleted. */
  get containerCount(): number {
    return this.containers.size;
  }

  /** Wait for every request to end: at once when following (the signal ends them), or when read. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private enqueue(c: Container, urgent: boolean): void {
    if (c.streaming) return;
    if (c.queued) {
      // A terminating pod's logs are about to go: move it to the front.
      if (urgent) {
        this.queue.splice(this.queue.indexOf(c), 1);
        this.queue.unshift(c);
      }
      return;
    }
    if (!this.o.follow && c.lastKey !== null) return;
    c.queued = true;
    if (urgent) this.queue.unshift(c);
    else this.queue.push(c);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.o.maxStreams && this.queue.length > 0 && !this.o.signal.aborted) {
      const c = this.queue.shift() as Container;
      c.queued = false;
      this.active++;
      c.streaming = true;
      const startedFor = c.containerId;
      const streamed = this.stream(c);
      // Read when the stream ends, before any other stream of the container can deliver a line.
      c.streamEnded = streamed.then(() => c.lastKey);
      this.track(
        streamed.then((outcome) => {
          this.active--;
          c.streaming = false;
          if (this.o.follow && c.running && !this.o.signal.aborted) {
            // A stream that yielded its turn goes to the back of the line; one that failed tries
            // again a little later. One that ended waits for the pod's next status (its container
            // stopped; a restart shows up as a new container there), unless that status came first.
            if (outcome === 'yielded' || c.containerId !== startedFor) this.enqueue(c, false);
            else if (outcome === 'failed') this.retryLater(c);
          }
          this.pump();
        }),
      );
    }
  }

  /** Stream again after the back-off, unless the container stopped or its pod went meanwhile. */
  private retryLater(c: Container): void {
    const retry = () => {
      if (c.running && !c.deleted) this.enqueue(c, false);
    };
    const delay = c.retry.next();
    const schedule = this.o.retry?.schedule;
    if (schedule) schedule(retry, delay);
    else setTimeout(retry, delay).unref();
  }

  private path(c: Container): string {
    return `/api/v1/namespaces/${encodeURIComponent(c.namespace)}/pods/${encodeURIComponent(c.pod)}/log`;
  }

  private async stream(c: Container): Promise<'ended' | 'yielded' | 'failed'> {
    const resumeFrom = c.lastKey === null ? this.o.since : keyToTs(c.lastKey);
    const query = new URLSearchParams({ container: c.name, timestamps: 'true' });
    // The API server reads sinceTime to the second; onLine drops what it repeats.
    if (resumeFrom !== null) query.set('sinceTime', `${resumeFrom.slice(0, 19)}Z`);
    if (this.o.follow) query.set('follow', 'true');
    const received = beginFollow(c);
    const turn = new AbortController();
    const onStop = () => turn.abort();
    this.o.signal.addEventListener('abort', onStop, { once: true });
    // Yield the stream to a waiting container after a while; this one resumes from its last line.
    const timer = setInterval(() => {
      if (this.queue.length > 0) turn.abort();
    }, this.turnMs);
    try {
      await this.o.client.streamLines(
        `${this.path(c)}?${query}`,
        (line) => this.onLine(c, line, { kind: 'follow', received }),
        {
          signal: turn.signal,
        },
      );
      c.retry.reset();
      return 'ended';
    } catch (error) {
      // A stream that delivered lines was working: a later failure starts the back-off again.
      if (received.first !== null || turn.signal.aborted) c.retry.reset();
      if (turn.signal.aborted) return 'yielded';
      if (!c.deleted) this.warn(c, messageOf(error));
      return 'failed';
    } finally {
      clearInterval(timer);
      this.o.signal.removeEventListener('abort', onStop);
    }
  }

  private async fetchPrevious(
    c: Container,
    dying: Promise<string | null> | null,
    seen: string | null,
  ): Promise<void> {
    // A deleted pod's logs went with it: the API server answers 404.
    if (this.o.signal.aborted || c.deleted) return;
    // The dead container's follow stream may still be delivering its last lines when its pod's new
    // status arrives (two connections, no order between them): let it end (the kubelet ends it when
    // the container exits), so that what it delivered is cut from the previous log, not written twice.
    const delivered = dying ? ((await settledWithin(dying, PREVIOUS_WAIT_MS)) ?? seen) : seen;
    const cutoff = previousCutoff(c, delivered);
    // The last words of a crashed container are the evidence: kept whatever the policy, but bounded.
    const query = new URLSearchParams({
      container: c.name,
      timestamps: 'true',
      previous: 'true',
      tailLines: String(PREVIOUS_TAIL_LINES),
    });
    // A snapshot of a window (--once --since) wants the dead container's lines of the window only.
    if (!this.o.follow && this.o.since !== null) query.set('sinceTime', `${this.o.since.slice(0, 19)}Z`);
    try {
      await this.o.client.streamLines(
        `${this.path(c)}?${query}`,
        (line) => this.onLine(c, line, { kind: 'previous', cutoff }),
        {
          signal: this.o.signal,
        },
      );
    } catch (error) {
      if (!this.o.signal.aborted && !c.deleted) this.warn(c, `previous log: ${messageOf(error)}`);
    }
  }

  private onLine(c: Container, raw: string, source: LineSource): void {
    const space = raw.indexOf(' ');
    const ts = normalizeTs(space > 0 ? raw.slice(0, space) : raw);
    if (ts === null) return;
    const text = raw.slice(space + 1);
    const key = tsKey(ts);
    const previous = source.kind === 'previous';
    if (!takeNewLine(c, key, text, source)) return;
    if ((!previous || !this.o.follow) && this.sinceKey !== null && this.sinceKey > key) return;
    if (!previous && this.o.policy === 'errors' && !ERROR_LINE_RE.test(text)) return;
    if (this.o.acceptsLine && !this.o.acceptsLine(text)) return;
    this.lines++;
    this.o.emit(
      logRow({
        ts,
        namespace: c.namespace,
        pod: c.pod,
        container: c.name,
        line: text,
        previous,
        node: c.node ?? undefined,
        podUid: c.podUid ?? undefined,
        origin: previous ? 'logs:previous' : 'logs',
      }),
    );
  }

  private warn(c: Container, message: string): void {
    // Once per container: a pod that is gone answers 404 to every later request, and that is expected.
    if (this.warned.has(c.key)) return;
    this.warned.add(c.key);
    this.o.log(`warning: logs of ${c.key}: ${message}`);
  }
}

/** The statuses of every container of the pod: init, regular and ephemeral. */
function containerStatuses(pod: KubeObject): ContainerStatus[] {
  const status = (pod.status ?? {}) as Record<string, ContainerStatus[] | undefined>;
  return [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
    ...(status.ephemeralContainerStatuses ?? []),
  ];
}

/** What `promise` resolves to, or undefined when it takes longer than `ms`. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** tsKey back to bundle form. */
function keyToTs(key: string): string {
  return `${key}Z`;
}
