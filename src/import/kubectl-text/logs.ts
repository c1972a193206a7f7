// `kubectl logs` output whose command is known (a transcript's prompt, a recorded call's header):
// the pod, namespace, container and --previous come from the command; a container it leaves out is
// the one kubectl says it defaulted to, or the pod's only container as the rest of the import names
// it. Lines are dated by their own times, else placed just before when the command ran.

import { type FileContext, issue } from '../context.ts';
import { podLogStream } from '../log-stream.ts';
import type { KubectlCommand } from './command.ts';
import type { TextLine } from './describe-tree.ts';
import type { PreparedSection } from './prepared.ts';

// kubectl 1.21 on, when -c is left out of a pod with several containers.
const DEFAULTED_RE = /^Defaulted container "([^"]+)" out of: /;
// `kubectl logs --prefix` (with --all-containers, -l, or a workload): each line names its source.
const PREFIX_RE = /^\[pod\/([^/\]]+)\/([^\]]+)\] ?(.*)$/s;

/** Read the log lines of `kubectl logs` output, or null when the command names no pod. */
export function prepareLogs(
  lines: readonly TextLine[],
  command: KubectlCommand,
  ctx: FileContext,
): PreparedSection | null {
  const at = lines[0]?.line;
  const namespace = command.namespace ?? 'default';
  if (lines[0] && PREFIX_RE.test(lines[0].text)) return prefixedLogs(lines, namespace, command, ctx);
  if (command.kinds[0] !== 'Pod' || command.names.length === 0) {
    issue(
      ctx,
      at,
      `logs of ${command.names[0] ? `${command.kinds[0] ?? 'a workload'} ${command.names[0]}` : 'pods it does not name'} ("${command.text}"): which pod wrote them is unknown, not imported`,
    );
    return null;
  }
  const pod = command.names[0]!;
  let body = lines;
  let container = command.container;
  const defaulted = lines[0] ? DEFAULTED_RE.exec(lines[0].text) : null;
  if (defaulted) {
    container ??= defaulted[1];
    body = lines.slice(1);
  }
  return {
    floor: null,
    emit: (capture, observed) => {
      // Read now, once the files before it named the pod's containers.
      const known = ctx.sink.podInfo(namespace, pod)?.containers;
      const name = container ?? (known?.length === 1 ? known[0]! : '');
      if (!ctx.sink.claimLogStream(`kubectl-logs:${namespace}/${pod}/${name}/${command.previous}`)) return;
      // Undated lines are placed before the moment the command ran, when the text says when.
      const logCtx = observed ? { ...ctx, options: { ...ctx.options, at: capture } } : ctx;
      const log = podLogStream(logCtx, { namespace, pod, container: name, previous: command.previous });
      for (const { text, line } of body) log.add(text, line);
      log.end();
    },
  };
}

/** `[pod/web-1/app] line`: each line goes to the log of the pod and container it names. */
function prefixedLogs(
  lines: readonly TextLine[],
  namespace: string,
  command: KubectlCommand,
  ctx: FileContext,
): PreparedSection {
  return {
    floor: null,
    emit: (capture, observed) => {
      const logCtx = observed ? { ...ctx, options: { ...ctx.options, at: capture } } : ctx;
      const streams = new Map<string, ReturnType<typeof podLogStream> | null>();
      let current: ReturnType<typeof podLogStream> | null = null;
      for (const { text, line } of lines) {
        const m = PREFIX_RE.exec(text);
        if (m) {
          const key = `${m[1]}/${m[2]}`;
          if (!streams.has(key)) {
            const claimed = ctx.sink.claimLogStream(`kubectl-logs:${namespace}/${key}/${command.previous}`);
            streams.set(
              key,
              claimed
                ? podLogStream(logCtx, {
                    namespace,
                    pod: m[1]!,
                    container: m[2]!,
                    previous: command.previous,
                  })
                : null,
            );
          }
          current = streams.get(key)!;
          current?.add(m[3]!, line);
        } else {
          // A line of a multi-line message, or a stack trace: the stream of the line before.
          current?.add(text, line);
        }
      }
      for (const stream of streams.values()) stream?.end();
    },
  };
}
