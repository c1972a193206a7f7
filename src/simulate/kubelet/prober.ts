// The kubelet's prober: HTTP startup, readiness and liveness probes of running containers; readiness
// failures make the container unready, liveness and startup failures get it killed and restarted.

import type { Json } from '../engine/json.ts';
import { shutdownLine } from '../logs/app-logs.ts';
import type { ContainerRuntime } from './container.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';

export class Prober {
  constructor(private readonly k: Kubelet) {}

  /** One run of a container's startup, readiness or liveness probe. */
  probe(
    rt: PodRuntime,
    c: ContainerRuntime,
    kind: 'startup' | 'readiness' | 'liveness',
    probe: Json,
    containerID: string,
  ): void {
    const { world, clock } = this.k.sim;
    // The startup probe runs until it first succeeds; the others wait for it.
    if ((kind === 'startup') === c.started) return;
    const http = probe.httpGet as Json;
    const url = `http://${rt.podIP}:${http.port}${http.path}`;
    let failure: string | null = null;
    if (c.upAt === undefined)
      failure = `Get "${url}": dial tcp ${rt.podIP}:${http.port}: connect: connection refused`;
    else if (world.probeFailing(rt.namespace, c.workload, c.name, kind, clock.now))
      failure = 'HTTP probe failed with statuscode: 503';
    const label = kind === 'readiness' ? 'Readiness' : kind === 'startup' ? 'Startup' : 'Liveness';
    if (failure) {
      this.k.event(rt, c.name, 'Warning', 'Unhealthy', `${label} probe failed: ${failure}`);
      if (kind === 'readiness') {
        c.readinessFailures++;
        if (c.ready && c.readinessFailures >= (probe.failureThreshold ?? 3)) {
          c.ready = false;
          rt.statusDirty = true;
        }
      } else {
        c.livenessFailures++;
        if (c.livenessFailures >= (probe.failureThreshold ?? 3)) {
          this.k.event(
            rt,
            c.name,
            'Normal',
            'Killing',
            `Container ${c.name} failed ${kind} probe, will be restarted`,
          );
          const grace = Math.min(((rt.pod.spec as Json).terminationGracePeriodSeconds ?? 30) * 1000, 2000);
          const instance = c.instance;
          c.ready = false;
          rt.statusDirty = true;
          this.k.sim.after(grace, () => {
            if (!this.k.alive(rt) || c.instance !== instance || c.state !== 'running') return;
            this.k.runtime.log(rt, c, [shutdownLine(c.app)]);
            this.k.runtime.exited(rt, c, {
              exitCode: 143,
              reason: 'Error',
              startedAt: c.startedAt!,
              finishedAt: this.k.sim.clock.now,
              containerID,
            });
          });
        }
      }
      return;
    }
    if (kind === 'readiness') {
      c.readinessFailures = 0;
      if (!c.ready) {
        c.ready = true;
        rt.statusDirty = true;
      }
    } else if (kind === 'startup') {
      c.livenessFailures = 0;
      c.started = true;
      rt.statusDirty = true;
    } else {
      c.livenessFailures = 0;
    }
  }
}
