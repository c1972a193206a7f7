// The record benchmark's API server, in a process of its own so that its CPU is not the recorder's:
// the fake API server of the tests (test/support/fake-apiserver.ts) holding the listed objects, which
// streams the input's watch events to the recorder's watches as fast as the connections take them.
// Driven by its parent over IPC: `ready` → (recorder watching) `watching` → `go` → `streamed` → `stop`.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { FakeApiServer, type FakeResource } from '../../test/support/fake-apiserver.ts';

export interface ServerSpec {
  listed: string;
  /** Lines `<resource>\t<watch event JSON>`. */
  stream: string;
  /** Resources to serve besides the fake server's built-in ones. */
  resources: FakeResource[];
  /** Watches the recorder opens: streaming waits for all of them. */
  watches: number;
}

export type ServerMessage =
  | { type: 'ready'; url: string }
  | { type: 'watching' }
  | { type: 'streamed'; bytes: number; events: number; seconds: number; waitedForWatchSeconds: number };

const CHUNK_BYTES = 1 << 20;
const TAB = 0x09;
const NEWLINE = 0x0a;

function send(message: ServerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
  // Bookmarks would only add noise to a stream this dense.
  const api = await FakeApiServer.start({ bookmarkIntervalMs: 3_600_000, resources: spec.resources });
  for (const object of JSON.parse(readFileSync(spec.listed, 'utf8')) as Record<string, unknown>[])
    api.apply(object);
  send({ type: 'ready', url: api.url });
  const watching = setInterval(() => {
    if (api.openWatches >= spec.watches) {
      clearInterval(watching);
      send({ type: 'watching' });
    }
  }, 10);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'go') void stream(api, spec.stream);
    if (message.type === 'stop') void api.close().then(() => process.exit(0));
  });
}

const KIND_OF_RESOURCE: Record<string, string> = {
  pods: 'Pod',
  events: 'Event',
  configmaps: 'ConfigMap',
  nodes: 'Node',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  services: 'Service',
  endpoints: 'Endpoints',
  endpointslices: 'EndpointSlice',
};

/**
 * Whole lines, a megabyte at a time: each resource's lines of that megabyte to its watch, in their
 * order, waiting for the recorder to take them all (TCP back-pressure).
 */
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
      const end = data.lastIndexOf(NEWLINE) + 1;
      carry = Buffer.from(data.subarray(end));
      const byResource = new Map<string, Buffer[]>();
      for (let start = 0; start < end; ) {
        const tab = data.indexOf(TAB, start);
        const newline = data.indexOf(NEWLINE, tab);
        const resource = data.toString('latin1', start, tab);
        const lines = byResource.get(resource) ?? [];
        if (lines.length === 0) byResource.set(resource, lines);
        lines.push(data.subarray(tab + 1, newline + 1));
        bytes += newline - tab;
        events++;
        start = newline + 1;
      }
      await Promise.all(
        [...byResource].map(async ([resource, lines]) => {
          const kind = KIND_OF_RESOURCE[resource];
          if (!kind) throw new Error(`record-server: unknown resource ${resource}`);
          const chunk = Buffer.concat(lines);
          // A watch the recorder reopened (its timeout) must not miss a chunk: wait for it.
          while ((await api.streamRaw(kind, chunk)) === 0) {
            waited += 5;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }),
      );
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
