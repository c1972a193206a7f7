// The kubelet's container runtime manager: creating and starting containers (StartError for a
// missing executable), their application's start and timers, their exit, and the restart with the
// CrashLoopBackOff back-off (10 s doubling to 5 min, reset after 10 min of running).

import type { Json } from '../engine/json.ts';
import { parseBytes, parseDuration } from '../engine/quantity.ts';
import {
  batchEndLines,
  configPanicLines,
  type LogLine,
  panicExitCode,
  startupLines,
} from '../logs/app-logs.ts';
import type { ContainerRuntime, Terminated } from './container.ts';
import { resolveEnv } from './env.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';

export const MAX_BACKOFF_MS = 300_000;
export const INITIAL_BACKOFF_MS = 10_000;
const BACKOFF_RESET_MS = 600_000;
const RUNTIME_PROCESSES = { go: 12, java: 48, node: 11, python: 5 } as const;

export class RuntimeManager {
  constructor(private readonly k: Kubelet) {}

  /** Create and start a container, then run its application, its probes and its memory accounting. */
  runContainer(rt: PodRuntime, c: ContainerRuntime): void {
    if (!this.k.alive(rt) || rt.terminating) return;
    const { clock, rng, world } = this.k.sim;
    const resolved = resolveEnv(this.k.sim.api, rt, c);
    if ('error' in resolved) {
      c.state = 'waiting';
      c.reason = 'CreateContainerConfigError';
      c.message = resolved.error;
      rt.statusDirty = true;
      this.k.event(rt, c.name, 'Warning', 'Failed', `Error: ${resolved.error}`);
      // Retried at the next pod sync.
      this.k.sim.after(rng.int(10_000, 16_000), () =>
        this.k.images.ensureImage(rt, c, () => this.runContainer(rt, c)),
      );
      return;
    }
    c.env = resolved.env;
    const command = c.spec.command as string[] | undefined;
    const binaries = world.imageBinaries.get(c.spec.image as string);
    const exe = command?.[0];
    const containerID = `containerd://${rng.hex(64)}`;
    this.k.event(rt, c.name, 'Normal', 'Created', `Created container: ${c.name}`);
    if (exe && binaries && !binaries.has(exe) && !['sh', '/bin/sh'].includes(exe)) {
      const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "${exe}": executable file not found in $PATH: unknown`;
      this.k.event(rt, c.name, 'Warning', 'Failed', `Error: ${message}`);
      c.containerID = containerID;
      this.exited(rt, c, {
        exitCode: 128,
        reason: 'StartError',
        message,
        startedAt: 0,
        finishedAt: clock.now,
        containerID,
      });
      return;
    }
    c.instance++;
    c.state = 'running';
    c.reason = undefined;
    c.message = undefined;
    c.terminated = undefined;
    c.containerID = containerID;
    c.startedAt = clock.now;
    c.started = !c.spec.startupProbe;
    c.ready = !c.spec.readinessProbe;
    c.readinessFailures = 0;
    c.livenessFailures = 0;
    c.lines = [];
    c.memory = parseBytes(c.app.memory) * 0.35;
    c.disk = Math.max(c.disk, parseBytes(c.app.disk));
    c.processes = c.app.processes ?? RUNTIME_PROCESSES[c.app.runtime];
    // A new container is a new cgroup: cAdvisor's counters start again.
    c.cpuSeconds = 0;
    c.cfsPeriods = 0;
    c.cfsThrottled = 0;
    c.oomEvents = 0;
    c.upAt = undefined;
    rt.statusDirty = true;
    this.k.event(rt, c.name, 'Normal', 'Started', `Started container ${c.name}`);
    const instance = c.instance;
    const live = () => this.k.alive(rt) && c.instance === instance && c.state === 'running';
    const port = (c.spec.ports as Json[] | undefined)?.[0]?.containerPort as number | undefined;

    // Application start.
    const startupMs = rng.around(parseDuration(c.app.startup), 0.3);
    const cfg = this.k.app.configValue(rt, c);
    if (cfg && !cfg.valid) {
      const crashAt = rng.int(300, 1500);
      this.k.sim.after(crashAt, () => {
        if (!live()) return;
        this.log(rt, c, configPanicLines(c.app, cfg.name, cfg.value));
        this.exited(rt, c, {
          exitCode: panicExitCode(c.app),
          reason: 'Error',
          startedAt: c.startedAt!,
          finishedAt: this.k.sim.clock.now,
          containerID,
        });
      });
      return;
    }
    this.k.sim.after(startupMs, () => {
      if (!live() || this.k.app.failFast(rt, c)) return;
      c.upAt = this.k.sim.clock.now;
      c.memory = parseBytes(c.app.memory);
      this.log(rt, c, startupLines(c.app, c.name, port));
      if (!c.spec.readinessProbe) c.ready = true;
      rt.statusDirty = true;
    });
    if (c.app.type === 'batch') {
      this.k.sim.after(startupMs + rng.around(parseDuration(c.app.runFor), 0.2), () => {
        if (!live()) return;
        this.log(
          rt,
          c,
          c.app.exitLines?.map((line) => ({ line, stream: 'stderr' as const })) ??
            batchEndLines(c.app.exitCode),
        );
        this.exited(rt, c, {
          exitCode: c.app.exitCode,
          reason: c.app.exitCode === 0 ? 'Completed' : 'Error',
          startedAt: c.startedAt!,
          finishedAt: this.k.sim.clock.now,
          containerID,
        });
      });
    }
    // Routine activity, memory growth and OOM.
    const every = parseDuration(c.app.logEvery);
    const tick = () => {
      if (!live()) return;
      this.k.app.appTick(rt, c, containerID);
      if (live()) this.k.sim.after(rng.around(every, 0.4) + 500, tick);
    };
    this.k.sim.after(startupMs + rng.int(1000, every), tick);
    this.k.sim.after(5000, () => this.k.app.memoryTick(rt, c, instance, containerID));
    // Probes start after their initial delay, with jitter.
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const probe = c.spec[`${kind}Probe`] as Json | undefined;
      if (!probe) continue;
      const period = (probe.periodSeconds ?? 10) * 1000;
      const first = (probe.initialDelaySeconds ?? 0) * 1000 + rng.int(0, period);
      const run = () => {
        if (!live()) return;
        this.k.prober.probe(rt, c, kind, probe, containerID);
        if (live()) this.k.sim.after(period, run);
      };
      this.k.sim.after(first, run);
    }
  }

  /** Lines the container writes now: recorded, and kept for its previous log. */
  log(rt: PodRuntime, c: ContainerRuntime, lines: LogLine[]): void {
    if (this.k.lost) return;
    for (const l of lines) {
      const ts = this.k.sim.clock.stamp();
      c.lines.push({ ts, line: l.line, stream: l.stream });
      if (c.lines.length > 40) c.lines.shift();
      this.k.sim.sink.push({
        type: 'log',
        ts,
        namespace: rt.namespace,
        pod: rt.name,
        podUid: rt.uid,
        container: c.name,
        node: this.k.nodeName,
        line: l.line,
        stream: l.stream,
        previous: false,
      });
    }
  }

  /** A container exited: record it, then restart it (with back-off) or leave it terminated. */
  exited(rt: PodRuntime, c: ContainerRuntime, t: Terminated): void {
    const { rng } = this.k.sim;
    const ranFor = t.startedAt === 0 ? 0 : t.finishedAt - t.startedAt;
    c.processes = 0;
    c.state = 'terminated';
    c.terminated = t.startedAt === 0 ? { ...t, startedAt: 0 } : t;
    c.ready = false;
    c.started = false;
    c.upAt = undefined;
    c.instance++;
    rt.statusDirty = true;
    if (rt.terminating || rt.evicted) return;
    if (c.init && t.exitCode === 0) {
      this.k.initContainerDone(rt, c);
      return;
    }
    const restarts = rt.restartPolicy === 'Always' || (rt.restartPolicy === 'OnFailure' && t.exitCode !== 0);
    if (!restarts) return;
    if (ranFor >= BACKOFF_RESET_MS) c.backoffMs = 0;
    const previousLines = [...c.lines];
    const restart = () => {
      if (!this.k.alive(rt) || rt.terminating) return;
      if (c.terminated) c.last = c.terminated;
      c.terminated = undefined;
      c.restartCount++;
      // What `kubectl logs --previous` returns once the container has restarted.
      for (const l of previousLines.slice(-20)) {
        this.k.sim.sink.push({
          type: 'log',
          ts: l.ts,
          namespace: rt.namespace,
          pod: rt.name,
          podUid: rt.uid,
          container: c.name,
          node: this.k.nodeName,
          line: l.line,
          stream: l.stream,
          previous: true,
        });
      }
      this.k.images.ensureImage(rt, c, () => this.runContainer(rt, c));
    };
    if (c.backoffMs === 0) {
      // The first failure is not in back-off yet: restarted at the next sync.
      c.backoffMs = INITIAL_BACKOFF_MS;
      this.k.sim.after(rng.int(800, 2000), restart);
      return;
    }
    const delay = c.backoffMs;
    c.backoffMs = Math.min(c.backoffMs * 2, MAX_BACKOFF_MS);
    const backOffEvent = () =>
      this.k.event(
        rt,
        c.name,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${rt.name}_${rt.namespace}(${rt.uid})`,
      );
    const instance = c.instance;
    this.k.sim.after(rng.int(500, 1500), () => {
      if (!this.k.alive(rt) || rt.terminating || c.instance !== instance) return;
      c.last = c.terminated;
      c.terminated = undefined;
      c.state = 'waiting';
      c.reason = 'CrashLoopBackOff';
      c.message = `back-off ${formatBackoff(delay)} restarting failed container=${c.name} pod=${rt.name}_${rt.namespace}(${rt.uid})`;
      rt.statusDirty = true;
      backOffEvent();
      // Pod syncs during the back-off report it again.
      for (let at = rng.int(10_000, 20_000); at < delay - 2000; at += rng.int(10_000, 20_000)) {
        this.k.sim.after(at, () => {
          if (this.k.alive(rt) && c.instance === instance && c.reason === 'CrashLoopBackOff') backOffEvent();
        });
      }
      this.k.sim.after(delay, () => {
        if (c.instance === instance) restart();
      });
    });
  }
}

/** Back-off as Go's time.Duration prints it: `10s`, `1m20s`, `5m0s`. */
export function formatBackoff(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${s % 60}s`;
}
