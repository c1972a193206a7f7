// A container's runtime state on its node, and how it reads back as a v1 ContainerStatus.

import { toIsoSeconds } from '../engine/clock.ts';
import { sha256Hex } from '../engine/hash.ts';
import type { Json } from '../engine/json.ts';
import { normalizeImage } from '../engine/world.ts';
import type { AppSpec } from '../scenario/schema.ts';

export interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

export interface ContainerRuntime {
  name: string;
  /** An init container: runs to completion before the pod's containers start. */
  init?: boolean;
  spec: Json;
  app: AppSpec;
  workload: string;
  state: 'waiting' | 'running' | 'terminated';
  reason?: string;
  message?: string;
  startedAt?: number;
  containerID?: string;
  terminated?: Terminated;
  last?: Terminated;
  restartCount: number;
  ready: boolean;
  started: boolean;
  /** Crash-loop back-off: 0 before the first restart, then 10 s doubling to 5 min. */
  backoffMs: number;
  pullBackoffMs: number;
  /** Bumped at each (re)start: timers of an older instance stop acting. */
  instance: number;
  readinessFailures: number;
  livenessFailures: number;
  /** Time the application finished starting (listening). */
  upAt?: number;
  memory: number;
  cpuSeconds: number;
  cfsPeriods: number;
  cfsThrottled: number;
  oomEvents: number;
  /** Ephemeral storage written (writable layer and logs), kept until the pod is removed. */
  disk: number;
  /** Processes and threads (PIDs) of the running instance. */
  processes: number;
  /** Lines of the running instance, kept to replay as the previous instance's log after a crash. */
  lines: { ts: number; line: string; stream: 'stdout' | 'stderr' }[];
  env: Record<string, string>;
}

export function newContainerRuntime(spec: Json, app: AppSpec, workload: string): ContainerRuntime {
  return {
    name: spec.name,
    spec,
    app,
    workload,
    state: 'waiting',
    reason: 'ContainerCreating',
    restartCount: 0,
    ready: false,
    started: false,
    backoffMs: 0,
    pullBackoffMs: 0,
    instance: 0,
    readinessFailures: 0,
    livenessFailures: 0,
    memory: 0,
    cpuSeconds: 0,
    cfsPeriods: 0,
    cfsThrottled: 0,
    oomEvents: 0,
    disk: 0,
    processes: 0,
    lines: [],
    env: {},
  };
}

export function imageIdOf(image: string): string {
  const ref = normalizeImage(image);
  const repo = ref.replace(/:[^:/]+$/, '');
  return `${repo}@sha256:${sha256Hex(ref)}`;
}

function terminatedJson(t: Terminated): Json {
  return {
    containerID: t.containerID,
    exitCode: t.exitCode,
    finishedAt: toIsoSeconds(t.finishedAt),
    ...(t.message ? { message: t.message } : {}),
    reason: t.reason,
    startedAt: toIsoSeconds(t.startedAt),
  };
}

export function containerStatusJson(c: ContainerRuntime): Json {
  const resources = c.spec.resources ?? {};
  const allocated: Json = {};
  if (resources.requests?.cpu) allocated.cpu = resources.requests.cpu;
  if (resources.requests?.memory) allocated.memory = resources.requests.memory;
  let state: Json;
  if (c.state === 'running') state = { running: { startedAt: toIsoSeconds(c.startedAt ?? 0) } };
  else if (c.state === 'terminated' && c.terminated) state = { terminated: terminatedJson(c.terminated) };
  else
    state = {
      waiting: { ...(c.message ? { message: c.message } : {}), reason: c.reason ?? 'ContainerCreating' },
    };
  const status: Json = {};
  if (Object.keys(allocated).length > 0) status.allocatedResources = allocated;
  if (c.containerID) status.containerID = c.containerID;
  status.image = normalizeImage(c.spec.image);
  status.imageID = c.containerID ? imageIdOf(c.spec.image) : '';
  status.lastState = c.last ? { terminated: terminatedJson(c.last) } : {};
  status.name = c.name;
  status.ready = c.ready;
  status.resources = resources;
  status.restartCount = c.restartCount;
  status.started = c.started;
  status.state = state;
  status.volumeMounts = ((c.spec.volumeMounts as Json[] | undefined) ?? []).map((m) => ({
    mountPath: m.mountPath,
    name: m.name,
    ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
  }));
  return status;
}
