// The connection to a live API server: kubeconfig or in-cluster configuration through
// @kubernetes/client-node (tokens, client certificates, exec plugins), and the two kinds of
// request the recorder makes: a JSON GET and a stream of lines (watches, followed logs).

import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KstoryError, messageOf } from '../errors.ts';
import { RECORD_AGENT, TOOL_VERSION } from '../version.ts';

export interface ConnectOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then the in-cluster configuration. */
  kubeconfig?: string;
  context?: string;
}

/**
 * What every request of a recording says it is (API server and Prometheus alike), so that its own
 * traffic (in audit logs, API server metrics) can be told from the cluster's.
 */
export const RECORD_USER_AGENT = `${RECORD_AGENT}/${TOOL_VERSION}`;

/** An API server's answer other than 2xx, with the Status it sent when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly reason: string | null,
    message: string,
  ) {
    super(message);
  }
}

export function isGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 410;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Abort when the connection is silent this long: a watch with bookmarks is never silent for minutes. */
  idleTimeoutMs?: number;
  /**
   * Asked after each chunk of a stream: a promise pauses reading until it resolves (the bundle
   * writer's back-pressure). The server then sees a slow reader: TCP holds what it sends meanwhile.
   */
  wait?: () => Promise<void> | null;
}

export class KubeClient {
  private readonly agent: http.Agent;

  private constructor(
    readonly server: URL,
    /** Context and cluster names, for the bundle metadata. */
    readonly contextName: string | null,
    readonly clusterName: string | null,
    private readonly kubeConfig: KubeConfig,
  ) {
    // Keep-alive: discovery and lists reuse connections; each open watch holds one of its own.
    const Agent = server.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  }

  static async connect(options: ConnectOptions = {}): Promise<KubeClient> {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    try {
      if (options.kubeconfig !== undefined) {
        if (!existsSync(options.kubeconfig)) {
          throw new KstoryError(`kubeconfig ${options.kubeconfig} does not exist`);
        }
        kc.loadFromFile(options.kubeconfig);
      } else {
        // client-node falls back to http://localhost:8080 when it finds no configuration at all;
        // saying so is more useful than a connection refused.
        const home = path.join(os.homedir(), '.kube', 'config');
        if (!process.env.KUBECONFIG && !existsSync(home) && !process.env.KUBERNETES_SERVICE_HOST) {
          throw new KstoryError('no Kubernetes configuration found', {
            hint: 'Set KUBECONFIG, pass --kubeconfig FILE, or run inside a cluster with a service account.',
          });
        }
        kc.loadFromDefault();
      }
    } catch (error) {
      if (error instanceof KstoryError) throw error;
      throw new KstoryError(`cannot read the kubeconfig: ${messageOf(error)}`, {
        hint: 'Check the file with `kubectl config view`.',
      });
    }
    if (options.context !== undefined) {
      if (!kc.getContextObject(options.context)) {
        throw new KstoryError(`context "${options.context}" is not in the kubeconfig`, {
          hint: `Known contexts: ${
            kc
              .getContexts()
              .map((c) => c.name)
              .join(', ') || '(none)'
          }`,
        });
      }
      kc.setCurrentContext(options.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new KstoryError('the kubeconfig has no current cluster', {
        hint: 'Choose one with --context, or `kubectl config use-context NAME`.',
      });
    }
    let server: URL;
    try {
      server = new URL(cluster.server);
    } catch {
      throw new KstoryError(`cluster ${cluster.name} has an invalid server address "${cluster.server}"`);
    }
    return new KubeClient(server, kc.getCurrentContext() || null, cluster.name, kc);
  }

  /** GET a JSON document. Throws ApiError for an error status. */
  async getJson<T>(pathAndQuery: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(pathAndQuery, options);
    const text = await readAll(res);
    if ((res.statusCode ?? 0) >= 300) throw apiErrorOf(res.statusCode ?? 0, text, pathAndQuery);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.statusCode ?? 0, null, `GET ${pathAndQuery}: the answer is not JSON`);
    }
  }

  /**
   * GET a stream and call `onLine` for each line as it arrives. Resolves when the server ends the
   * stream; rejects on an error status, a dropped connection or silence past `idleTimeoutMs`.
   */
  async streamLines(
    pathAndQuery: string,
    onLine: (line: string) => void,
    options: RequestOptions = {},
  ): Promise<void> {
    await this.streamLineBytes(
      pathAndQuery,
      (bytes) => {
        const line = bytes.toString('utf8');
        if (line.trim() !== '') onLine(line);
      },
      options,
    );
  }

  /**
   * streamLines with each line as the bytes the server sent (without the newline; blank lines
   * included): a watch parses only part of a line and writes the rest to the spool as it came,
   * without decoding it into a string and encoding it again.
   */
  async streamLineBytes(
    pathAndQuery: string,
    onLine: (line: Buffer) => void,
    options: RequestOptions = {},
  ): Promise<void> {
    const res = await this.request(pathAndQuery, options);
    if ((res.statusCode ?? 0) >= 300) throw apiErrorOf(res.statusCode ?? 0, await readAll(res), pathAndQuery);
    // The start of a line that continues in the next chunks: a 1.5 MB object arrives in dozens.
    const pending: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: Buffer) => {
        let start = 0;
        let newline = chunk.indexOf(0x0a);
        try {
          while (newline !== -1) {
            if (pending.length > 0) {
              pending.push(chunk.subarray(0, newline));
              onLine(Buffer.concat(pending));
              pending.length = 0;
            } else {
              onLine(chunk.subarray(start, newline));
            }
            start = newline + 1;
            newline = chunk.indexOf(0x0a, start);
          }
        } catch (error) {
          res.destroy();
          reject(error);
          return;
        }
        // Each chunk is a Buffer of its own (the HTTP parser copies bodies out of the socket's
        // buffer), so keeping a view of its tail is safe.
        if (start < chunk.length) pending.push(chunk.subarray(start));
        const wait = options.wait?.();
        if (wait) {
          res.pause();
          void wait.then(() => res.resume());
        }
      });
      // `aborted` is set when the connection closed before the chunked body's last chunk.
      res.on('end', () => (res.complete ? resolve() : reject(new Error('connection closed mid-stream'))));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete)
          reject(new Error(options.signal?.aborted ? 'aborted' : 'connection closed mid-stream'));
      });
    });
    if (pending.length > 0) onLine(Buffer.concat(pending));
  }

  close(): void {
    this.agent.destroy();
  }

  private async request(pathAndQuery: string, options: RequestOptions): Promise<http.IncomingMessage> {
    const url = new URL(pathAndQuery, this.server);
    // The server URL may carry a path prefix (a proxy in front of the API server).
    url.pathname = `${this.server.pathname.replace(/\/$/, '')}${pathAndQuery.split('?')[0]}`;
    const requestOptions: https.RequestOptions = {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers: { Accept: 'application/json', 'User-Agent': RECORD_USER_AGENT },
      agent: this.agent,
    };
    // Asked per request: exec plugins and token files hand out credentials that expire.
    await this.kubeConfig.applyToHTTPSOptions(requestOptions);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(requestOptions, resolve);
      req.on('error', reject);
      if (options.idleTimeoutMs !== undefined) {
        req.setTimeout(options.idleTimeoutMs, () =>
          req.destroy(new Error(`no data for ${options.idleTimeoutMs} ms`)),
        );
      }
      const signal = options.signal;
      if (signal) {
        const onAbort = () => req.destroy(new Error('aborted'));
        if (signal.aborted) onAbort();
        // Removed when done: a recording makes thousands of requests under one signal.
        signal.addEventListener('abort', onAbort, { once: true });
        const remove = () => signal.removeEventListener('abort', onAbort);
        req.on('error', remove);
        req.on('response', (res) => res.on('close', remove));
      }
      req.end();
    });
  }
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function apiErrorOf(status: number, text: string, pathAndQuery: string): ApiError {
  try {
    const body = JSON.parse(text) as { kind?: string; message?: string; reason?: string };
    if (body.kind === 'Status') {
      return new ApiError(
        status,
        body.reason ?? null,
        `GET ${pathAndQuery}: ${status} ${body.message ?? body.reason ?? ''}`,
      );
    }
  } catch {
    // Not a Status: proxies and load balancers answer in plain text or HTML.
  }
  return new ApiError(status, null, `GET ${pathAndQuery}: HTTP ${status} ${text.slice(0, 200)}`);
}
