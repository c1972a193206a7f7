// A small client for Prometheus' HTTP API (`/api/v1/query_range`), for `kstory record --prometheus`:
// bearer token or basic auth, a timeout per request, and errors sorted into those of one query
// and those of the server (unreachable, refused credentials), which make asking further pointless.

import { readFileSync } from 'node:fs';
import { Agent, fetch, type Response } from 'undici';
import { KstoryError, messageOf } from '../errors.ts';
import { RECORD_USER_AGENT } from './client.ts';

export interface PrometheusConnection {
  /** Base URL, e.g. `http://prometheus.monitoring:9090` or `https://host/prometheus/`; may hold user:password. */
  url: string;
  /** Bearer token. */
  token?: string;
  /** File holding the bearer token; read again for each round of queries, as rotated tokens are. */
  tokenFile?: string;
  /** Basic auth user; the password comes from `passwordFile` or the URL. */
  user?: string;
  passwordFile?: string;
  /** Per request; default 30s. */
  timeoutMs?: number;
  /** PEM file of the certificate authorities to trust for an https URL, instead of the system's. */
  caFile?: string;
  /** Accept any certificate of an https URL (a test cluster's self-signed one): no verification. */
  insecureSkipTlsVerify?: boolean;
}

export type MatrixData = { resultType: 'matrix'; result: unknown[] } & Record<string, unknown>;

/**
 * `server`: every query would fail the same way (cannot connect, credentials refused, not a
 * Prometheus at that URL); `query`: this query failed (bad PromQL, too many samples, its timeout);
 * `permanent` marks a query that asking again cannot fix.
 */
export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  constructor(
    message: string,
    readonly scope: 'server' | 'query',
    readonly permanent = false,
  ) {
    super(message);
  }
}

export type AuthKind = 'bearer' | 'basic' | 'none';

const DEFAULT_TIMEOUT_MS = 30_000;

export class PrometheusClient {
  /** The URL without credentials: what logs and the bundle's metadata show. */
  readonly displayUrl: string;
  readonly auth: AuthKind;
  private readonly endpoint: URL;
  private readonly basic: string | null;
  private token: string | null;
  private usePost = true;
  /** Connections to the server, with the TLS settings given. */
  private readonly dispatcher: Agent;
  /** Warnings Prometheus attached to answers, each reported once. */
  readonly warnings = new Set<string>();

  private constructor(
    private readonly options: PrometheusConnection,
    base: URL,
    basic: string | null,
    token: string | null,
    ca: string | undefined,
  ) {
    this.dispatcher = new Agent({
      connect: {
        ...(ca !== undefined ? { ca } : {}),
        rejectUnauthorized: options.insecureSkipTlsVerify !== true,
      },
    });
    this.displayUrl = base.href;
    this.endpoint = new URL('api/v1/query_range', base);
    this.basic = basic;
    this.token = token;
    this.auth = token !== null ? 'bearer' : basic !== null ? 'basic' : 'none';
  }

  /** Checks the URL and reads the credential files; mistakes are the user's to fix (exit 2). */
  static create(options: PrometheusConnection): PrometheusClient {
    const hint = 'Give the base URL of Prometheus, e.g. --prometheus http://prometheus.monitoring:9090';
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new KstoryError(`--prometheus "${options.url}" is not a URL`, { hint });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new KstoryError(`--prometheus "${url.protocol}" URLs are not supported: use http or https`, {
        hint,
      });
    }
    const urlUser = decodeURIComponent(url.username);
    const urlPassword = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    url.hash = '';
    if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
    if (options.token !== undefined && options.tokenFile !== undefined) {
      throw new KstoryError('--prometheus-token and --prometheus-token-file cannot be used together');
    }
    const user = options.user ?? (urlUser || undefined);
    if (options.passwordFile !== undefined && user === undefined) {
      throw new KstoryError('--prometheus-password-file needs --prometheus-user');
    }
    const password =
      options.passwordFile !== undefined
        ? readSecretFile(options.passwordFile, '--prometheus-password-file')
        : urlPassword;
    if (user !== undefined && options.passwordFile === undefined && urlPassword === '') {
      throw new KstoryError(`--prometheus-user ${user} has no password`, {
        hint: 'Put it in a file for --prometheus-password-file, or in the URL: http://user:password@host:9090',
      });
    }
    const hasToken = options.token !== undefined || options.tokenFile !== undefined;
    if (hasToken && user !== undefined) {
      throw new KstoryError('a Prometheus bearer token and basic auth cannot be used together', {
        hint: 'Use either --prometheus-token(-file) or --prometheus-user (or user:password in the URL).',
      });
    }
    const token =
      options.tokenFile !== undefined
        ? readSecretFile(options.tokenFile, '--prometheus-token-file')
        : (options.token ?? null);
    if (token === '') throw new KstoryError('the Prometheus bearer token is empty');
    const basic = user !== undefined ? Buffer.from(`${user}:${password}`).toString('base64') : null;
    if (url.protocol === 'http:' && (options.caFile !== undefined || options.insecureSkipTlsVerify)) {
      throw new KstoryError(
        `--prometheus-ca and --prometheus-insecure-skip-tls-verify apply to https URLs, not ${url.href}`,
      );
    }
    if (options.caFile !== undefined && options.insecureSkipTlsVerify) {
      throw new KstoryError(
        '--prometheus-ca and --prometheus-insecure-skip-tls-verify cannot be used together',
      );
    }
    const ca = options.caFile !== undefined ? readCaFile(options.caFile) : undefined;
    return new PrometheusClient(options, url, basic, token, ca);
  }

  /** Close the connections kept open for the next query. */
  close(): void {
    void this.dispatcher.close().catch(() => {});
  }

  /** Reads a rotated token again; keeps the one it has when the file cannot be read now. */
  refreshToken(): void {
    if (this.options.tokenFile === undefined) return;
    try {
      const token = readFileSync(this.options.tokenFile, 'utf8').trim();
      if (token !== '') this.token = token;
    } catch {
      // A token file being replaced may be missing for an instant; the previous token still works.
    }
  }

  /** One range query: points start, start+step, … ≤ end (seconds). */
  async queryRange(
    query: string,
    range: { start: number; end: number; step: number },
    signal?: AbortSignal,
  ): Promise<MatrixData> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const params = new URLSearchParams({
      query,
      start: String(range.start),
      end: String(range.end),
      step: String(range.step),
      // Prometheus gives up at the same time as we do, rather than computing an answer nobody reads.
      timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
    });
    let response = await this.send(params, timeoutMs, signal);
    if (response.status === 405 && this.usePost) {
      // A proxy in front of Prometheus that allows GET only.
      this.usePost = false;
      response = await this.send(params, timeoutMs, signal);
    }
    const text = await readBody(response, timeoutMs);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw httpError(response, text, this.displayUrl);
    }
    if (!isRecord(body) || (body.status !== 'success' && body.status !== 'error')) {
      throw httpError(response, text, this.displayUrl);
    }
    for (const warning of asStrings(body.warnings)) this.warnings.add(warning);
    if (body.status === 'error') {
      const type = typeof body.errorType === 'string' ? body.errorType : 'error';
      const message = `${type}: ${typeof body.error === 'string' ? body.error : 'no detail'}`;
      // bad_data: the query or its parameters are wrong; asking again gives the same answer.
      throw new PrometheusError(message, 'query', type === 'bad_data');
    }
    const data = body.data;
    if (!isRecord(data) || data.resultType !== 'matrix' || !Array.isArray(data.result)) {
      const type = isRecord(data) ? String(data.resultType) : 'none';
      throw new PrometheusError(`expected a matrix result, got ${type}`, 'query', true);
    }
    return data as MatrixData;
  }

  private async send(params: URLSearchParams, timeoutMs: number, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': RECORD_USER_AGENT };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    else if (this.basic !== null) headers.authorization = `Basic ${this.basic}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      if (this.usePost) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        return await fetch(this.endpoint, {
          method: 'POST',
          headers,
          body: params,
          signal: combined,
          dispatcher: this.dispatcher,
        });
      }
      return await fetch(`${this.endpoint.href}?${params}`, {
        headers,
        signal: combined,
        dispatcher: this.dispatcher,
      });
    } catch (error) {
      if (signal?.aborted) throw new PrometheusError('stopped', 'server');
      if (timeout.aborted) {
        throw new PrometheusError(`no answer within ${formatSeconds(timeoutMs)}`, 'query');
      }
      throw new PrometheusError(`cannot connect to ${this.displayUrl}: ${networkReason(error)}`, 'server');
    }
  }
}

/** The body, bounded by the same timeout (a server may send headers, then stall). */
async function readBody(response: Response, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new PrometheusError(`no answer within ${formatSeconds(timeoutMs)}`, 'query'));
      void response.body?.cancel().catch(() => {});
    }, timeoutMs);
  });
  try {
    return await Promise.race([response.text(), stalled]);
  } catch (error) {
    if (error instanceof PrometheusError) throw error;
    throw new PrometheusError(`the answer broke off: ${messageOf(error)}`, 'query');
  } finally {
    clearTimeout(timer);
  }
}

/** An answer that is not Prometheus JSON: a proxy's error page, a login redirect, a wrong path. */
function httpError(response: Response, text: string, url: string): PrometheusError {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.status === 401 || response.status === 403) {
    return new PrometheusError(
      `${status}: the credentials were refused (--prometheus-token, --prometheus-user)`,
      'server',
    );
  }
  if (response.ok || response.status === 404) {
    return new PrometheusError(`${status}: ${url} does not answer like Prometheus' HTTP API`, 'server');
  }
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  // A gateway error (502, 503, 504) says the server behind it is down for now: for every query.
  return new PrometheusError(
    `${status}${excerpt ? `: ${excerpt}` : ''}`,
    response.status >= 500 ? 'server' : 'query',
  );
}

function networkReason(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code ?? cause?.message ?? messageOf(error);
  // Certificate problems are the user's to settle, and say how.
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `${code} (give the CA that signed its certificate with --prometheus-ca FILE)`;
  }
  return code;
}

/** A PEM bundle of certificate authorities; refused early when it holds no certificate. */
function readCaFile(file: string): string {
  const pem = readSecretFile(file, '--prometheus-ca');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new KstoryError(`--prometheus-ca ${file}: no PEM certificate in it`, {
      hint: 'Give the CA certificate(s) in PEM form (-----BEGIN CERTIFICATE-----).',
    });
  }
  return pem;
}

function readSecretFile(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new KstoryError(`${flag} ${file}: ${messageOf(error)}`);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
