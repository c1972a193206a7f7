// What runs inside a simulated container: routine and dependency-error log lines, memory growth up
// to an OOM kill at the limit, disk and PID use, and configuration read from env or a mounted
// ConfigMap (a reload of an invalid value makes it panic).

import type { Json } from '../engine/json.ts';
import { parseBytes } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import {
  configPanicLines,
  configReloadLine,
  dependencyErrorLine,
  memoryPressureLine,
  panicExitCode,
  routineLine,
} from '../logs/app-logs.ts';
import type { ContainerRuntime } from './container.ts';
import type { Kubelet, PodRuntime } from './kubelet.ts';

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
    const { world, clock, rng, api } = this.k.sim;
    if (c.upAt === undefined || c.app.type === 'batch') {
      if (c.app.type === 'batch' && c.upAt !== undefined)
        this.k.runtime.log(rt, c, [routineLine(c.app, rng)]);
      return;
    }
    const failing = c.app.dependsOn
      .map((d) => ({ target: d, mode: world.dependency(d.split(':')[0] ?? d, clock.now) }))
      .filter((d) => d.mode !== null);
    if (failing.length > 0) {
      for (const f of failing) {
        const host = f.target.split(':')[0] ?? '';
        const svcName = host.split('.')[0] ?? '';
        const svcNs = host.split('.')[1] ?? rt.namespace;
        const ip =
          ((api.get('Service', svcNs, svcName)?.spec as Json | undefined)?.clusterIP as string | undefined) ??
          '10.96.0.1';
        this.k.runtime.log(rt, c, [dependencyErrorLine(c.app, f.target, f.mode!, ip)]);
      }
      return;
    }
    this.k.runtime.log(rt, c, [routineLine(c.app, rng)]);
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
