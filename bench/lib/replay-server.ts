// A trivial HTTPS server that answers kubectl with bytes another server already sent: the first
// time a request is seen it is passed on and its answer kept, every later time the kept bytes go
// out as they are. kubectl against it costs what kubectl itself costs: the floor of a benchmark.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpsRequest } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { selfSignedCertificate } from '../../src/kube/certificate.ts';
import { targetOf } from '../../src/serve/at-client.ts';
import { kubeconfigText } from '../../src/serve/kubeconfig.ts';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ReplayServer {
  /** A kubeconfig (0600, in a private directory) that points kubectl at the replay server. */
  kubeconfig: string;
  /** Requests answered from what was kept, and those passed on. */
  counts(): { replayed: number; passed: number };
  stop(): Promise<void>;
}

/** A replay server in front of the server `kubeconfig` names (its token is the one asked for). */
export async function startReplayServer(kubeconfig: string): Promise<ReplayServer> {
  const upstream = targetOf(kubeconfig, undefined);
  const kept = new Map<string, Answer>();
  let replayed = 0;
  let passed = 0;
  const tls = await selfSignedCertificate({
    commonName: 'kstory bench replay',
    bindHost: '127.0.0.1',
    advertised: '127.0.0.1',
  });
  const pass = (req: IncomingMessage): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${upstream.token}` };
      for (const name of ['accept', 'accept-encoding', 'user-agent'])
        if (typeof req.headers[name] === 'string') headers[name] = req.headers[name] as string;
      const out = httpsRequest(
        new URL(`${upstream.server}${req.url ?? '/'}`),
        { method: 'GET', ca: upstream.ca, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const kept: Record<string, string> = {};
            for (const name of ['content-type', 'content-encoding', 'vary'])
              if (typeof res.headers[name] === 'string') kept[name] = res.headers[name] as string;
            resolve({ status: res.statusCode ?? 500, headers: kept, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end();
    });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const key = `${req.url}\u0000${req.headers.accept ?? ''}\u0000${req.headers['accept-encoding'] ?? ''}`;
    let answer = kept.get(key);
    if (answer) replayed++;
    else {
      passed++;
      answer = await pass(req);
      if (answer.status === 200) kept.set(key, answer);
    }
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    res.end(answer.body);
  };
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kstory-bench-replay-'));
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(
    file,
    kubeconfigText(
      [{ name: 'replay', server: `https://127.0.0.1:${port}`, context: 'kstory' }],
      tls.cert,
      upstream.token ?? '',
    ),
    { mode: 0o600 },
  );
  return {
    kubeconfig: file,
    counts: () => ({ replayed, passed }),
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
