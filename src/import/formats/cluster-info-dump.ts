// `kubectl cluster-info dump` written to one file (its default, stdout): JSON lists one after another
// (NodeList, then per namespace EventList, ReplicationControllerList, ServiceList, DaemonSetList,
// DeploymentList, ReplicaSetList, PodList) with each namespace's container logs between
// `==== START logs for container C of pod NS/P ====` and its END line. A snapshot: read as a stream of
// lines, so that a dump of any size never has to be one string.

import { messageOf } from '../../errors.ts';
import { type FileContext, issue } from '../context.ts';
import { importDocument } from '../documents.ts';
import { DumpSections } from '../dump-sections.ts';
import { defineFormat } from '../format.ts';
import { type LogStream, podLogStream } from '../log-stream.ts';
import type { LineBatch } from '../text.ts';

export const DUMP_MARKER_RE = /^==== (START|END) logs for container (\S+) of pod ([^/\s]+)\/(\S+) ====$/;
const MARKER_IN_TEXT_RE = /^==== START logs for container \S+ of pod [^/\s]+\/\S+ ====$/m;
// The dump starts with the nodes: `"kind": "NodeList"`, or in the old Go-keyed form a list whose
// selfLink is the nodes' path.
const NODE_LIST_START_RE = /^\{\s*"(?:kind"\s*:\s*"NodeList"|selfLink"\s*:\s*"\/api\/v1\/nodes")/;
// kubectl's last line when the dump went to stdout.
const TRAILER_RE = /^Cluster info dumped to /;
// A line that opens a top-level document, as kubectl indents them.
const DOCUMENT_START_RE = /^\{\r?$/gm;

export const clusterInfoDump = defineFormat({
  name: 'cluster-info-dump',
  description:
    'kubectl cluster-info dump to one file: JSON lists back to back and container logs between ==== START/END ==== lines (also the old Go-keyed form)',
  detect: (head) => {
    if (!head.text.startsWith('{')) return null;
    if (MARKER_IN_TEXT_RE.test(head.text)) {
      return { confidence: 0.9, reason: 'JSON documents and ==== START logs sections' };
    }
    // A single NodeList is just that (the nodes.json of a dump directory): kube-json reads it.
    const documents = head.text.match(DOCUMENT_START_RE)?.length ?? 0;
    if (NODE_LIST_START_RE.test(head.text) && (!head.complete || documents > 1)) {
      return { confidence: 0.85, reason: 'lists back to back, nodes first' };
    }
    return null;
  },
  import: (body, ctx) => importDumpLines(body.lines(), ctx),
});

/** Where the reader is: between documents, inside one, or inside a container's log section. */
type State =
  | { in: 'between' }
  | { in: 'document'; lines: string[]; start: number; depth: number }
  | { in: 'log'; log: LogStream };

async function importDumpLines(batches: AsyncIterable<LineBatch>, ctx: FileContext): Promise<void> {
  let state: State = { in: 'between' };
  let strayFrom: number | null = null;
  const sections = new DumpSections();
  for await (const { first, lines } of batches) {
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k]!;
      const lineNo = first + k;
      if (state.in === 'log') {
        const marker = DUMP_MARKER_RE.exec(line);
        if (!marker) {
          state.log.add(line, lineNo);
          continue;
        }
        state.log.end();
        state = { in: 'between' };
        if (marker[1] === 'END') continue;
      }
      if (state.in === 'document') {
        state.lines.push(line);
        state.depth = depthAfter(line, state.depth);
        if (state.depth > 0) continue;
        await importDumpDocument(state.lines.join('\n'), state.start, ctx, sections);
        state = { in: 'between' };
        continue;
      }
      const marker = DUMP_MARKER_RE.exec(line);
      if (marker?.[1] === 'START') {
        const [, , container, namespace, pod] = marker as unknown as string[];
        state = {
          in: 'log',
          log: podLogStream(ctx, { namespace: namespace!, pod: pod!, container: container! }),
        };
        strayFrom = reportStray(ctx, strayFrom);
        continue;
      }
      const trimmed = line.trimStart();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        strayFrom = reportStray(ctx, strayFrom);
        const depth = depthAfter(line, 0);
        if (depth > 0) {
          state = { in: 'document', lines: [line], start: lineNo, depth };
        } else {
          await importDumpDocument(line, lineNo, ctx, sections);
        }
        continue;
      }
      // An END without its START, or text between documents: reported once per run of such lines.
      if (trimmed !== '' && strayFrom === null && !TRAILER_RE.test(trimmed)) strayFrom = lineNo;
    }
  }
  if (state.in === 'log') state.log.end();
  if (state.in === 'document') {
    issue(ctx, state.start, 'truncated JSON document (the file ends inside it)');
  }
  reportStray(ctx, strayFrom);
}

function reportStray(ctx: FileContext, from: number | null): null {
  if (from !== null) issue(ctx, from, 'text outside the JSON documents and log sections: not imported');
  return null;
}

async function importDumpDocument(
  text: string,
  line: number,
  ctx: FileContext,
  sections: DumpSections,
): Promise<void> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    issue(ctx, line, `invalid JSON: ${messageOf(error)}`);
    return;
  }
  await importDocument(value, line, ctx, false, sections.next(value));
}

/** Nesting depth after a line of JSON, braces and brackets inside strings ignored. */
function depthAfter(line: string, depth: number): number {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return depth;
}
