// `kubectl describe pod`: the pod's placement and status, each container's state, last state,
// restarts, resources, probes, environment and mounts, conditions, volumes, QoS, tolerations, events.

import type { DescribeInput } from '../../serve/describe.ts';
import { controlledBy, eventsTable, labelsAndAnnotations, resourceList, rfc1123, since } from './common.ts';
import { arr, type Json, rec, str } from './fields.ts';
import { DescribeWriter } from './writer.ts';

function probe(p: Json | undefined): string | null {
  if (!p) return null;
  const timing = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
  const http = rec(p.httpGet);
  if (http) {
    const scheme = String(http.scheme ?? 'HTTP').toLowerCase();
    return `http-get ${scheme}://${str(http.host) ?? ''}:${http.port}${str(http.path) ?? ''} ${timing}`;
  }
  const tcp = rec(p.tcpSocket);
  if (tcp) return `tcp-socket ${str(tcp.host) ?? ''}:${tcp.port} ${timing}`;
  const exec = rec(p.exec);
  if (exec) return `exec [${arr(exec.command).map(String).join(' ')}] ${timing}`;
  const grpc = rec(p.grpc);
  if (grpc) return `grpc <pod>:${grpc.port} ${str(grpc.service) ?? ''} ${timing}`;
  return `unknown ${timing}`;
}

function envValue(e: Json): string {
  if (e.value !== undefined) return String(e.value);
  const from = rec(e.valueFrom) ?? {};
  const secret = rec(from.secretKeyRef);
  if (secret)
    return `<set to the key '${secret.key}' in secret '${secret.name}'>  Optional: ${secret.optional === true}`;
  const cm = rec(from.configMapKeyRef);
  if (cm) return `<set to the key '${cm.key}' of config map '${cm.name}'>  Optional: ${cm.optional === true}`;
  const field = rec(from.fieldRef);
  if (field) return ` (${field.apiVersion ?? 'v1'}:${field.fieldPath})`;
  const resource = rec(from.resourceFieldRef);
  if (resource) return `${resource.resource}`;
  return '';
}

function stateLines(w: DescribeWriter, level: number, key: string, state: Json | undefined): void {
  const running = rec(state?.running);
  const waiting = rec(state?.waiting);
  const terminated = rec(state?.terminated);
  if (running) {
    w.line(level, `${key}:`, 'Running');
    w.line(level + 1, 'Started:', rfc1123(running.startedAt));
  } else if (waiting) {
    w.line(level, `${key}:`, 'Waiting');
    if (str(waiting.reason)) w.line(level + 1, 'Reason:', String(waiting.reason));
  } else if (terminated) {
    w.line(level, `${key}:`, 'Terminated');
    if (str(terminated.reason)) w.line(level + 1, 'Reason:', String(terminated.reason));
    if (str(terminated.message)) w.line(level + 1, 'Message:', String(terminated.message));
    w.line(level + 1, 'Exit Code:', String(terminated.exitCode ?? 0));
    if (Number(terminated.signal ?? 0) > 0) w.line(level + 1, 'Signal:', String(terminated.signal));
    w.line(level + 1, 'Started:', rfc1123(terminated.startedAt));
    w.line(level + 1, 'Finished:', rfc1123(terminated.finishedAt));
  } else {
    w.line(level, `${key}:`, key === 'State' ? 'Waiting' : '');
  }
}

function containers(w: DescribeWriter, title: string, specs: unknown[], statuses: unknown[]): void {
  if (specs.length === 0) return;
  w.line(0, `${title}:`);
  for (const spec of specs.map((s) => rec(s) ?? {})) {
    const status = statuses.map(rec).find((s) => s?.name === spec.name) ?? {};
    w.line(1, `${String(spec.name)}:`);
    w.field(2, 'Container ID', str(status.containerID) ?? '');
    w.field(2, 'Image', str(spec.image));
    w.field(2, 'Image ID', str(status.imageID) ?? '');
    const ports = arr(spec.ports).map((p) => rec(p) ?? {});
    if (ports.length === 0) {
      w.field(2, 'Port', '<none>');
      w.field(2, 'Host Port', '<none>');
    } else {
      const one = (p: Json, key: string) => `${p[key] ?? 0}/${p.protocol ?? 'TCP'}`;
      w.field(2, ports.length > 1 ? 'Ports' : 'Port', ports.map((p) => one(p, 'containerPort')).join(', '));
      w.field(
        2,
        ports.length > 1 ? 'Host Ports' : 'Host Port',
        ports.map((p) => one(p, 'hostPort')).join(', '),
      );
    }
    if (arr(spec.command).length > 0) {
      w.line(2, 'Command:');
      for (const c of arr(spec.command)) w.line(3, String(c));
    }
    if (arr(spec.args).length > 0) {
      w.line(2, 'Args:');
      for (const a of arr(spec.args)) w.line(3, String(a));
    }
    stateLines(w, 2, 'State', rec(status.state));
    if (rec(status.lastState) && Object.keys(rec(status.lastState)!).length > 0)
      stateLines(w, 2, 'Last State', rec(status.lastState));
    w.field(2, 'Ready', status.ready === true ? 'True' : 'False');
    w.field(2, 'Restart Count', Number(status.restartCount ?? 0));
    const resources = rec(spec.resources) ?? {};
    resourceList(w, 2, 'Limits', resources.limits);
    resourceList(w, 2, 'Requests', resources.requests);
    for (const [key, name] of [
      ['livenessProbe', 'Liveness'],
      ['readinessProbe', 'Readiness'],
      ['startupProbe', 'Startup'],
    ] as const) {
      const text = probe(rec(spec[key]));
      if (text) w.field(2, name, text);
    }
    const env = arr(spec.env).map((e) => rec(e) ?? {});
    if (env.length === 0 && arr(spec.envFrom).length === 0) w.field(2, 'Environment', '<none>');
    else {
      w.line(2, 'Environment:');
      for (const e of env) w.line(3, `${String(e.name)}:`, envValue(e));
    }
    const mounts = arr(spec.volumeMounts).map((m) => rec(m) ?? {});
    if (mounts.length === 0) w.field(2, 'Mounts', '<none>');
    else {
      w.line(2, 'Mounts:');
      for (const m of mounts) {
        const flags = [m.readOnly === true ? 'ro' : 'rw', ...(str(m.subPath) ? [`path="${m.subPath}"`] : [])];
        w.line(3, `${String(m.mountPath)} from ${String(m.name)} (${flags.join(',')})`);
      }
    }
  }
}

const VOLUME_TYPES: Readonly<Record<string, [string, (v: Json) => [string, string][]]>> = {
  configMap: [
    'ConfigMap (a volume populated by a ConfigMap)',
    (v) => [
      ['Name', String(v.name)],
      ['Optional', String(v.optional === true)],
    ],
  ],
  secret: [
    'Secret (a volume populated by a Secret)',
    (v) => [
      ['SecretName', String(v.secretName)],
      ['Optional', String(v.optional === true)],
    ],
  ],
  persistentVolumeClaim: [
    'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
    (v) => [
      ['ClaimName', String(v.claimName)],
      ['ReadOnly', String(v.readOnly === true)],
    ],
  ],
  emptyDir: [
    "EmptyDir (a temporary directory that shares a pod's lifetime)",
    (v) => [
      ['Medium', String(v.medium ?? '')],
      ['SizeLimit', String(v.sizeLimit ?? '<unset>')],
    ],
  ],
  hostPath: [
    'HostPath (bare host directory volume)',
    (v) => [
      ['Path', String(v.path)],
      ['HostPathType', String(v.type ?? '')],
    ],
  ],
  projected: ['Projected (a volume that contains injected data from multiple sources)', () => []],
  downwardAPI: ['DownwardAPI (a volume populated by information about the pod)', () => []],
};

function volumes(w: DescribeWriter, list: unknown[]): void {
  if (list.length === 0) {
    w.field(0, 'Volumes', '<none>');
    return;
  }
  w.line(0, 'Volumes:');
  for (const v of list.map((x) => rec(x) ?? {})) {
    w.line(1, `${String(v.name)}:`);
    const type = Object.keys(v).find((k) => k !== 'name');
    const known = type ? VOLUME_TYPES[type] : undefined;
    if (!known) {
      w.field(2, 'Type', type ?? '<unknown>');
      continue;
    }
    w.field(2, 'Type', known[0]);
    for (const [k, value] of known[1](rec(v[type!]) ?? {})) w.field(2, k, value);
  }
}

function tolerations(list: unknown[]): string[] {
  return list.map((t) => {
    const x = rec(t) ?? {};
    let s = str(x.key) ?? '';
    if (str(x.value)) s += `=${x.value}`;
    if (str(x.effect)) s += `:${x.effect}`;
    if (x.operator === 'Exists' && !str(x.value)) s += ' op=Exists';
    if (typeof x.tolerationSeconds === 'number') s += ` for ${x.tolerationSeconds}s`;
    return s;
  });
}

export function describePod({ object: pod, events, at }: DescribeInput): string {
  const w = new DescribeWriter();
  const metadata = rec(pod.metadata) ?? {};
  const spec = rec(pod.spec) ?? {};
  const status = rec(pod.status) ?? {};
  w.field(0, 'Name', str(metadata.name));
  w.field(0, 'Namespace', str(metadata.namespace));
  w.field(0, 'Priority', Number(spec.priority ?? 0));
  if (str(spec.priorityClassName)) w.field(0, 'Priority Class Name', String(spec.priorityClassName));
  w.field(0, 'Service Account', str(spec.serviceAccountName) ?? '');
  w.field(
    0,
    'Node',
    str(spec.nodeName) ? `${spec.nodeName}${str(status.hostIP) ? `/${status.hostIP}` : ''}` : '<none>',
  );
  if (str(status.startTime)) w.field(0, 'Start Time', rfc1123(status.startTime));
  labelsAndAnnotations(w, pod);
  if (str(metadata.deletionTimestamp)) {
    w.field(0, 'Status', `Terminating (lasts ${since(metadata.deletionTimestamp, at)})`);
    w.field(0, 'Termination Grace Period', `${spec.terminationGracePeriodSeconds ?? 30}s`);
  } else w.field(0, 'Status', str(status.phase));
  if (str(status.reason)) w.field(0, 'Reason', String(status.reason));
  if (str(status.message)) w.field(0, 'Message', String(status.message));
  w.field(0, 'IP', str(status.podIP) ?? '');
  const ips = arr(status.podIPs)
    .map((i) => str(rec(i)?.ip))
    .filter((i): i is string => i !== null);
  if (ips.length === 0) w.field(0, 'IPs', '<none>');
  else {
    w.line(0, 'IPs:');
    for (const ip of ips) w.line(1, 'IP:', ip);
  }
  const owner = controlledBy(pod);
  if (owner) w.field(0, 'Controlled By', owner);
  if (str(status.nominatedNodeName)) w.field(0, 'NominatedNodeName', String(status.nominatedNodeName));
  containers(w, 'Init Containers', arr(spec.initContainers), arr(status.initContainerStatuses));
  containers(w, 'Containers', arr(spec.containers), arr(status.containerStatuses));
  const conditions = arr(status.conditions).map((c) => rec(c) ?? {});
  if (conditions.length > 0) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status');
    for (const c of conditions) w.line(1, String(c.type), `${String(c.status)} `);
  }
  volumes(w, arr(spec.volumes));
  w.field(0, 'QoS Class', str(status.qosClass) ?? '');
  w.list(
    0,
    'Node-Selectors',
    Object.entries(rec(spec.nodeSelector) ?? {}).map(([k, v]) => `${k}=${String(v)}`),
  );
  w.list(0, 'Tolerations', tolerations(arr(spec.tolerations)));
  eventsTable(w, events, at);
  return w.toString();
}
