// A receiver for kube-apiserver's audit webhook backend: an HTTPS server taking the
// audit.k8s.io/v1 EventList batches the API server POSTs, and the kubeconfig that tells the API
// server where it is (--audit-webhook-config-file). The certificate is the user's or a self-signed
// one for the listen address; a bearer token keeps others from writing into the recording.

import { createPrivateKey, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { KstoryError, messageOf } from '../errors.ts';
import { advertisedHost, selfSignedCertificate } from '../kube/certificate.ts';

export interface AuditWebhookOptions {
  /** `:8443`, `8443`, `0.0.0.0:8443`, `127.0.0.1:8443`, `[::1]:8443`, `host.example:8443`. */
  listen: string;
  /** PEM files of the server certificate (with its chain) and key; self-signed when absent. */
  certFile?: string;
  keyFile?: string;
  /** The bearer token the API server must send; generated when absent. */
  token?: string;
  /** Write the API server's webhook kubeconfig here (and, for a generated certificate, its key
   * beside it as `<file>.key`, so that the next recording keeps the same certificate and token). */
  configFile?: string;
  /** Bodies above this are refused with 413. */
  maxBodyBytes?: number;
}

export interface WebhookHandlers {
  /** The items of one EventList (or a single Event), in order. */
  events(items: unknown[], apiVersion: string): void;
  /** A request refused (status 0: a connection whose TLS handshake failed): `reason` says why, for a warning. */
  rejected(status: number, reason: string): void;
}

export interface WebhookStats {
  requests: number;
  events: number;
  rejected: number;
}

/** Batches of kube-apiserver are small (--audit-webhook-batch-max-size 400 entries); bodies above this are not audit. */
export const DEFAULT_MAX_BODY_BYTES = 64 << 20;

export interface ListenAddress {
  /** What the server binds to. */
  host: string;
  port: number;
}

/** `ADDR` of --audit-webhook: a bare port or `:port` binds to 127.0.0.1 (only this machine can reach it). */
export function parseListenAddress(addr: string): ListenAddress {
  const text = addr.trim();
  // `[v6]:port`, `host:port`, `:port`, or a bare port.
  const match = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new KstoryError(`${addr}: expected [HOST:]PORT, e.g. :8443 or 0.0.0.0:8443`, {
      option: 'auditWebhook',
    });
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** A kubeconfig for the API server's webhook backend. */
export function webhookKubeconfig(p: { url: string; caPem: string; token: string }): string {
  return `# kube-apiserver audit webhook configuration, written by kstory record. Give it to the API server
# with --audit-webhook-config-file=<this file> --audit-webhook-mode=batch
apiVersion: v1
kind: Config
clusters:
  - name: kstory
    cluster:
      server: ${p.url}
      certificate-authority-data: ${Buffer.from(p.caPem).toString('base64')}
users:
  - name: kube-apiserver
    user:
      token: ${p.token}
contexts:
  - name: kstory
    context:
      cluster: kstory
      user: kube-apiserver
current-context: kstory
`;
}

interface Tls {
  cert: string;
  key: string;
  /** How the certificate came to be, for the user. */
  how: string;
}

export class AuditWebhookServer {
  readonly stats: WebhookStats = { requests: 0, events: 0, rejected: 0 };
  private readonly inFlight = new Set<Promise<void>>();

  private constructor(
    private readonly server: Server,
    /** The URL the API server is to use. */
    readonly url: string,
    /** The kubeconfig to give the API server. */
    readonly kubeconfig: string,
    /** How the certificate came to be: the user's files, generated, or reused. */
    readonly certificate: string,
    private readonly token: Buffer,
    private readonly maxBodyBytes: number,
    private readonly handlers: WebhookHandlers,
  ) {}

  static async start(options: AuditWebhookOptions, handlers: WebhookHandlers): Promise<AuditWebhookServer> {
    const address = parseListenAddress(options.listen);
    const advertised = advertisedHost(address.host);
    const reuse = options.certFile ? null : readPrevious(options.configFile, advertised);
    const tls = await certificateFor(options, advertised, reuse);
    const token = options.token ?? reuse?.token ?? randomBytes(24).toString('hex');
    let self: AuditWebhookServer | null = null;
    const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => self?.handle(req, res));
    // The API server sends a batch at most every --audit-webhook-batch-max-wait (30s); a request
    // that takes longer than this to arrive is not one.
    server.requestTimeout = 60_000;
    server.headersTimeout = 30_000;
    // Most often an API server that does not trust the certificate: worth a warning.
    server.on('tlsClientError', (error) => handlers.rejected(0, `TLS handshake failed: ${messageOf(error)}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          new KstoryError(`cannot listen on ${options.listen} for the audit webhook: ${messageOf(error)}`, {
            hint:
              error.code === 'EADDRINUSE'
                ? 'Another program uses that port: choose another one, e.g. --audit-webhook :9443.'
                : error.code === 'EACCES'
                  ? 'Ports below 1024 need root: choose one above, e.g. --audit-webhook :8443.'
                  : 'Check the address is one of this machine’s.',
          }),
        );
      };
      server.once('error', onError);
      server.listen(address.port, address.host, () => {
        server.removeListener('error', onError);
        resolve();
      });
    });
    const port = (server.address() as { port: number }).port;
    const url = `https://${isIP(advertised) === 6 ? `[${advertised}]` : advertised}:${port}/`;
    const kubeconfig = webhookKubeconfig({ url, caPem: tls.cert, token });
    try {
      if (options.configFile) {
        writeFileSync(options.configFile, kubeconfig, { mode: 0o600 });
        if (tls.how === 'generated') writeFileSync(`${options.configFile}.key`, tls.key, { mode: 0o600 });
      }
    } catch (error) {
      server.close();
      throw new KstoryError(`cannot write ${options.configFile}: ${messageOf(error)}`);
    }
    self = new AuditWebhookServer(
      server,
      url,
      kubeconfig,
      tls.how,
      Buffer.from(token),
      options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      handlers,
    );
    return self;
  }

  /** Stop taking requests; those already in progress finish first (a second at most). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), 1000);
    await Promise.allSettled([...this.inFlight]);
    await closed;
    clearTimeout(timer);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++;
    const done = this.receive(req, res).catch(() => {});
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return this.refuse(req, res, 405, `method ${req.method} (expected POST)`);
    if (!this.authorized(req.headers.authorization)) {
      return this.refuse(req, res, 401, 'no or wrong bearer token');
    }
    const declared = Number(req.headers['content-length']);
    if (declared > this.maxBodyBytes) return this.refuse(req, res, 413, `body of ${declared} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBodyBytes) return this.refuse(req, res, 413, `body over ${this.maxBodyBytes} bytes`);
      chunks.push(chunk);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      return this.refuse(req, res, 400, `invalid JSON (${messageOf(error)})`);
    }
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const apiVersion = typeof b.apiVersion === 'string' ? b.apiVersion : '';
    if (!apiVersion.startsWith('audit.k8s.io/')) {
      return this.refuse(req, res, 400, 'not an audit.k8s.io EventList');
    }
    const items =
      b.kind === 'EventList' && Array.isArray(b.items) ? b.items : b.kind === 'Event' ? [b] : null;
    if (items === null) return this.refuse(req, res, 400, `kind ${String(b.kind)} (expected EventList)`);
    this.stats.events += items.length;
    try {
      this.handlers.events(items, apiVersion);
    } catch (error) {
      // A bug, not the API server's fault: it will send the batch again.
      return this.refuse(req, res, 500, messageOf(error));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1]!.trim());
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  private refuse(req: IncomingMessage, res: ServerResponse, status: number, reason: string): void {
    this.stats.rejected++;
    this.handlers.rejected(status, reason);
    // A body left unread would be taken for the next request on a kept-alive connection.
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
    res.end(`${reason}\n`, () => req.destroy());
  }
}

interface Previous {
  cert: string;
  key: string;
  token: string | undefined;
}

/** The certificate, key and token of an earlier recording's config file, when still good for this address. */
function readPrevious(configFile: string | undefined, advertised: string): Previous | null {
  if (!configFile || !existsSync(configFile) || !existsSync(`${configFile}.key`)) return null;
  try {
    const config = parseYaml(readFileSync(configFile, 'utf8')) as {
      clusters?: { cluster?: Record<string, string> }[];
      users?: { user?: Record<string, string> }[];
    };
    const caData = config.clusters?.[0]?.cluster?.['certificate-authority-data'];
    if (!caData) return null;
    const cert = Buffer.from(caData, 'base64').toString('utf8');
    const x509 = new X509Certificate(cert);
    const covers = isIP(advertised) ? x509.checkIP(advertised) : x509.checkHost(advertised);
    if (!covers || Date.parse(x509.validTo) < Date.now() + 86_400_000) return null;
    const key = readFileSync(`${configFile}.key`, 'utf8');
    if (!x509.checkPrivateKey(createPrivateKey(key))) return null;
    return { cert, key, token: config.users?.[0]?.user?.token };
  } catch {
    return null;
  }
}

async function certificateFor(
  options: AuditWebhookOptions,
  advertised: string,
  reuse: Previous | null,
): Promise<Tls> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) {
      throw new KstoryError('--audit-webhook-cert and --audit-webhook-key go together', {
        hint: 'Give both PEM files, or neither for a self-signed certificate.',
      });
    }
    let cert: string;
    let key: string;
    try {
      cert = readFileSync(options.certFile, 'utf8');
      key = readFileSync(options.keyFile, 'utf8');
    } catch (error) {
      throw new KstoryError(`cannot read the audit webhook certificate: ${messageOf(error)}`);
    }
    return { cert, key, how: `the certificate of ${options.certFile}` };
  }
  if (reuse) return { cert: reuse.cert, key: reuse.key, how: `the certificate of ${options.configFile}` };
  const pair = await selfSignedCertificate({
    commonName: `kstory audit webhook ${advertised}`,
    bindHost: parseListenAddress(options.listen).host,
    advertised,
  });
  return { ...pair, how: 'generated' };
}
