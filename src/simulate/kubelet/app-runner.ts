// What runs inside a simulated container: routine and dependency-error log lines, memory growth up
// to an OOM kill at the limit, disk and PID use, and configuration read from env or a mounted
// ConfigMap (a reload of an invalid value makes it panic).

import type { Json } from '../engine/json.ts';
import { parseBytes } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import type { DependencyMode } from '../engine/world.ts';
import {
  configPanicLines,
  configReloadLine,
  dependencyErrorLine,
  dependencyFatalLine,
  memoryPressureLine,
  panicExitCode,
  routineLine,
} from '../logs/app-logs.ts';
import type { ContainerRuntime } from './container.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';

export class AppRunner {
  constructor(private readonly k: Kubelet) {}

  /** The configuration value the app validates, from its env or from its mounted ConfigMap. */
  configValue(rt: PodRuntime, c: ContainerRuntime): { name: string; value: string; valid: boolean } | null {
    const cfg = c.app.config;
    if (!cfg) return null;
    let name: string;
    let value: string;
    if (cfg.env !== undefined) {
      name = cfg.env;
      value = c.env[cfg.env] ?? '';
    } else {
      const ref = cfg.configMap!;
      name = ref.key;
      const cm = this.k.sim.api.get('ConfigMap', rt.namespace, ref.name) as
        | (KubeObject & { data?: Record<string, string> })
        | undefined;
      value = cm?.data?.[ref.key] ?? '';
    }
    return { name, value, valid: new RegExp(cfg.valid).test(value) };
  }

  /**
   * A ConfigMap changed: the kubelet refreshes the volumes that mount it at its next sync (up to
   * a minute and a half later, through its cache); apps that watch the file reload it then.
   */
  configMapChanged(namespace: string, name: string): void {
    if (this.k.lost) return;
    for (const rt of this.k.pods.values()) {
      if (rt.namespace !== namespace || rt.terminating) continue;
      const mounts = (((rt.pod.spec as Json).volumes as Json[] | undefined) ?? []).some(
        (v) => v.configMap?.name === name,
      );
      if (!mounts) continue;
      const delay = this.k.sim.rng.int(20_000, 90_000);
      for (const c of rt.containers) {
        const cfg = c.app.config;
        if (!cfg?.reload || cfg.configMap?.name !== name) continue;
        const instance = c.instance;
        this.k.sim.after(delay, () => {
          if (!this.k.alive(rt) || c.instance !== instance || c.state !== 'running' || c.upAt === undefined)
            return;
          const value = this.configValue(rt, c);
          this.k.runtime.log(rt, c, [configReloadLine(c.app, cfg.configMap!.key)]);
          if (value && !value.valid) {
            this.k.runtime.log(rt, c, configPanicLines(c.app, value.name, value.value));
            this.k.runtime.exited(rt, c, {
              exitCode: panicExitCode(c.app),
              reason: 'Error',
              startedAt: c.startedAt!,
              finishedAt: this.k.sim.clock.now,
              containerID: c.containerID!,
            });
          }
        });
      }
    }
  }

  appTick(rt: PodRuntime, c: ContainerRuntime, _containerID: string): void {
    const { rng } = this.k.sim;
    if (c.upAt === undefined || c.app.type === 'batch') {
      if (c.app.type === 'batch' && c.upAt !== undefined)
        this.k.runtime.log(rt, c, [routineLine(c.app, rng)]);
      return;
    }
    const failing = this.failingDependencies(rt, c);
    if (failing.length > 0) {
      if (this.failFast(rt, c, failing)) return;
      for (const f of failing)
        this.k.runtime.log(rt, c, [dependencyErrorLine(c.app, f.target, f.mode, f.ip)]);
      return;
    }
    this.k.runtime.log(rt, c, [routineLine(c.app, rng)]);
  }

  /** The dependencies of the app that are down now, with the address it dials. */
  failingDependencies(
    rt: PodRuntime,
    c: ContainerRuntime,
  ): { target: string; mode: DependencyMode; ip: string }[] {
    const { world, clock, api } = this.k.sim;
    return c.app.dependsOn.flatMap((target) => {
      const host = target.split(':')[0] ?? target;
      const mode = world.dependency(host, clock.now);
      if (mode === null) return [];
      const svcName = host.split('.')[0] ?? '';
      const svcNs = host.split('.')[1] ?? rt.namespace;
      const ip =
        ((api.get('Service', svcNs, svcName)?.spec as Json | undefined)?.clusterIP as string | undefined) ??
        '10.96.0.1';
      return [{ target, mode, ip }];
    });
  }

  /** A fail-fast app exits when a dependency is down (at start or later); true when it did. */
  failFast(rt: PodRuntime, c: ContainerRuntime, failing = this.failingDependencies(rt, c)): boolean {
    if (!c.app.failFast || failing.length === 0) return false;
    const f = failing[0]!;
    this.k.runtime.log(rt, c, [dependencyFatalLine(c.app, f.target, f.mode, f.ip)]);
    this.k.runtime.exited(rt, c, {
      exitCode: 1,
      reason: 'Error',
      startedAt: c.startedAt!,
      finishedAt: this.k.sim.clock.now,
      containerID: c.containerID!,
    });
    return true;
  }

  memoryTick(rt: PodRuntime, c: ContainerRuntime, instance: number, containerID: string): void {
    if (!this.k.alive(rt) || c.instance !== instance || c.state !== 'running') return;
    const { world, clock, rng } = this.k.sim;
    const rate = world.leakRate(rt.namespace, c.workload, c.name);
    const limit = c.spec.resources?.limits?.memory
      ? parseBytes(c.spec.resources.limits.memory)
      : Number.POSITIVE_INFINITY;
    if (c.upAt !== undefined) {
      if (rate > 0) c.memory += rate * 5;
      else c.memory = rng.around(parseBytes(c.app.memory), 0.03);
      const fill = world.diskFillRate(rt.namespace, c.workload, c.name);
      if (fill > 0) c.disk += Math.round(rng.around(fill * 5, 0.1));
      c.processes += world.pidLeakRate(rt.namespace, c.workload, c.name) * 5;
    }
    if (rate > 0 && c.memory > limit * 0.8 && rng.chance(0.15))
      this.k.runtime.log(rt, c, [memoryPressureLine(c.app, c.memory, limit)]);
    if (c.memory >= limit) {
      c.memory = limit;
      c.oomEvents++;
      this.k.runtime.exited(rt, c, {
        exitCode: 137,
        reason: 'OOMKilled',
        startedAt: c.startedAt!,
        finishedAt: clock.now,
        containerID,
      });
      return;
    }
    this.k.sim.after(5000, () => this.memoryTick(rt, c, instance, containerID));
  }
}
