// Logs of Kubernetes components run outside pods (a kubelet, a control plane in docker compose, RKE's
// containers): klog lines (`E1102 08:17:56.123456    1 file.go:123] msg`, without a year), also
// behind docker compose's service prefix (`kube-apiserver_1  | I1102 …`), and etcd's capnslog
// (`2021-04-07 22:18:17.231772 I | etcdmain: …`). Each becomes a log row whose container is the
// component and whose subject is its node, when the log or the compose prefix says which.

import path from 'node:path';
import type { FileContext } from '../context.ts';
import { defineFormat, type FormatMatch } from '../format.ts';
import { logSubjectOf } from '../layout.ts';
import { LogStream } from '../log-stream.ts';
import { isKlogLine } from '../log-time.ts';
import type { LineBatch } from '../text.ts';

// docker compose: `<service>_1  | ` (v1) or `<service>-1  | ` (v2) before each line.
const COMPOSE_PREFIX_RE = /^([A-Za-z0-9][\w.-]*?)(?:[-_]\d+)?\s+\| ?(.*)$/s;
const CAPNSLOG_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [DINWEC] \| /;
// journalctl text is another format: its lines start with the date and the host.
const JOURNAL_RE =
  /^(?:-- (?:Logs begin|Journal begins) at |[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [\w@.-]+(?:\[\d+\])?: )/;

/** Components whose logs people save under their own name (`kubelet.log`), longest names first. */
const COMPONENTS = [
  'kube-controller-manager',
  'cloud-controller-manager',
  'kube-apiserver',
  'kube-scheduler',
  'kube-proxy',
  'kubelet',
  'containerd',
  'dockerd',
  'etcd',
  'crio',
  'flanneld',
  'k3s',
  'rke2',
];

/** What a kubelet or kube-proxy says about the node it runs on. */
const NODE_RES = [
  /FLAG: --hostname-override="([^"]+)"/,
  /\b(?:Attempting to register|Successfully registered) node"?\s+(?:node=)?"?([a-z0-9][a-z0-9.-]*)/,
  /Unable to register node "([^"]+)"/,
];

/** Lines held while the node is not known yet, so that the whole log can name it. */
const MAX_HELD_LINES = 20_000;

const HEAD_LINES = 400;

function componentOfFile(relPath: string): string | null {
  const base = path.posix.basename(relPath).toLowerCase();
  return COMPONENTS.find((c) => base.includes(c)) ?? null;
}

function logLineOf(line: string, compose: boolean): { service: string | null; text: string } {
  const m = compose ? COMPOSE_PREFIX_RE.exec(line) : null;
  return m ? { service: m[1]!, text: m[2]! } : { service: null, text: line };
}

interface ComponentMatch extends FormatMatch {
  /** Lines carry docker compose's service prefix. */
  compose: boolean;
}

export const componentLog = defineFormat<ComponentMatch>({
  name: 'component-log',
  description:
    'logs of Kubernetes components outside pods: klog lines (kubelet, control plane), docker compose service prefixes, etcd capnslog; the year comes from the rest of the import, or --year',
  detect: (head) => {
    // A pod's log is the pod's, whatever its program writes (see container-log).
    if (logSubjectOf(head.path)) return null;
    const lines = head.text.split('\n', HEAD_LINES).filter((l) => l.trim() !== '');
    if (lines.slice(0, 20).some((l) => JOURNAL_RE.test(l))) return null;
    const compose = lines.filter((l) => COMPOSE_PREFIX_RE.test(l)).length >= lines.length * 0.3;
    const component = lines.filter((l) => {
      const { text } = logLineOf(l, compose);
      return isKlogLine(text) || CAPNSLOG_RE.test(text);
    }).length;
    if (component >= 3 && component >= lines.length * 0.2) {
      const reason = compose
        ? 'klog lines behind docker compose prefixes'
        : 'klog lines of a Kubernetes component';
      return { confidence: 0.7, reason, late: 'dated', compose };
    }
    // A file named after a component whose first lines are its start-up script, not yet klog.
    const named = componentOfFile(head.path);
    if (named && !/^[{[<]/.test(head.text)) {
      return { confidence: 0.35, reason: `text in a file named after ${named}`, late: 'dated', compose };
    }
    return null;
  },
  import: async (body, ctx, match) => importComponentLines(body.lines(), ctx, match.compose),
});

interface Held {
  component: string;
  text: string;
  lineNo: number;
}

async function importComponentLines(
  batches: AsyncIterable<LineBatch>,
  ctx: FileContext,
  compose: boolean,
): Promise<void> {
  const fileComponent =
    componentOfFile(ctx.entry.relPath) ?? path.posix.basename(ctx.entry.relPath).replace(/\.[^.]*$/, '');
  const streams = new Map<string, LogStream>();
  let node: string | null = null;
  let held: Held[] | null = [];
  const write = (h: Held) => {
    let stream = streams.get(h.component);
    if (!stream) {
      stream = new LogStream(ctx, {
        kind: node === null ? null : 'Node',
        namespace: null,
        name: node,
        container: h.component,
        node: node ?? undefined,
        label: node === null ? h.component : `${h.component} on ${node}`,
      });
      streams.set(h.component, stream);
    }
    stream.add(h.text, h.lineNo);
  };
  const release = () => {
    for (const h of held ?? []) write(h);
    held = null;
  };
  for await (const { first, lines } of batches) {
    for (let k = 0; k < lines.length; k++) {
      const { service, text } = logLineOf(lines[k]!, compose);
      const line: Held = { component: service ?? fileComponent, text, lineNo: first + k };
      if (held === null) {
        write(line);
        continue;
      }
      held.push(line);
      node = nodeOf(text);
      if (node !== null || held.length >= MAX_HELD_LINES) release();
    }
  }
  release();
  for (const stream of streams.values()) stream.end();
}

function nodeOf(text: string): string | null {
  for (const re of NODE_RES) {
    const m = re.exec(text);
    if (m) return m[1]!;
  }
  return null;
}
