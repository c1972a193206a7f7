// The `Containers:` and `Init Containers:` sections of describe (a pod's, or a workload's pod
// template's): each container's spec (image, command, ports, resources, probes, env, mounts) and,
// for a pod, its status (state, last state, ready, restart count).

import { child, type DescribeNode, fieldValue, isNone, listOf, someValue } from './describe-tree.ts';
import { parseDescribeDate } from './time-text.ts';

type Json = Record<string, unknown>;

export interface DescribedContainers {
  specs: Json[];
  /** Statuses, for a pod's containers (a template has none). */
  statuses: Json[];
}

/** The containers under a `Containers:` node; statuses only where the describe printed them. */
export function describedContainers(section: DescribeNode | undefined): DescribedContainers {
  const out: DescribedContainers = { specs: [], statuses: [] };
  for (const node of section?.children ?? []) {
    if (node.key === null) continue;
    const fields = node.children;
    out.specs.push(containerSpec(node.key, fields));
    const status = containerStatus(node.key, fields);
    if (status) out.statuses.push(status);
  }
  return out;
}

function containerSpec(name: string, fields: DescribeNode[]): Json {
  const spec: Json = { name };
  const image = fieldValue(fields, 'Image');
  if (image !== undefined) spec.image = image;
  const command = itemsOf(child(fields, 'Command'));
  if (command.length > 0) spec.command = command;
  const args = itemsOf(child(fields, 'Args'));
  if (args.length > 0) spec.args = args;
  const ports = portsOf(
    someValue(fields, 'Ports') ?? someValue(fields, 'Port'),
    someValue(fields, 'Host Ports') ?? someValue(fields, 'Host Port'),
  );
  if (ports.length > 0) spec.ports = ports;
  const limits = resourceList(child(fields, 'Limits'));
  const requests = resourceList(child(fields, 'Requests'));
  if (limits || requests)
    spec.resources = { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
  for (const [key, field] of [
    ['Liveness', 'livenessProbe'],
    ['Readiness', 'readinessProbe'],
    ['Startup', 'startupProbe'],
  ] as const) {
    const probe = parseProbe(someValue(fields, key));
    if (probe) spec[field] = probe;
  }
  const envFrom = envFromOf(child(fields, 'Environment Variables from'));
  if (envFrom.length > 0) spec.envFrom = envFrom;
  const env = envOf(child(fields, 'Environment'));
  if (env.length > 0) spec.env = env;
  const mounts = mountsOf(child(fields, 'Mounts'));
  if (mounts.length > 0) spec.volumeMounts = mounts;
  return spec;
}

function containerStatus(name: string, fields: DescribeNode[]): Json | null {
  // A template's containers have neither a state nor a restart count.
  const state = child(fields, 'State');
  const restarts = fieldValue(fields, 'Restart Count');
  if (!state && restarts === undefined) return null;
  const status: Json = { name };
  const id = someValue(fields, 'Container ID');
  if (id) status.containerID = id;
  const image = someValue(fields, 'Image');
  if (image) status.image = image;
  const imageId = someValue(fields, 'Image ID');
  if (imageId) status.imageID = imageId;
  status.state = stateOf(state) ?? {};
  const last = stateOf(child(fields, 'Last State'));
  status.lastState = last ?? {};
  const ready = fieldValue(fields, 'Ready');
  if (ready === 'True' || ready === 'False') status.ready = ready === 'True';
  if (restarts !== undefined && /^\d+$/.test(restarts)) status.restartCount = Number(restarts);
  // Newer kubectl prints `Started: true|false` for whether the startup probe passed.
  const started = fieldValue(fields, 'Started');
  if (started === 'true' || started === 'false') status.started = started === 'true';
  return status;
}

/** `Running` / `Waiting` / `Terminated` with their details as a core/v1 ContainerState. */
function stateOf(node: DescribeNode | undefined): Json | null {
  if (!node) return null;
  const f = node.children;
  switch (node.value) {
    case 'Running': {
      const startedAt = dateOf(f, 'Started');
      return { running: startedAt ? { startedAt } : {} };
    }
    case 'Waiting': {
      const reason = someValue(f, 'Reason');
      const message = someValue(f, 'Message');
      return { waiting: { ...(reason ? { reason } : {}), ...(message ? { message } : {}) } };
    }
    case 'Terminated': {
      const t: Json = {};
      const reason = someValue(f, 'Reason');
      if (reason) t.reason = reason;
      const message = messageOf(child(f, 'Message'));
      if (message) t.message = message;
      const exit = fieldValue(f, 'Exit Code');
      if (exit !== undefined && /^-?\d+$/.test(exit)) t.exitCode = Number(exit);
      const signal = fieldValue(f, 'Signal');
      if (signal !== undefined && /^\d+$/.test(signal)) t.signal = Number(signal);
      const startedAt = dateOf(f, 'Started');
      if (startedAt) t.startedAt = startedAt;
      const finishedAt = dateOf(f, 'Finished');
      if (finishedAt) t.finishedAt = finishedAt;
      return { terminated: t };
    }
    default:
      return null;
  }
}

function messageOf(node: DescribeNode | undefined): string | undefined {
  if (!node) return undefined;
  const lines = [node.value, ...node.more.map((m) => m.value)].filter((l) => l !== '');
  return lines.length > 0 ? lines.join('\n') : undefined;
}

function dateOf(fields: DescribeNode[], key: string): string | undefined {
  const value = fieldValue(fields, key);
  return value === undefined ? undefined : (parseDescribeDate(value) ?? undefined);
}

/** A list printed one item a line under its key (Command, Args), or inline. */
function itemsOf(node: DescribeNode | undefined): string[] {
  if (!node) return [];
  const items = listOf(node);
  for (const c of node.children) items.push(c.key === null ? c.value : `${c.key}: ${c.value}`.trimEnd());
  return items;
}

/** `80/TCP, 443/TCP` and `0/TCP, 0/TCP` as container ports. */
function portsOf(ports: string | undefined, hostPorts: string | undefined): Json[] {
  if (!ports) return [];
  const hosts = (hostPorts ?? '').split(/,\s*/);
  const out: Json[] = [];
  ports.split(/,\s*/).forEach((p, i) => {
    const m = /^(\d+)\/(\w+)$/.exec(p.trim());
    if (!m) return;
    const port: Json = { containerPort: Number(m[1]), protocol: m[2] };
    const host = /^(\d+)\//.exec(hosts[i] ?? '');
    if (host && host[1] !== '0') port.hostPort = Number(host[1]);
    out.push(port);
  });
  return out;
}

/** `cpu:  100m` lines as a resource list. */
export function resourceList(node: DescribeNode | undefined): Record<string, string> | undefined {
  if (!node) return undefined;
  const out: Record<string, string> = {};
  for (const c of node.children) if (c.key !== null && !isNone(c.value)) out[c.key] = c.value;
  return Object.keys(out).length > 0 ? out : undefined;
}

const PROBE_TIMING_RE = /\s+delay=(\d+)s timeout=(\d+)s period=(\d+)s #success=(\d+) #failure=(\d+)$/;

/** A probe as DescribeProbe prints it: `http-get http://:8080/health delay=…`, `exec [cmd] …`, `tcp-socket :80 …`, `grpc <pod>:9090 …`. */
export function parseProbe(text: string | undefined): Json | null {
  if (!text) return null;
  const timing = PROBE_TIMING_RE.exec(text);
  const what = timing ? text.slice(0, timing.index) : text;
  const probe: Json = {};
  if (timing) {
    probe.initialDelaySeconds = Number(timing[1]);
    probe.timeoutSeconds = Number(timing[2]);
    probe.periodSeconds = Number(timing[3]);
    probe.successThreshold = Number(timing[4]);
    probe.failureThreshold = Number(timing[5]);
  }
  const [kind, ...rest] = what.split(' ');
  const target = rest.join(' ');
  if (kind === 'http-get') {
    try {
      const url = new URL(target.replace(/^(https?):\/\/:/, '$1://localhost:'));
      const host = /^https?:\/\/:/.test(target) ? undefined : url.hostname;
      probe.httpGet = {
        path: url.pathname,
        port: portValue(url.port || (url.protocol === 'https:' ? '443' : '80')),
        scheme: url.protocol === 'https:' ? 'HTTPS' : 'HTTP',
        ...(host ? { host } : {}),
      };
    } catch {
      probe.httpGet = {};
    }
  } else if (kind === 'exec') {
    // `[sh -c exit 1]`: Go prints the command's words with spaces; quoting is lost.
    const inner = /^\[(.*)\]$/.exec(target)?.[1] ?? target;
    probe.exec = { command: inner === '' ? [] : inner.split(' ') };
  } else if (kind === 'tcp-socket') {
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon);
    probe.tcpSocket = { port: portValue(target.slice(colon + 1)), ...(host ? { host } : {}) };
  } else if (kind === 'grpc') {
    const m = /^<pod>:(\d+)(?:\s+(\S+))?/.exec(target);
    probe.grpc = m ? { port: Number(m[1]), ...(m[2] ? { service: m[2] } : {}) } : {};
  }
  return probe;
}

function portValue(port: string): number | string {
  return /^\d+$/.test(port) ? Number(port) : port;
}

/** `NAME:  value`, `NAME:  <set to the key 'k' in secret 's'>  Optional: false`, `NAME:   (v1:metadata.name)`. */
function envOf(node: DescribeNode | undefined): Json[] {
  const out: Json[] = [];
  for (const c of node?.children ?? []) {
    if (c.key === null) continue;
    const value = c.value;
    const secret = /^<set to the key '([^']*)' in secret '([^']*)'>(?:\s+Optional: (true|false))?/.exec(
      value,
    );
    const configMap =
      /^<set to the key '([^']*)' of config map '([^']*)'>(?:\s+Optional: (true|false))?/.exec(value);
    const field = /^(.*?)\s*\(([\w/.-]+):([\w.[\]'/-]+)\)$/.exec(value);
    if (secret) {
      out.push({
        name: c.key,
        valueFrom: { secretKeyRef: { key: secret[1], name: secret[2], optional: secret[3] === 'true' } },
      });
    } else if (configMap) {
      out.push({
        name: c.key,
        valueFrom: {
          configMapKeyRef: { key: configMap[1], name: configMap[2], optional: configMap[3] === 'true' },
        },
      });
    } else if (field) {
      out.push({ name: c.key, valueFrom: { fieldRef: { apiVersion: field[2], fieldPath: field[3] } } });
    } else {
      const more = c.more.map((m) => m.value);
      out.push({ name: c.key, value: [value, ...more].join('\n') });
    }
  }
  return out;
}

/** `name  ConfigMap  Optional: false` and `name  Secret with prefix 'P_'  Optional: true`. */
function envFromOf(node: DescribeNode | undefined): Json[] {
  const out: Json[] = [];
  for (const c of node?.children ?? []) {
    const m = /^(\S+)\s+(ConfigMap|Secret)(?: with prefix '([^']*)')?\s+Optional: (true|false)$/.exec(
      c.value,
    );
    if (!m || c.key !== null) continue;
    const ref = { name: m[1], optional: m[4] === 'true' };
    out.push({
      ...(m[2] === 'ConfigMap' ? { configMapRef: ref } : { secretRef: ref }),
      ...(m[3] ? { prefix: m[3] } : {}),
    });
  }
  return out;
}

/** `/data from redis-storage (rw)`, `/etc/x from cfg (ro,path="x.conf")`. */
function mountsOf(node: DescribeNode | undefined): Json[] {
  const out: Json[] = [];
  for (const c of node?.children ?? []) {
    const text = c.key === null ? c.value : `${c.key}: ${c.value}`;
    const m = /^(\S+) from (\S+) \(([^)]*)\)$/.exec(text);
    if (!m) continue;
    const flags = m[3]!.split(',');
    const subPath = /^path="(.*)"$/.exec(flags.find((f) => f.startsWith('path=')) ?? '')?.[1];
    out.push({
      mountPath: m[1],
      name: m[2],
      ...(flags.includes('ro') ? { readOnly: true } : {}),
      ...(subPath ? { subPath } : {}),
    });
  }
  return out;
}
