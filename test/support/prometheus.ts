// A real Prometheus server for tests (Debian's `prometheus` package: /usr/bin/prometheus and
// /usr/bin/promtool): series written as OpenMetrics text, backfilled into blocks by promtool, then
// served on 127.0.0.1 from a temporary storage directory, optionally behind basic auth.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Agent, fetch } from 'undici';

export const PROMETHEUS_PACKAGE_HINT =
  'skipped: prometheus and promtool are not installed (Debian package `prometheus`: apt-get install prometheus)';

/** The executable's path on $PATH, or null. */
export function findExecutable(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export const PROMETHEUS_BIN = findExecutable('prometheus');
export const PROMTOOL_BIN = findExecutable('promtool');
export const HAVE_PROMETHEUS = PROMETHEUS_BIN !== null && PROMTOOL_BIN !== null;

export interface Series {
  name: string;
  labels: Record<string, string>;
  /** The value at time t (seconds), or null for no sample then. */
  value: (t: number) => number | null;
}

/** OpenMetrics text holding every series sampled every `intervalS` from `startS` to `endS`. */
export function openMetricsText(series: Series[], startS: number, endS: number, intervalS: number): string {
  const lines: string[] = [];
  for (const s of series) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
      .join(',');
    for (let t = startS; t <= endS; t += intervalS) {
      const value = s.value(t);
      if (value !== null) lines.push(`${s.name}{${labels}} ${value} ${t}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

export interface PrometheusServer {
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5s). */
  stop: () => Promise<void>;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Backfills `openMetrics` into `dir`/data with promtool, then starts Prometheus on 127.0.0.1.
 * `basicAuth` is a web config's `basic_auth_users` (user → bcrypt hash).
 */
export async function startPrometheus(options: {
  dir: string;
  openMetrics: string;
  basicAuth?: Record<string, string>;
  /** Credentials for the readiness check when basic auth is on. */
  readyAuth?: { user: string; password: string };
  /** Serve https with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
}): Promise<PrometheusServer> {
  if (!PROMETHEUS_BIN || !PROMTOOL_BIN) throw new Error(PROMETHEUS_PACKAGE_HINT);
  const { dir } = options;
  const input = path.join(dir, 'series.om');
  const data = path.join(dir, 'data');
  writeFileSync(input, options.openMetrics);
  const backfill = spawnSync(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', input, data], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (backfill.status !== 0) throw new Error(`promtool failed: ${backfill.stderr || backfill.stdout}`);
  const config = path.join(dir, 'prometheus.yml');
  // No scrape configuration: the server holds the backfilled series only.
  writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${data}`,
    '--storage.tsdb.retention.time=30d',
    '--log.level=warn',
  ];
  const webConfig: string[] = [];
  if (options.basicAuth) {
    const users = Object.entries(options.basicAuth).map(([user, hash]) => `  ${user}: ${hash}`);
    webConfig.push('basic_auth_users:', ...users);
  }
  if (options.tls) {
    writeFileSync(path.join(dir, 'tls.crt'), options.tls.cert);
    writeFileSync(path.join(dir, 'tls.key'), options.tls.key);
    webConfig.push(
      'tls_server_config:',
      `  cert_file: ${path.join(dir, 'tls.crt')}`,
      `  key_file: ${path.join(dir, 'tls.key')}`,
    );
  }
  if (webConfig.length > 0) {
    writeFileSync(path.join(dir, 'web.yml'), `${webConfig.join('\n')}\n`);
    args.push(`--web.config.file=${path.join(dir, 'web.yml')}`);
  }
  const headers: Record<string, string> = options.readyAuth
    ? {
        authorization: `Basic ${Buffer.from(`${options.readyAuth.user}:${options.readyAuth.password}`).toString('base64')}`,
      }
    : {};
  // Another process may take the free port between finding and binding it: try a few.
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(PROMETHEUS_BIN, [...args, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    // Ready, and ours: a Prometheus another test started on the same port answers /-/ready too
    // while this one is failing to bind, so the answer must name this server's data directory.
    if (
      (await waitReady(child, `${url}/-/ready`, headers, 30_000)) &&
      (await servesData(`${url}/api/v1/status/flags`, headers, data))
    ) {
      return { url, stop: () => stopProcess(child) };
    }
    await stopProcess(child);
    lastError = stderr;
  }
  throw new Error(`Prometheus did not start: ${lastError}`);
}

const UNVERIFIED = new Agent({ connect: { rejectUnauthorized: false } });

async function waitReady(
  child: ChildProcess,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      // The test's own self-signed certificate: readiness only, not what is under test.
      const response = await fetch(url, {
        headers,
        signal: AbortSignal.timeout(1000),
        dispatcher: UNVERIFIED,
      });
      await response.text();
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function servesData(url: string, headers: Record<string, string>, data: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(10_000),
      dispatcher: UNVERIFIED,
    });
    const flags = (await response.json()) as { data?: Record<string, string> };
    return flags.data?.['storage.tsdb.path'] === data;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
