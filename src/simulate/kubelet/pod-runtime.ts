// What the kubelet keeps of each pod it admitted: its containers' runtimes, init progress, volumes,
// sandbox and IP, and whether it is terminating or gone; made when the pod is admitted.

import { controllerOf } from '../controllers/util.ts';
import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import { AppSchema } from '../scenario/workload-schema.ts';
import { type ContainerRuntime, newContainerRuntime } from './container.ts';

const DEFAULT_APP = AppSchema.parse({});

export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  pod: KubeObject;
  containers: ContainerRuntime[];
  /** Init containers, run one after another to completion before the containers start. */
  initContainers: ContainerRuntime[];
  /** Every init container has completed. */
  initialized: boolean;
  admittedAt: number;
  volumesReady: boolean;
  mountAttempts: number;
  sandboxReady: boolean;
  podIP?: string;
  terminating: boolean;
  removed: boolean;
  evicted?: { message: string; resource: string };
  statusDirty: boolean;
  restartPolicy: string;
}

/** What the kubelet keeps of a pod it admitted: its containers as the workload's app runs them, nothing mounted yet. */
export function newPodRuntime(sim: SimContext, pod: KubeObject): PodRuntime {
  const spec = pod.spec as Json;
  const workload = workloadOf(sim, pod);
  const apps = sim.world.apps.get(`${pod.metadata.namespace}/${workload}`);
  const rt: PodRuntime = {
    uid: pod.metadata.uid!,
    namespace: pod.metadata.namespace!,
    name: pod.metadata.name,
    pod,
    containers: (spec.containers as Json[]).map((c) =>
      newContainerRuntime(c, apps?.get(c.name) ?? DEFAULT_APP, workload),
    ),
    initContainers: ((spec.initContainers as Json[] | undefined) ?? []).map((c) => ({
      ...newContainerRuntime(c, apps?.get(c.name) ?? DEFAULT_APP, workload),
      init: true,
    })),
    initialized: !((spec.initContainers as Json[] | undefined)?.length ?? 0),
    admittedAt: sim.clock.now,
    volumesReady: false,
    mountAttempts: 0,
    sandboxReady: false,
    terminating: false,
    removed: false,
    statusDirty: true,
    restartPolicy: spec.restartPolicy ?? 'Always',
  };
  if (!rt.initialized) for (const c of rt.containers) c.reason = 'PodInitializing';
  return rt;
}

/** The workload a pod belongs to (Deployment through its ReplicaSet, CronJob through its Job). */
function workloadOf(sim: SimContext, pod: KubeObject): string {
  let owner = controllerOf(pod);
  let name = pod.metadata.name;
  for (let depth = 0; owner && depth < 3; depth++) {
    name = owner.name;
    const parent = sim.api.get(owner.kind, pod.metadata.namespace, owner.name);
    owner = parent ? controllerOf(parent) : undefined;
  }
  return name;
}
