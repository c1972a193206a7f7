// /kstory/at: where a running server stands in the recording. GET tells the instant, the window
// and the speed; PUT or POST {"at": TIME} (or ?at=TIME) moves it, as `kstory at TIME` does.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isKstoryError } from '../errors.ts';
import { resourceVersionOf, type ServedCluster } from './api.ts';
import { isoOf, parseInstant } from './instant.ts';
import { ApiError, badRequest, sendJson } from './status.ts';

export interface TimeControlState {
  cluster: string;
  at: string;
  resourceVersion: string;
  window: { start: string; end: string };
  speed: number | null;
}

function stateOf(cluster: ServedCluster): TimeControlState {
  const at = cluster.clock.now();
  return {
    cluster: cluster.name,
    at: isoOf(at),
    resourceVersion: resourceVersionOf(at),
    window: { start: isoOf(cluster.state.window.start), end: isoOf(cluster.state.window.end) },
    speed: cluster.clock.speed,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw badRequest('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function handleTimeControl(
  cluster: ServedCluster,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return sendJson(res, 200, stateOf(cluster));
  if (method !== 'PUT' && method !== 'POST') {
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `${method} /kstory/at: use GET to read the instant, PUT to move it`,
    );
  }
  let text = url.searchParams.get('at');
  if (text === null) {
    const body = await readBody(req);
    try {
      const parsed = JSON.parse(body) as { at?: unknown };
      if (typeof parsed.at === 'string') text = parsed.at;
    } catch {
      throw badRequest('expected a JSON body {"at": "<time>"}');
    }
  }
  if (text === null)
    throw badRequest(
      'expected {"at": "<time>"}: start, end, an RFC 3339 time, 10m (before the end), +10m or -10m (from the instant shown)',
    );
  try {
    const at = parseInstant(
      text,
      cluster.state.window,
      'at',
      /^[+-]/.test(text.trim()) ? cluster.clock.now() : undefined,
    );
    cluster.clock.set(at);
  } catch (error) {
    if (isKstoryError(error)) throw badRequest(error.message);
    throw error;
  }
  return sendJson(res, 200, stateOf(cluster));
}
