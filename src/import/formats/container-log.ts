// Container log files: CRI format (`<ts> stdout F <line>`, partial lines joined), Docker's JSON
// lines, `kubectl logs --timestamps` / must-gather (`<ts> <line>`), cluster-info dump `logs.txt`
// (containers between START/END markers) and plain text at a pod's log path or given with --pod.
// Lines the runtime did not date are dated by what the program wrote (see log-stream.ts).

import { normalizeTs } from '../../kube/time.ts';
import { type FileContext, type ImportOptions, issue, skipFile } from '../context.ts';
import { defineFormat, type FormatMatch } from '../format.ts';
import { collectorLogOf, kindNodeOf, type LogSubject, logSubjectOf } from '../layout.ts';
import { type LogStream, podLogStream } from '../log-stream.ts';
import type { FileEntry } from '../sources.ts';
import type { LineBatch } from '../text.ts';

const CRI_RE = /^(\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP])(?: (.*))?$/s;
const TIMESTAMPED_RE = /^(\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d)) (.*)$/s;
const DUMP_MARKER_RE = /^==== (START|END) logs for container (\S+) of pod ([^/\s]+)\/(\S+) ====$/;

type LogFlavour = 'cri' | 'docker-json' | 'timestamped' | 'cluster-info-dump' | 'plain';

interface LogMatch extends FormatMatch {
  flavour: LogFlavour;
}

export const containerLog = defineFormat<LogMatch>({
  name: 'container-log',
  description:
    'container logs: CRI (/var/log/pods), Docker JSON, kubectl logs --timestamps, must-gather, cluster-info dump logs.txt; the pod is read from where the file sits, or given with --pod/--container',
  detect: (head) => {
    const flavour = logFlavourOf(head.lines);
    const subject = logSubjectOf(head.path);
    // Lines the runtime did not date take their year, and their Pod's node and uid, from the rest
    // of the import: read last. So does a log whose path has no namespace (a support bundle's logs
    // collector): its pod's listing gives it.
    // A /var/log/containers file links to (or, copied with its links followed, repeats) the current
    // log of its container under /var/log/pods: read last, once the logs of /var/log/pods are in.
    const late =
      flavour === 'cluster-info-dump' || (!subject && !head.direct && collectorLogOf(head.path))
        ? ('dated' as const)
        : subject?.layout === 'var-log-containers'
          ? ('undated' as const)
          : undefined;
    if (flavour !== 'plain') {
      const confidence = flavour === 'docker-json' ? 0.9 : 0.8;
      return { confidence, reason: `${flavour} log lines`, flavour, late };
    }
    // Whatever a program wrote, a file where a runtime keeps a pod's log is that pod's log.
    if (subject && subject.layout !== 'cluster-info-dump')
      return {
        confidence: 0.6,
        reason: `log text at a pod's log path (${subject.layout})`,
        flavour,
        late: 'undated',
      };
    return head.layout === 'support-bundle' && collectorLogOf(head.path)
      ? {
          confidence: 0.4,
          reason: "log text in a support bundle's logs collector folder",
          flavour,
          late: 'undated',
        }
      : null;
  },
  // Plain text named on the command line with --pod is a log file without timestamps.
  fallback: (head) =>
    head.direct && givenSubject({ relPath: head.path, path: head.path, direct: true }, head.options)
      ? {
          confidence: 0,
          reason: 'plain text given with --pod and --container',
          flavour: 'plain',
          late: 'undated',
        }
      : null,
  import: async (body, ctx, match) => {
    const subject = logSubjectFor(ctx, match.flavour === 'cluster-info-dump');
    if (!subject) {
      skipFile(ctx, 'container log whose pod is unknown (pass --pod ns/name --container c)');
      return;
    }
    if (!ctx.sink.claimLogStream(subject.stream)) {
      skipFile(ctx, 'the same container log was already imported from another file');
      return;
    }
    // `kind export logs` and copies of a node's /var/log hold both trees, the links followed.
    const container = `container:${subject.namespace}/${subject.pod}/${subject.container}`;
    if (subject.layout === 'var-log-pods') ctx.sink.claimLogStream(container);
    if (subject.layout === 'var-log-containers' && ctx.sink.hasLogStream(container)) {
      skipFile(ctx, "the container's log already imported from /var/log/pods, which this file repeats");
      return;
    }
    await importLogLines(body.lines(), match.flavour, subject, ctx);
  },
});

function logFlavourOf(firstLines: readonly string[]): LogFlavour {
  const line = firstLines.find((l) => l.trim() !== '') ?? '';
  if (CRI_RE.test(line)) return 'cri';
  if (line.startsWith('{"log":')) return 'docker-json';
  if (TIMESTAMPED_RE.test(line) && normalizeTs(TIMESTAMPED_RE.exec(line)![1]) !== null) return 'timestamped';
  if (DUMP_MARKER_RE.test(line)) return 'cluster-info-dump';
  return 'plain';
}

/** The pod and container of a log file: from where it sits, else from --pod and --container. */
function logSubjectFor(ctx: FileContext, dump: boolean): LogSubject | null {
  const { entry, stats } = ctx;
  const fromPath = logSubjectOf(entry.relPath);
  if (fromPath && (fromPath.layout !== 'cluster-info-dump' || dump))
    return { ...fromPath, node: kindNodeOf(entry.relPath, stats.layout) };
  const collected = stats.layout === 'support-bundle' ? collectorLogOf(entry.relPath) : null;
  const namespaces = collected ? ctx.sink.podNamespaces(collected.pod) : [];
  if (collected && namespaces.length === 1) {
    const { pod, container, previous } = collected;
    const namespace = namespaces[0]!;
    // The stream of cluster-resources/pods/logs: the same log kept in both places is read once.
    return {
      namespace,
      pod,
      container,
      previous,
      stream: `${namespace}/${pod}/${container}/${previous}`,
      layout: 'support-bundle',
    };
  }
  return givenSubject(entry, ctx.options);
}

/** A file named on the command line with --pod and --container. */
function givenSubject(
  entry: Pick<FileEntry, 'relPath' | 'path' | 'direct'>,
  options: ImportOptions,
): LogSubject | null {
  if (entry.direct && options.pod !== undefined && options.container !== undefined) {
    const [namespace, pod] = options.pod.split('/') as [string, string];
    return {
      namespace,
      pod,
      container: options.container,
      previous: false,
      stream: `given:${entry.path}`,
      layout: 'given',
    };
  }
  return null;
}

async function importLogLines(
  batches: AsyncIterable<LineBatch>,
  flavour: LogFlavour,
  subject: LogSubject,
  ctx: FileContext,
): Promise<void> {
  const open = (namespace: string, pod: string, container: string): LogStream =>
    podLogStream(ctx, {
      namespace,
      pod,
      container,
      previous: subject.previous,
      podUid: subject.podUid,
      node: subject.node,
    });
  // A cluster-info dump's logs.txt names its containers between START and END markers.
  let log = subject.container === null ? null : open(subject.namespace, subject.pod, subject.container);
  let partial = '';
  let lineNo = 0;
  for await (const { first, lines } of batches) {
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k]!;
      lineNo = first + k;
      switch (flavour) {
        case 'cri': {
          const m = CRI_RE.exec(line);
          const ts = m ? normalizeTs(m[1]) : null;
          if (!m || ts === null) {
            if (line.trim() !== '') issue(ctx, lineNo, 'not a CRI log line (<time> <stream> <F|P> <text>)');
            continue;
          }
          // P marks a line the runtime split (over 16 KiB): the pieces up to the next F are one line.
          if (m[3] === 'P') {
            partial += m[4] ?? '';
            continue;
          }
          log?.add(partial + (m[4] ?? ''), lineNo, ts, m[2]);
          partial = '';
          break;
        }
        case 'docker-json': {
          if (line.trim() === '') continue;
          let entry: { log?: unknown; stream?: unknown; time?: unknown };
          try {
            entry = JSON.parse(line);
          } catch {
            issue(ctx, lineNo, 'invalid JSON in a Docker log line');
            continue;
          }
          const ts = normalizeTs(entry.time);
          if (typeof entry.log !== 'string' || ts === null) {
            issue(ctx, lineNo, 'Docker log line without `log` text or `time`');
            continue;
          }
          log?.add(
            entry.log.replace(/\r?\n$/, ''),
            lineNo,
            ts,
            typeof entry.stream === 'string' ? entry.stream : undefined,
          );
          break;
        }
        case 'timestamped': {
          const m = TIMESTAMPED_RE.exec(line);
          const ts = m ? normalizeTs(m[1]) : null;
          if (ts !== null) log?.add(m![2]!, lineNo, ts);
          else if (line !== '') log?.add(line, lineNo);
          break;
        }
        default: {
          const marker = flavour === 'cluster-info-dump' ? DUMP_MARKER_RE.exec(line) : null;
          if (marker) {
            log?.end();
            log = marker[1] === 'START' ? open(marker[3]!, marker[4]!, marker[2]!) : null;
            continue;
          }
          // The program's own time, if it wrote one, is read by the stream; the line stays whole.
          log?.add(line, lineNo);
        }
      }
    }
  }
  if (partial !== '') log?.add(partial, lineNo);
  log?.end();
}
