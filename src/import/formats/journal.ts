// The systemd journal of a node, as `journalctl` prints it (`-u kubelet`, `-u containerd`, a whole
// boot): text lines `May 01 10:00:01 node-1 kubelet[1234]: message` (short, short-precise,
// short-iso) or JSON lines (`-o json`: MESSAGE, __REALTIME_TIMESTAMP, _HOSTNAME, SYSLOG_IDENTIFIER).
// Each line becomes a log row of the service (its container) on the host (its node), as a
// component's log does. Where it sits may name the unit: a must-gather's host_service_logs/, a
// sosreport's sos_commands/, kind export logs' kubelet.log and containerd.log.

import { messageOf } from '../../errors.ts';
import type { FileContext } from '../context.ts';
import { issue, skipFile } from '../context.ts';
import { defineFormat, type FormatMatch } from '../format.ts';
import { LogStream } from '../log-stream.ts';
import { lineTimeOf } from '../log-time.ts';
import { fromNanos } from '../shipped-logs.ts';

// `May 01 10:00:01[.123456] host ident[pid]: msg`, or `2024-05-01T10:00:01+0000 host ident[pid]: msg`.
const TEXT_LINE_RE =
  /^((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) (\S+) ([^\s[:]+)(?:\[\d+\])?: ?(.*)$/s;
// journalctl's own lines: the range header, boot separators, "-- No entries --".
const JOURNAL_NOTE_RE = /^-- .* --$|^-- (?:Logs begin|Journal begins) at /;
// The notes only journalctl prints: a file of them alone is a journal with no entries, not unknown text.
const JOURNAL_OWN_NOTE_RE = /^-- (?:Logs begin|Journal begins) at |^-- No entries --$/;

interface JournalMatch extends FormatMatch {
  json: boolean;
}

export const journal = defineFormat<JournalMatch>({
  name: 'journal',
  description:
    'the systemd journal of a node (journalctl -u kubelet, containerd, crio…): text lines (short, short-precise, short-iso) or JSON lines (-o json); each service a component on its host; the year of a short time comes from the rest of the import, or --year',
  detect: (head) => {
    const lines = head.lines.filter((l) => l.trim() !== '');
    if (lines.length === 0) return null;
    if (lines[0]!.startsWith('{')) {
      const first = lines[0]!;
      return /"__REALTIME_TIMESTAMP"\s*:/.test(first) && /"MESSAGE"\s*:/.test(first)
        ? // Read late too: its host is matched to a Node the other files describe.
          { confidence: 0.9, reason: 'journalctl -o json lines', late: 'dated', json: true }
        : null;
    }
    const content = lines.filter((l) => !JOURNAL_NOTE_RE.test(l));
    if (content.length === 0) {
      return lines.some((l) => JOURNAL_OWN_NOTE_RE.test(l))
        ? { confidence: 0.6, reason: 'journalctl notes alone (no entries)', late: 'dated', json: false }
        : null;
    }
    const matching = content.filter((l) => TEXT_LINE_RE.test(l)).length;
    if (matching === 0 || matching < Math.min(3, content.length) || matching < content.length * 0.5)
      return null;
    return {
      confidence: 0.75,
      reason: 'journalctl text lines (date, host, service[pid]:)',
      late: 'dated',
      json: false,
    };
  },
  import: async (body, ctx, match) => {
    const streams = new JournalStreams(ctx, unitOfPath(ctx.entry.relPath));
    for await (const { first, lines } of body.lines()) {
      for (const [k, line] of lines.entries()) {
        if (line.trim() === '' || JOURNAL_NOTE_RE.test(line)) continue;
        if (match.json) readJsonLine(line, first + k, streams, ctx);
        else readTextLine(line, first + k, streams, ctx);
      }
    }
    if (streams.end() === 0) skipFile(ctx, 'a journal without one entry');
  },
});

/** One log stream per host and service. */
class JournalStreams {
  private readonly streams = new Map<string, LogStream>();
  /** The stream of the last line: where a message's continuation lines go. */
  last: LogStream | null = null;
  /** The unit the file is of, when its name says: it names the service its lines' programs run. */
  constructor(
    private readonly ctx: FileContext,
    private readonly unit: string | null,
  ) {}

  add(host: string, program: string, text: string, lineNo: number, ts: string | null): void {
    const service = this.unit ?? program;
    const key = `${host}\u0000${service}`;
    let stream = this.streams.get(key);
    if (!stream) {
      // Read after every other file (late): the Nodes of the import are known by now.
      const node = this.ctx.sink.nodeNamed(host);
      stream = new LogStream(this.ctx, {
        kind: 'Node',
        namespace: null,
        name: node,
        container: service,
        node,
        label: `${service} on ${node}`,
      });
      this.streams.set(key, stream);
    }
    stream.add(text, lineNo, ts);
    this.last = stream;
  }

  /** How many streams there were. */
  end(): number {
    for (const stream of this.streams.values()) stream.end();
    return this.streams.size;
  }
}

function readTextLine(line: string, lineNo: number, streams: JournalStreams, ctx: FileContext): void {
  const m = TEXT_LINE_RE.exec(line);
  if (!m) {
    // A message that ran over lines (a stack trace) follows its service's last line.
    if (streams.last) streams.last.add(line.trim(), lineNo);
    else issue(ctx, lineNo, 'not a journal line (date, host, service[pid]: message)');
    return;
  }
  const [, stamp, host, service, message] = m as unknown as [string, string, string, string, string];
  // The message's own time (a kubelet's klog) is finer than the journal's; else the journal dates it.
  const text = lineTimeOf(message) ? message : `${stamp} ${message}`;
  streams.add(host, serviceName(service), text, lineNo, null);
}

function readJsonLine(line: string, lineNo: number, streams: JournalStreams, ctx: FileContext): void {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch (error) {
    issue(ctx, lineNo, `invalid JSON: ${messageOf(error)}`);
    return;
  }
  const micros = typeof entry.__REALTIME_TIMESTAMP === 'string' ? entry.__REALTIME_TIMESTAMP : '';
  const ts = /^\d+$/.test(micros) ? fromNanos(BigInt(micros) * 1000n) : null;
  const message = textOf(entry.MESSAGE);
  if (ts === null || message === null) {
    issue(ctx, lineNo, 'journal entry without __REALTIME_TIMESTAMP or MESSAGE');
    return;
  }
  const service =
    textOf(entry.SYSLOG_IDENTIFIER) ?? textOf(entry._SYSTEMD_UNIT) ?? textOf(entry._COMM) ?? 'journal';
  streams.add(textOf(entry._HOSTNAME) ?? 'unknown-host', serviceName(service), message, lineNo, ts);
}

/** The journal writes a message that is not UTF-8 as an array of bytes. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((b) => typeof b === 'number'))
    return Buffer.from(value as number[]).toString('utf8');
  return null;
}

/**
 * The systemd unit a file holds the journal of, from its name: a must-gather's
 * host_service_logs/<role>/<unit>_service.log (`oc adm node-logs -u <unit>`), a sosreport's
 * sos_commands/<plugin>/journalctl_--no-pager_--unit_<unit>, whose lines name the program
 * (`hyperkube`) rather than the unit (`kubelet`). Null when the name does not say.
 */
export function unitOfPath(relPath: string): string | null {
  const m =
    /(?:^|\/)host_service_logs\/[^/]+\/([^/]+)_service\.log$/.exec(relPath) ??
    /(?:^|\/)sos_commands\/[^/]+\/journalctl_(?:[^/]*_)?--unit_([^/_]+?)(?:\.service)?$/.exec(relPath);
  return m ? m[1]! : null;
}

/** `kubelet.service` → `kubelet`: the component, as its klog logs elsewhere name it. */
function serviceName(service: string): string {
  return service.replace(/\.service$/, '');
}
