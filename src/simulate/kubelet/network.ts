// The kubelet's pod network: the network plugin (CNI) that gives each pod its interface and IP.
// Without a plugin in the scenario the network is simply there, unless the scenario says none was
// ever installed (then no node has one). With one, a node the plugin never
// ran on has no CNI configuration (its runtime network is not ready, the node NotReady), and the
// kubelet can set up a pod's network only while the plugin's agent on its node is up: flannel
// needs its subnet file, written in /run once per boot; calico, cilium and weave their running agent.

import type { Json } from '../engine/json.ts';
import type { DaemonSetSpec } from '../scenario/schema.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodRuntime } from './pod-runtime.ts';

/** What the kubelet reports while no CNI configuration exists (kubelet ≥ 1.24 with containerd). */
export const NETWORK_NOT_READY =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

/** The pod worker retries a failed sandbox at its next syncs, backing off up to this. */
const MAX_RETRY_MS = 60_000;

/** The error each plugin's CNI binary returns while its agent is not up, for sandbox `id`. */
const PLUGIN_ERRORS: Record<NonNullable<DaemonSetSpec['networkPlugin']>, (id: string) => string> = {
  flannel: () =>
    'plugin type="flannel" failed (add): loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory',
  calico: () =>
    'plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/',
  cilium: () =>
    'plugin type="cilium-cni" name="cilium" failed (add): unable to connect to Cilium agent: failed to create cilium agent client after 30.000000 seconds timeout: Get "http:///var/run/cilium/cilium.sock/v1/config": dial unix /var/run/cilium/cilium.sock: connect: no such file or directory',
  weave: (id) =>
    `plugin type="weave-net" name="weave" failed (add): unable to allocate IP address: Post "http://127.0.0.1:6784/ip/${id}": dial tcp 127.0.0.1:6784: connect: connection refused`,
};

export class NetworkManager {
  /** The plugin has run on this node, so its CNI configuration is on disk (null: not known yet). */
  private configured: boolean | null = null;
  /** The plugin's agent has been up since the node last booted. */
  private upSinceBoot = true;
  /** Failed attempts per pod, for the pod worker's back-off. */
  private readonly attempts = new WeakMap<PodRuntime, number>();

  constructor(private readonly k: Kubelet) {}

  /** The scenario's network plugin DaemonSet, if it declares one. */
  private plugin(): DaemonSetSpec | undefined {
    return this.k.sim.scenario.workloads.find(
      (w): w is DaemonSetSpec => w.kind === 'DaemonSet' && w.networkPlugin !== undefined,
    );
  }

  /** The plugin's pod on this node, when it runs here. */
  private agent(plugin: DaemonSetSpec): PodRuntime | undefined {
    for (const rt of this.k.pods.values()) {
      const owner = (rt.pod.metadata.ownerReferences as Json[] | undefined)?.find((o) => o.controller);
      if (rt.namespace === plugin.namespace && owner?.kind === 'DaemonSet' && owner.name === plugin.name)
        return rt.terminating ? undefined : rt;
    }
    return undefined;
  }

  private agentUp(plugin: DaemonSetSpec): boolean {
    const agent = this.agent(plugin);
    const up = agent?.containers.every((c) => c.state === 'running' && c.ready) === true;
    if (up) {
      this.configured = true;
      this.upSinceBoot = true;
    }
    return up;
  }

  /** Whether the plugin's DaemonSet places a pod on this node (its node selector matches). */
  private covers(plugin: DaemonSetSpec): boolean {
    const labels = this.k.nodeStatus.labels();
    return Object.entries(plugin.nodeSelector ?? {}).every(([key, value]) => labels[key] === value);
  }

  /** NetworkReady of the container runtime: a CNI configuration exists on the node. */
  runtimeNetworkReady(): boolean {
    if (this.k.sim.scenario.cluster.podNetwork === 'none') return false;
    const plugin = this.plugin();
    if (!plugin) return true;
    // The cluster was installed with its network plugin before the recording: every node it
    // covers has its configuration already.
    if (this.configured === null) this.configured = this.covers(plugin);
    this.agentUp(plugin);
    return this.configured;
  }

  /** Why the pod's network cannot be set up now, as the kubelet's Event says it; null when it can. */
  sandboxError(rt: PodRuntime): { reason: string; message: string } | null {
    const plugin = this.plugin();
    const none = this.k.sim.scenario.cluster.podNetwork === 'none';
    if ((!plugin && !none) || (rt.pod.spec as Json).hostNetwork === true) return null;
    if (!this.runtimeNetworkReady())
      return { reason: 'NetworkNotReady', message: `network is not ready: ${NETWORK_NOT_READY}` };
    if (!plugin) return null;
    // During the warm-up the cluster is the installed one, its network plugin working.
    if (this.k.sim.clock.now < this.k.sim.recordingStart) return null;
    const up = this.agentUp(plugin);
    const ready = plugin.networkPlugin === 'flannel' ? this.upSinceBoot : up;
    if (ready) return null;
    const id = this.k.sim.rng.hex(64);
    return {
      reason: 'FailedCreatePodSandBox',
      message: `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${id}": ${PLUGIN_ERRORS[plugin.networkPlugin!](id)}`,
    };
  }

  /** When the pod worker tries the pod's sandbox again after this failure. */
  retryAfter(rt: PodRuntime): number {
    const n = (this.attempts.get(rt) ?? 0) + 1;
    this.attempts.set(rt, n);
    return Math.min(MAX_RETRY_MS, this.k.sim.rng.int(8_000, 12_000) * 2 ** Math.min(n - 1, 3));
  }

  /** The node rebooted: what the plugin keeps in /run is gone until its agent is up again. */
  rebooted(): void {
    this.upSinceBoot = false;
  }
}
