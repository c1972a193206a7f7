// GET pods/<name>/log: the pod's container logs as they stood at the served instant, with
// kubectl's options; `follow` replays the rest of the instance's lines (as the clock passes them
// with --speed, at once otherwise) and ends where the instance or the recording ends.

import type { ServerResponse } from 'node:http';
import type { ServedCluster } from './api.ts';
import { instantFromIso } from './instant.ts';
import { formatLogLines, LogError, type LogOptions, podLogs } from './logs.ts';
import type { ApiResource } from './resources.ts';
import { badRequest, notFound } from './status.ts';

function numberParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badRequest(`${name}: not a number: ${v}`);
  return n;
}

export async function serveLogs(
  cluster: ServedCluster,
  pods: ApiResource,
  namespace: string,
  name: string,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const at = cluster.clock.now();
  const [pod] = await cluster.state.objectsAt(pods, at, { namespace, name });
  if (!pod) throw notFound('pods', name);
  const sinceTime = url.searchParams.get('sinceTime');
  const options: LogOptions = {
    container: url.searchParams.get('container') || undefined,
    previous: url.searchParams.get('previous') === 'true',
    timestamps: url.searchParams.get('timestamps') === 'true',
    sinceTime: sinceTime ? instantFromIso(sinceTime) : undefined,
    sinceSeconds: numberParam(url, 'sinceSeconds'),
    tailLines: numberParam(url, 'tailLines'),
    limitBytes: numberParam(url, 'limitBytes'),
  };
  if (options.sinceTime !== undefined && Number.isNaN(options.sinceTime))
    throw badRequest(`sinceTime: not a time: ${sinceTime}`);
  let logs: Awaited<ReturnType<typeof podLogs>>;
  try {
    logs = await podLogs(cluster.state, pod.object, at, options);
  } catch (error) {
    if (error instanceof LogError) throw badRequest(error.message);
    throw error;
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
  res.write(formatLogLines(logs.lines, options));
  if (url.searchParams.get('follow') !== 'true' || options.previous || options.limitBytes !== undefined) {
    res.end();
    return;
  }
  // Follow: the lines the instance wrote after the instant, up to its end or the recording's.
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const end = logs.until > at ? logs.until : cluster.state.window.end;
  const later = await cluster.state.logs(namespace, name, logs.container, at + 1, end);
  for (const line of later) {
    if (closed) return;
    const wait = cluster.clock.speed === null ? 0 : cluster.clock.delayUntil(line.ts);
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, 2 ** 31 - 1)));
    if (closed) return;
    res.write(formatLogLines([line], options));
  }
  res.end();
}
