// The record benchmark's API server, in a process of its own so that its CPU is not the recorder's:
// the fake API server of the tests (test/support/fake-apiserver.ts) holding the listed pods, which
// streams the input's watch events to the recorder's pods watch as fast as the connection takes them.
// Driven by its parent over IPC: `ready` → (recorder watching) `watching` → `go` → `streamed` → `stop`.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { FakeApiServer } from '../../test/support/fake-apiserver.ts';

export interface ServerSpec {
  listed: string;
  stream: string;
}

export type ServerMessage =
  | { type: 'ready'; url: string }
  | { type: 'watching' }
  | { type: 'streamed'; bytes: number; events: number; seconds: number; waitedForWatchSeconds: number };

const CHUNK_BYTES = 1 << 20;

function send(message: ServerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
  // Bookmarks would only add noise to a stream this dense.
  const api = await FakeApiServer.start({ bookmarkIntervalMs: 3_600_000 });
  for (const pod of JSON.parse(readFileSync(spec.listed, 'utf8')) as Record<string, unknown>[])
    api.apply(pod);
  send({ type: 'ready', url: api.url });
  const watching = setInterval(() => {
    if (api.openWatches > 0) {
      clearInterval(watching);
      send({ type: 'watching' });
    }
  }, 10);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'go') void stream(api, spec.stream);
    if (message.type === 'stop') void api.close().then(() => process.exit(0));
  });
}

/** Whole lines, a megabyte at a time, waiting for the recorder to take each (TCP back-pressure). */
async function stream(api: FakeApiServer, file: string): Promise<void> {
  const started = performance.now();
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let carry = Buffer.alloc(0);
  let bytes = 0;
  let events = 0;
  let waited = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      const data = Buffer.concat([carry, buffer.subarray(0, read)]);
      const end = data.lastIndexOf(0x0a) + 1;
      carry = Buffer.from(data.subarray(end));
      const chunk = data.subarray(0, end);
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) events++;
      // A watch the recorder reopened (its timeout) must not miss a chunk: wait for it.
      while ((await api.streamRaw('Pod', chunk)) === 0) {
        waited += 5;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      bytes += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  send({
    type: 'streamed',
    bytes,
    events,
    seconds: (performance.now() - started) / 1000,
    waitedForWatchSeconds: waited / 1000,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
