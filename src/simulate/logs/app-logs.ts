// What applications write to stdout/stderr: routine lines per application type, the errors their
// dependencies cause, and crash output in the shape each runtime prints (Go panics, Java stack
// traces, Node.js uncaught exceptions, Python tracebacks).

import type { Rng } from '../engine/rng.ts';
import type { DependencyMode } from '../engine/world.ts';
import type { AppSpec } from '../scenario/schema.ts';

export interface LogLine {
  line: string;
  stream: 'stdout' | 'stderr';
}

/** The request paths of the simulated web apps' access logs (the scale generator's too). */
export const PATHS = [
  '/api/orders',
  '/api/cart',
  '/api/products/42',
  '/api/users/me',
  '/healthz',
  '/api/checkout',
  '/metrics',
];

function json(level: string, msg: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ level, msg, ...fields });
}

export function startupLines(app: AppSpec, container: string, port: number | undefined): LogLine[] {
  switch (app.runtime) {
    case 'java':
      return [
        { line: `Starting ${container} using Java 21.0.5 with PID 1`, stream: 'stdout' },
        { line: `Tomcat started on port ${port ?? 8080} (http) with context path '/'`, stream: 'stdout' },
      ];
    case 'node':
      return [{ line: `server listening on http://0.0.0.0:${port ?? 3000}`, stream: 'stdout' }];
    case 'python':
      return [{ line: `[INFO] Listening at: http://0.0.0.0:${port ?? 8000} (1)`, stream: 'stderr' }];
    default:
      return [
        {
          line: json('info', 'starting server', { addr: `:${port ?? 8080}`, version: 'build-7c1e2f' }),
          stream: 'stderr',
        },
      ];
  }
}

export function routineLine(app: AppSpec, rng: Rng): LogLine {
  switch (app.type) {
    case 'web': {
      const path = rng.pick(PATHS);
      const status = rng.chance(0.01) ? 500 : rng.chance(0.03) ? 404 : 200;
      return {
        line: json('info', 'request completed', {
          method: rng.chance(0.8) ? 'GET' : 'POST',
          path,
          status,
          duration_ms: rng.int(2, 180),
        }),
        stream: 'stdout',
      };
    }
    case 'worker':
      return {
        line: json('info', 'job processed', {
          queue: 'default',
          job_id: rng.hex(12),
          duration_ms: rng.int(20, 900),
        }),
        stream: 'stdout',
      };
    case 'batch':
      return {
        line: json('info', 'progress', { processed: rng.int(100, 10000), batch: rng.int(1, 40) }),
        stream: 'stdout',
      };
    case 'db':
      return {
        line: `LOG:  checkpoint complete: wrote ${rng.int(10, 900)} buffers (${(rng.next() * 3).toFixed(1)}%); 0 WAL file(s) added, 0 removed, 1 recycled`,
        stream: 'stderr',
      };
    case 'dns':
      return {
        line: `[INFO] 10.244.${rng.int(0, 3)}.${rng.int(2, 250)}:${rng.int(30000, 60000)} - ${rng.int(1, 65000)} "A IN orders.shop.svc.cluster.local. udp 48 false 512" NOERROR qr,aa,rd 102 0.000${rng.int(100, 999)}s`,
        stream: 'stdout',
      };
    default:
      return { line: json('info', 'flushed metrics', { series: rng.int(200, 800) }), stream: 'stdout' };
  }
}

/** An error line when a dependency cannot be reached, in the wording of Go's net package. */
export function dependencyErrorLine(app: AppSpec, target: string, mode: DependencyMode, ip: string): LogLine {
  const [host, port] = target.split(':');
  const cause =
    mode === 'dns'
      ? `dial tcp: lookup ${host} on 10.96.0.10:53: no such host`
      : mode === 'timeout'
        ? `dial tcp ${ip}:${port}: i/o timeout`
        : `dial tcp ${ip}:${port}: connect: connection refused`;
  if (app.runtime === 'java')
    return {
      line: `ERROR o.h.engine.jdbc.spi.SqlExceptionHelper - Connection to ${target} refused. (${cause})`,
      stream: 'stdout',
    };
  if (app.runtime === 'node') return { line: `Error: connect ECONNREFUSED ${ip}:${port}`, stream: 'stderr' };
  return { line: json('error', 'request failed', { upstream: target, error: cause }), stream: 'stderr' };
}

/** What a fail-fast app prints before it exits on a dependency it cannot reach. */
export function dependencyFatalLine(app: AppSpec, target: string, mode: DependencyMode, ip: string): LogLine {
  const { line } = dependencyErrorLine(app, target, mode, ip);
  if (app.runtime !== 'go')
    return { line: `FATAL cannot reach ${target}, exiting: ${line}`, stream: 'stderr' };
  const cause = (JSON.parse(line) as { error: string }).error;
  return {
    line: json('fatal', 'cannot reach dependency, exiting', { upstream: target, error: cause }),
    stream: 'stderr',
  };
}

/** What an app that watches its mounted configuration prints when the file changes. */
export function configReloadLine(app: AppSpec, key: string): LogLine {
  if (app.runtime === 'java')
    return {
      line: `INFO  c.e.config.ConfigWatcher - configuration file /etc/config/${key} changed, reloading`,
      stream: 'stdout',
    };
  return {
    line: json('info', 'configuration changed, reloading', { file: `/etc/config/${key}` }),
    stream: 'stderr',
  };
}

/** Crash output for an invalid configuration value. */
export function configPanicLines(app: AppSpec, env: string, value: string): LogLine[] {
  switch (app.runtime) {
    case 'java':
      return [
        {
          line: `Exception in thread "main" java.lang.IllegalArgumentException: invalid ${env}: "${value}"`,
          stream: 'stderr',
        },
        { line: '\tat com.example.config.Settings.load(Settings.java:57)', stream: 'stderr' },
        { line: '\tat com.example.Application.main(Application.java:21)', stream: 'stderr' },
      ];
    case 'node':
      return [
        { line: `/app/dist/config.js:31`, stream: 'stderr' },
        { line: `    throw new Error(\`invalid ${env}: "${value}"\`);`, stream: 'stderr' },
        { line: `Error: invalid ${env}: "${value}"`, stream: 'stderr' },
        { line: '    at loadConfig (/app/dist/config.js:31:11)', stream: 'stderr' },
        { line: 'Node.js v22.11.0', stream: 'stderr' },
      ];
    case 'python':
      return [
        { line: 'Traceback (most recent call last):', stream: 'stderr' },
        { line: '  File "/app/main.py", line 12, in <module>', stream: 'stderr' },
        { line: `ValueError: invalid ${env}: '${value}'`, stream: 'stderr' },
      ];
    default:
      return [
        { line: json('info', 'loading configuration'), stream: 'stderr' },
        { line: `panic: invalid configuration: ${env} "${value}" is not a valid value`, stream: 'stderr' },
        { line: '', stream: 'stderr' },
        { line: 'goroutine 1 [running]:', stream: 'stderr' },
        { line: 'main.mustLoadConfig(...)', stream: 'stderr' },
        { line: '\t/src/cmd/server/config.go:48 +0x2a5', stream: 'stderr' },
        { line: 'main.main()', stream: 'stderr' },
        { line: '\t/src/cmd/server/main.go:23 +0x65', stream: 'stderr' },
      ];
  }
}

/** The exit code the runtime uses for an unhandled error (Go panics exit 2). */
export function panicExitCode(app: AppSpec): number {
  return app.runtime === 'go' ? 2 : 1;
}

/** Lines a leaking process prints as memory grows (caches, GC pressure). */
export function memoryPressureLine(app: AppSpec, usedBytes: number, limitBytes: number): LogLine {
  const pct = Math.round((usedBytes / limitBytes) * 100);
  if (app.runtime === 'java')
    return {
      line: `[gc] Pause Full (G1 Compaction Pause) ${Math.round(usedBytes / 2 ** 20)}M->${Math.round((usedBytes * 0.97) / 2 ** 20)}M(${Math.round(limitBytes / 2 ** 20)}M)`,
      stream: 'stdout',
    };
  return {
    line: json('warn', 'cache size growing', { heap_bytes: Math.round(usedBytes), limit_pct: pct }),
    stream: 'stderr',
  };
}

export function batchEndLines(exitCode: number): LogLine[] {
  if (exitCode === 0) return [{ line: json('info', 'batch finished', { status: 'ok' }), stream: 'stdout' }];
  return [
    {
      line: json('error', 'batch failed', {
        error: 'upstream returned 503 Service Unavailable',
        exit_code: exitCode,
      }),
      stream: 'stderr',
    },
  ];
}

export function shutdownLine(app: AppSpec): LogLine {
  if (app.runtime === 'java')
    return {
      line: 'Commencing graceful shutdown. Waiting for active requests to complete',
      stream: 'stdout',
    };
  return { line: json('info', 'received SIGTERM, shutting down gracefully'), stream: 'stderr' };
}
