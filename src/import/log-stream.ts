// One log stream (a container's, or a node component's) on its way to the bundle. Each line is dated
// by the runtime's prefix when the file has one, else by the time the program wrote at its start
// (year-less klog and syslog times get their year from the import, see YearResolver); lines with no
// time (stack traces, banners) follow the line before by 1µs each, or precede the first dated line.
// kubectl's placeholder for a log it could not fetch is an issue, never log lines.

import { logRow } from '../kube/sample-rows.ts';
import { addMicros, normalizeTs } from '../kube/time.ts';
import { referenceTime } from './capture-time.ts';
import { type FileContext, issue } from './context.ts';
import { placeholderReason } from './log-placeholders.ts';
import { lineTimeOf, YearResolver } from './log-time.ts';

/** Whose log it is: a pod's container, or a component on a node (kubelet, etcd, kube-apiserver). */
export interface LogTarget {
  /** `Pod` for container logs; `Node` for a component whose node is known; null when it is not. */
  kind: 'Pod' | 'Node' | null;
  namespace: string | null;
  /** The pod, or the node. */
  name: string | null;
  /** The container, or the component. */
  container: string;
  previous?: boolean;
  podUid?: string;
  node?: string;
  /** How the stream is named to the user, e.g. `shop/checkout-1 app`. */
  label: string;
}

const TIMESTAMP_PREFIX_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (.*)$/s;

/** Lines before the first dated one are held to be dated just before it, up to this many. */
const MAX_LEADING = 10_000;

interface Held {
  line: string;
  lineNo: number;
  stream?: string;
}

export class LogStream {
  private lastTs: string | null = null;
  private undated = 0;
  private leading: Held[] = [];
  /** A first line that reads like kubectl's placeholder, and the blank lines after it. */
  private held: Held[] = [];
  private placeholder: string | null = null;
  private seenContent = false;
  private years: YearResolver | null = null;
  private lastFullDate: string | null = null;

  constructor(
    private readonly ctx: FileContext,
    private readonly target: LogTarget,
  ) {}

  /** One line; `runtimeTs` when the runtime dated it (CRI, Docker JSON, kubectl --timestamps). */
  add(line: string, lineNo: number, runtimeTs: string | null = null, stream?: string): void {
    const blank = line.trim() === '';
    if (this.placeholder !== null) {
      if (blank) {
        this.held.push({ line, lineNo, stream });
        return;
      }
      // Something follows: the first line was the program's own output after all.
      this.placeholder = null;
      const held = this.held;
      this.held = [];
      for (const h of held) this.place(h.line, null, h.stream);
    } else if (!this.seenContent && !blank && runtimeTs === null) {
      const reason = placeholderReason(line);
      if (reason !== null) {
        this.seenContent = true;
        this.placeholder = reason;
        this.held = [{ line, lineNo, stream }];
        return;
      }
    }
    if (!blank) this.seenContent = true;
    this.place(line, runtimeTs, stream);
  }

  /** The stream is over: held lines are written, a lone placeholder is reported. */
  end(): void {
    if (this.placeholder !== null) {
      issue(this.ctx, this.held[0]?.lineNo, `logs not captured: ${this.placeholder} (${this.target.label})`);
      this.placeholder = null;
      this.held = [];
    }
    if (this.leading.length > 0) this.flushLeading(null);
  }

  private place(line: string, runtimeTs: string | null, stream: string | undefined): void {
    let ts = runtimeTs;
    let ownTime = runtimeTs !== null;
    // `<RFC 3339> text` is kubectl logs --timestamps' prefix, whoever wrote it: the row keeps the text.
    const prefixed = ts === null ? TIMESTAMP_PREFIX_RE.exec(line) : null;
    const prefixTs = prefixed ? normalizeTs(prefixed[1]) : null;
    if (prefixTs !== null) {
      ts = prefixTs;
      ownTime = true;
      line = prefixed![2]!;
    }
    if (ts === null) {
      const time = lineTimeOf(line);
      if (time !== null) {
        if ('ts' in time) {
          ts = time.ts;
          ownTime = true;
        } else {
          ts = this.yearResolver().resolve(time.yearless);
        }
      }
    }
    if (ts === null) {
      if (this.lastTs === null) {
        this.leading.push({ line, lineNo: 0, stream });
        if (this.leading.length >= MAX_LEADING) this.flushLeading(null);
        return;
      }
      this.undated++;
      this.emit(addMicros(this.lastTs, this.undated), line, stream);
      return;
    }
    // A year inferred from the rest of the import says less of when it was captured.
    if (ownTime) {
      this.ctx.sink.observe(this.ctx.stats, ts);
      this.lastFullDate = ts;
      this.years?.anchor(ts);
    } else {
      this.ctx.sink.observeInferred(this.ctx.stats, ts);
    }
    if (this.leading.length > 0) this.flushLeading(ts);
    this.lastTs = ts;
    this.undated = 0;
    this.emit(ts, line, stream);
  }

  /** Undated lines before the first dated one: just before it, or from the reference time if none. */
  private flushLeading(firstTs: string | null): void {
    const leading = this.leading;
    this.leading = [];
    if (firstTs !== null) {
      for (const [i, h] of leading.entries()) {
        this.emit(addMicros(firstTs, i - leading.length), h.line, h.stream);
      }
      return;
    }
    // Only ever held while no line was dated: they start at the reference time, in order.
    const base = referenceTime(this.ctx);
    for (const [i, h] of leading.entries()) this.emit(addMicros(base, i), h.line, h.stream);
    this.lastTs = addMicros(base, leading.length - 1);
    this.undated = 0;
  }

  private yearResolver(): YearResolver {
    if (this.years === null) {
      this.years = new YearResolver(referenceTime(this.ctx), this.ctx.options.year);
      // A full date earlier in the same log says the year better than anything else.
      if (this.lastFullDate !== null) this.years.anchor(this.lastFullDate);
    }
    return this.years;
  }

  private emit(ts: string, line: string, stream: string | undefined): void {
    const t = this.target;
    const row = logRow({
      ts,
      namespace: t.namespace ?? '',
      pod: t.name ?? '',
      container: t.container,
      line,
      stream,
      previous: t.previous ?? false,
      podUid: t.podUid,
      node: t.node,
      origin: this.ctx.origin,
    });
    if (t.kind !== 'Pod') {
      row.kind = t.kind;
      row.api_version = t.kind === null ? null : 'v1';
      row.namespace = null;
      row.name = t.name;
    }
    this.ctx.sink.row(row, this.ctx.stats);
  }
}

/** The log of a pod's container, with the pod's node and uid when its Pod was imported before it. */
export function podLogStream(
  ctx: FileContext,
  p: {
    namespace: string;
    pod: string;
    container: string;
    previous?: boolean;
    podUid?: string;
    node?: string;
  },
): LogStream {
  const known = ctx.sink.podInfo(p.namespace, p.pod);
  return new LogStream(ctx, {
    kind: 'Pod',
    namespace: p.namespace,
    name: p.pod,
    container: p.container,
    previous: p.previous,
    podUid: p.podUid ?? known?.uid,
    // The Pod's own word first; else the node the file was gathered from.
    node: known?.node ?? (p.node === undefined ? undefined : ctx.sink.nodeNamed(p.node)),
    label: `${p.namespace}/${p.pod} ${p.container}`,
  });
}
