// The kubelet's cAdvisor endpoint (/metrics/cadvisor) for running containers: memory working set,
// CPU usage, CFS periods and throttled periods, memory limit and OOM events, with cAdvisor's labels
// (container, id, image, name, namespace, pod). CPU demand above the limit turns into throttling.

import { qosClass } from '../api/admission.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import { parseBytes, parseCpuMillis } from '../engine/quantity.ts';
import { normalizeImage } from '../engine/world.ts';
import type { Kubelet } from '../kubelet/kubelet.ts';

type Emit = (name: string, labels: Record<string, string>, value: number) => void;

const CFS_PERIOD_MS = 100;

/**
 * CPU demand of a container now, in millicores. `app.cpu` is the use per replica at the workload's
 * declared replica count; the traffic (times the `load` factor) is shared by the replicas that are
 * ready beyond that count, so scaling out lowers the use per pod, as the HPA expects.
 */
export function cpuDemand(
  sim: SimContext,
  namespace: string,
  workload: string,
  base: string | number,
): number {
  const load = sim.world.faultsOf(namespace, workload).load;
  const declared = sim.world.declaredReplicas.get(`${namespace}/${workload}`);
  let share = 1;
  if (declared !== undefined) {
    const owner =
      sim.api.get('Deployment', namespace, workload) ?? sim.api.get('StatefulSet', namespace, workload);
    const ready = ((owner?.status as Json | undefined)?.readyReplicas as number | undefined) ?? declared;
    // Capped at 1: pods still starting do not push the others' use up (no start-up artefacts).
    share = Math.min(1, declared / Math.max(1, ready));
  }
  return sim.rng.around(parseCpuMillis(base) * load * share, 0.15);
}

export function scrapeCadvisor(sim: SimContext, kubelet: Kubelet, intervalMs: number, emit: Emit): void {
  if (kubelet.lost) return;
  for (const rt of kubelet.pods.values()) {
    const qos = qosClass(rt.pod.spec as Json).toLowerCase();
    for (const c of rt.containers) {
      if (c.state !== 'running' || !c.containerID) continue;
      const demand =
        c.upAt === undefined
          ? parseCpuMillis(c.app.cpu) * 0.5
          : cpuDemand(sim, rt.namespace, c.workload, c.app.cpu);
      const limit = c.spec.resources?.limits?.cpu ? parseCpuMillis(c.spec.resources.limits.cpu) : undefined;
      const used = limit ? Math.min(demand, limit) : demand;
      const periods = intervalMs / CFS_PERIOD_MS;
      c.cpuSeconds += (used / 1000) * (intervalMs / 1000);
      if (limit) {
        c.cfsPeriods += Math.round(periods * Math.min(1, demand / 1000 + 0.05));
        const over = demand / limit;
        c.cfsThrottled += Math.round(
          periods * Math.min(1, Math.max(0, (over - 0.7) * 1.2)) * Math.min(1, demand / 1000 + 0.05),
        );
      }
      const hex = c.containerID.replace('containerd://', '');
      const qosPath = qos === 'guaranteed' ? '' : `/${qos}`;
      const labels = {
        container: c.name,
        id: `/kubepods${qosPath}/pod${rt.uid}/${hex}`,
        image: normalizeImage(c.spec.image),
        name: hex,
        namespace: rt.namespace,
        pod: rt.name,
      };
      emit('container_memory_working_set_bytes', labels, Math.round(c.memory));
      emit('container_cpu_usage_seconds_total', { ...labels, cpu: 'total' }, Number(c.cpuSeconds.toFixed(6)));
      if (limit) {
        emit('container_cpu_cfs_periods_total', labels, c.cfsPeriods);
        emit('container_cpu_cfs_throttled_periods_total', labels, c.cfsThrottled);
      }
      const memLimit = c.spec.resources?.limits?.memory ? parseBytes(c.spec.resources.limits.memory) : 0;
      emit('container_spec_memory_limit_bytes', labels, memLimit);
      emit('container_oom_events_total', labels, c.oomEvents);
    }
  }
}
