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

/** Read the log lines of `kubectl logs` output, or null when the command names no pod. */
export function prepareLogs(
  lines: readonly TextLine[],
  command: KubectlCommand,
  ctx: FileContext,
): PreparedSection | null {
  const at = lines[0]?.line;
  if (command.kinds[0] !== 'Pod' || command.names.length === 0) {
    issue(
      ctx,
      at,
      `logs of ${command.names[0] ? `${command.kinds[0] ?? 'a workload'} ${command.names[0]}` : 'pods it does not name'} ("${command.text}"): which pod wrote them is unknown, not imported`,
    );
    return null;
  }
  const pod = command.names[0]!;
  const namespace = command.namespace ?? 'default';
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
