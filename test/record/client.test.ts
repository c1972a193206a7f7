// KubeClient's line streams: lines cut anywhere by the network come out whole, in order, as bytes
// (watches) or as text without the blank ones (logs).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/record/client.ts';
import type { FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-client-');

/** A 100 KB line, longer than one socket read, and multi-byte characters cut in the middle. */
const LONG = `{"long":"${'x'.repeat(100_000)}"}`;
const PIECES = [
  '{"a":1}\n{"b":',
  '"日本',
  '語"}\n\n  \n',
  LONG.slice(0, 70_000),
  LONG.slice(70_000),
  '\n{"last":true}',
];

let server: Server;
let client: KubeClient;

beforeEach(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const bytes = Buffer.from(PIECES.join(''));
    // Written in pieces that cut lines and characters anywhere.
    const cuts = [0, 9, 15, 18, 40, 70_017, 100_040, bytes.length];
    let next = 0;
    const write = () => {
      if (next >= cuts.length - 1) return res.end();
      res.write(bytes.subarray(cuts[next], cuts[next + 1]));
      next++;
      setTimeout(write, 5);
    };
    write();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = await KubeClient.connect({
    kubeconfig: writeKubeconfig(tempDir(), { url } as FakeApiServer),
  });
});

afterEach(async () => {
  client.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('KubeClient line streams', () => {
  it('gives each line whole as bytes, blank ones included, and the last one without a newline', async () => {
    const lines: string[] = [];
    await client.streamLineBytes('/stream', (line) => lines.push(line.toString('utf8')));
    expect(lines).toEqual(['{"a":1}', '{"b":"日本語"}', '', '  ', LONG, '{"last":true}']);
  });

  it('stops reading while the consumer asks it to wait, then gives every line', async () => {
    const lines: string[] = [];
    let atPause = -1;
    let atResume = -2;
    let waits = 0;
    await client.streamLineBytes('/stream', (line) => lines.push(line.toString('utf8')), {
      // The first chunk pauses the stream for longer than the server takes to write the rest.
      wait: () => {
        if (waits++ > 0) return null;
        atPause = lines.length;
        return new Promise<void>((resolve) => {
          const resume = () => {
            atResume = lines.length;
            resolve();
          };
          setTimeout(resume, 100);
        });
      },
    });
    // Nothing was read while paused: only the lines of the first chunk had arrived.
    expect(atResume).toBe(atPause);
    expect(lines).toEqual(['{"a":1}', '{"b":"日本語"}', '', '  ', LONG, '{"last":true}']);
  });

  it('gives each line whole as text, without the blank ones', async () => {
    const lines: string[] = [];
    await client.streamLines('/stream', (line) => lines.push(line));
    expect(lines).toEqual(['{"a":1}', '{"b":"日本語"}', LONG, '{"last":true}']);
  });
});
