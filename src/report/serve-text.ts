// What `kstory serve` prints once it listens: which cluster, which instant, and the one line that
// points kubectl at it.

import type { ChalkInstance } from 'chalk';
import type { RunningServe } from '../serve/run.ts';
import { shellQuote } from '../vocab/shell.ts';
import { formatTime } from '../vocab/units.ts';
import { escapeControl } from './escape.ts';

export function describeServing(running: RunningServe, chalk: ChalkInstance): string {
  const lines: string[] = [];
  for (const [i, cluster] of running.clusters.entries()) {
    const w = cluster.state.window;
    const at = formatTime(cluster.clock.now() / 1000);
    const speed = cluster.clock.speed === null ? '' : `, replaying at ${cluster.clock.speed}x`;
    lines.push(
      `${chalk.bold(escapeControl(cluster.name, { singleLine: true }))} as it was at ${chalk.bold(at)}${speed} (recording ${formatTime(w.start / 1000)} → ${formatTime(w.end / 1000)})`,
      `  context ${escapeControl(running.contexts[i]!.context, { singleLine: true })}, read-only API on ${running.contexts[i]!.server}`,
    );
  }
  lines.push('', `export KUBECONFIG=${shellQuote(running.kubeconfig)}`, '');
  lines.push(
    chalk.dim('Move in time with `kstory at TIME` (start, end, +5m, -5m, an RFC 3339 time). Ctrl-C stops.'),
  );
  return `${lines.join('\n')}\n`;
}
