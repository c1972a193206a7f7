// What a cluster says about itself besides objects: log lines in the styles real workloads write
// (JSON, logfmt, klog, access logs, Java and Python stack traces) and the labels that
// kube-state-metrics and cAdvisor put on samples.

import { HTTP_PATHS, JAVA_EXCEPTIONS, JAVA_FRAMES, type LogStyle, PYTHON_ERRORS, TEAMS } from './catalog.ts';
import type { ContainerStatus, PodState } from './kube.ts';
import type { Rng } from './prng.ts';
import { isoMillis } from './time.ts';

const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'];
const STATUSES = [200, 200, 200, 200, 200, 200, 201, 204, 304, 400, 404, 409, 500, 502, 503];
const MESSAGES = [
  'request completed',
  'request completed',
  'request completed',
  'cache miss',
  'order created',
  'payment authorised',
  'message published',
  'message consumed',
  'upstream call failed, retrying',
  'connection pool exhausted, waiting',
  'slow query',
  'rate limit exceeded',
];
const KLOG_FILES = [
  'controller.go:287',
  'reconciler.go:143',
  'leaderelection.go:258',
  'reflector.go:359',
  'server.go:102',
  'cache.go:531',
];
const KLOG_MESSAGES = [
  '"Reconciling" controller="{c}" namespace="{ns}" name="{name}" reconcileID="{id}"',
  '"Reconciled object" controller="{c}" namespace="{ns}" name="{name}" duration="{ms}ms"',
  'successfully renewed lease {ns}/{c}',
  'Watch close - *v1.ConfigMap total {n} items received',
  '"Observed a panic in reconciler" panic="runtime error: invalid memory address or nil pointer dereference"',
  '"Failed to update status" err="Operation cannot be fulfilled on {c}s \\"{name}\\": the object has been modified; please apply your changes to the latest version and try again"',
];

function path(rng: Rng): string {
  return rng.pick(HTTP_PATHS).replace('{id}', String(rng.int(1000, 999_999)));
}

function ip(rng: Rng): string {
  return `10.244.${rng.int(0, 63)}.${rng.int(2, 254)}`;
}

/** One line for a container, or the first line of a multi-line trace (the rest is queued on the container). */
export function logLine(
  rng: Rng,
  now: number,
  pod: PodState,
  c: ContainerStatus,
): { line: string; stream: 'stdout' | 'stderr' } {
  const style: LogStyle = c.tpl.style;
  const status = rng.pick(STATUSES);
  const method = rng.pick(METHODS);
  const latency = rng.exp(35);
  switch (style) {
    case 'json': {
      const msg = rng.pick(MESSAGES);
      const level = status >= 500 ? 'error' : msg.includes('retry') || msg.includes('slow') ? 'warn' : 'info';
      return {
        line: JSON.stringify({
          level,
          ts: isoMillis(now),
          caller: `${rng.pick(['http', 'handler', 'store', 'queue'])}/${rng.pick(['server', 'orders', 'client', 'worker'])}.go:${rng.int(40, 400)}`,
          msg,
          service: pod.app.name,
          method,
          path: path(rng),
          status,
          duration_ms: Math.round(latency * 100) / 100,
          trace_id: rng.hex(32),
          span_id: rng.hex(16),
        }),
        stream: level === 'error' ? 'stderr' : 'stdout',
      };
    }
    case 'logfmt': {
      const msg = rng.pick(MESSAGES);
      return {
        line: `time=${isoMillis(now)} level=${status >= 500 ? 'error' : 'info'} msg="${msg}" method=${method} path=${path(rng)} status=${status} duration=${latency.toFixed(3)}ms request_id=${rng.hex(16)}`,
        stream: 'stdout',
      };
    }
    case 'klog': {
      const d = new Date(now);
      const pad = (n: number, w = 2) => String(n).padStart(w, '0');
      const severity = rng.chance(0.9) ? 'I' : rng.chance(0.7) ? 'W' : 'E';
      const text = rng
        .pick(KLOG_MESSAGES)
        .replace('{c}', pod.app.name.split('-').at(-1)!)
        .replaceAll('{ns}', rng.pick(TEAMS))
        .replaceAll('{name}', `${rng.pick(TEAMS)}-${rng.suffix(5)}`)
        .replace('{id}', rng.uuid())
        .replace('{ms}', latency.toFixed(1))
        .replace('{n}', String(rng.int(1, 400)));
      return {
        line: `${severity}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${rng.int(0, 999).toString().padStart(3, '0')}       1 ${rng.pick(KLOG_FILES)}] ${text}`,
        stream: 'stderr',
      };
    }
    case 'nginx': {
      const d = new Date(now).toUTCString().split(' ');
      return {
        line: `[${isoMillis(now)}] "${method} ${path(rng)} HTTP/1.1" ${status} - via_upstream - "-" ${rng.int(0, 4000)} ${rng.int(80, 90_000)} ${Math.round(latency)} ${Math.round(latency * 0.9)} "${ip(rng)}" "${rng.pick(['Go-http-client/1.1', 'okhttp/4.12.0', 'Mozilla/5.0 (X11; Linux x86_64)', 'python-requests/2.32.3'])}" "${rng.uuid()}" "${pod.app.name}.${pod.app.namespace}:80" "${ip(rng)}:8080" ${d[4]}`,
        stream: 'stdout',
      };
    }
    case 'java': {
      const ts = isoMillis(now).replace('T', ' ').replace('Z', '');
      const thread = `http-nio-8080-exec-${rng.int(1, 200)}`;
      if (rng.chance(0.04)) {
        const exception = rng.pick(JAVA_EXCEPTIONS).replace('{id}', String(rng.int(10_000, 99_999)));
        const frames = JAVA_FRAMES.slice(rng.int(0, 4), rng.int(9, JAVA_FRAMES.length));
        c.pendingLines.push(
          exception,
          `\tat com.acme.${pod.app.team}.${rng.pick(['OrderService', 'PaymentClient', 'CartController'])}.${rng.pick(['handle', 'process', 'submit'])}(${rng.pick(['OrderService', 'PaymentClient', 'CartController'])}.java:${rng.int(30, 400)})`,
          ...frames.map((f) => `\tat ${f}`),
          `\t... ${rng.int(20, 90)} common frames omitted`,
        );
        return {
          line: `${ts} ERROR 1 --- [${thread}] c.a.${pod.app.team}.web.ErrorHandler : Request processing failed [traceId=${rng.hex(32)}]`,
          stream: 'stdout',
        };
      }
      return {
        line: `${ts}  ${status >= 500 ? 'WARN' : 'INFO'} 1 --- [${thread}] c.a.${pod.app.team}.web.RequestLogger : ${method} ${path(rng)} -> ${status} in ${Math.round(latency)} ms [traceId=${rng.hex(32)}]`,
        stream: 'stdout',
      };
    }
    case 'python': {
      if (rng.chance(0.03)) {
        const error = rng.pick(PYTHON_ERRORS);
        c.pendingLines.push(
          '  File "/app/.venv/lib/python3.12/site-packages/starlette/middleware/errors.py", line 165, in __call__',
          '    await self.app(scope, receive, _send)',
          `  File "/app/${pod.app.team}/api/routes.py", line ${rng.int(20, 300)}, in ${rng.pick(['create_order', 'get_customer', 'list_items'])}`,
          `    result = await service.${rng.pick(['fetch', 'save', 'publish'])}(payload)`,
          `  File "/app/${pod.app.team}/service.py", line ${rng.int(20, 300)}, in ${rng.pick(['fetch', 'save', 'publish'])}`,
          '    return await self.repo.execute(query)',
          error,
        );
        return { line: 'Traceback (most recent call last):', stream: 'stderr' };
      }
      return {
        line: `INFO:     ${ip(rng)}:${rng.int(30_000, 65_000)} - "${method} ${path(rng)} HTTP/1.1" ${status} ${status < 400 ? 'OK' : 'Error'}`,
        stream: 'stdout',
      };
    }
  }
}

/** The last lines a crashed container wrote: what `kubectl logs --previous` shows. */
export function crashLines(rng: Rng, now: number, c: ContainerStatus, reason: string): string[] {
  if (reason === 'OOMKilled') {
    return c.tpl.style === 'java'
      ? [
          'java.lang.OutOfMemoryError: Java heap space',
          'Terminating due to java.lang.OutOfMemoryError: Java heap space',
        ]
      : [
          `fatal error: runtime: out of memory`,
          `runtime stack:`,
          `runtime.throw({0x1a2b3c4, 0x16})`,
          `\t/usr/local/go/src/runtime/panic.go:1023 +0x5c fp=0x7ffd${rng.hex(8)} sp=0x7ffd${rng.hex(8)} pc=0x${rng.hex(6)}`,
        ];
  }
  return [
    `{"level":"error","ts":"${isoMillis(now - 1500)}","msg":"failed to connect to database","error":"dial tcp 172.20.${rng.int(0, 255)}.${rng.int(1, 254)}:5432: connect: connection refused","attempt":${rng.int(1, 5)}}`,
    `{"level":"fatal","ts":"${isoMillis(now - 20)}","msg":"startup failed, exiting","error":"context deadline exceeded"}`,
  ];
}

/** `/kubepods.slice/...` cgroup path cAdvisor puts in the `id` label. */
export function cgroupId(pod: PodState, containerId: string | null): string {
  const podPart = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${pod.uid.replaceAll('-', '_')}.slice`;
  return containerId
    ? `${podPart}/cri-containerd-${containerId.replace('containerd://', '')}.scope`
    : podPart;
}
