// The kubelet's node status: registering the Node, its conditions (memory, disk and PID pressure,
// Ready), addresses, capacity, images and node info, posted on changes and every 5 minutes.

import { setCondition } from '../controllers/util.ts';
import type { Json } from '../engine/json.ts';
import { parseBytes, parseCpuMillis } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import type { Kubelet } from './kubelet.ts';
import { NETWORK_NOT_READY } from './network.ts';

const STATUS_REPORT_MS = 300_000;

export class NodeStatusManager {
  /** Set once registered: status reports wait for the Node to exist. */
  private registered = false;
  private lastReport = 0;
  /** The node's identifiers, drawn from the seeded stream (a reboot draws a new boot id). */
  bootId = '';
  private machineId = '';

  constructor(private readonly k: Kubelet) {}

  /** The labels the kubelet registers its Node with. */
  labels(): Record<string, string> {
    return {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/instance-type': this.k.spec.instanceType,
      'beta.kubernetes.io/os': 'linux',
      'failure-domain.beta.kubernetes.io/zone': this.k.spec.zone,
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': this.k.nodeName,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': this.k.spec.instanceType,
      'topology.kubernetes.io/region': this.k.spec.zone.replace(/[a-z]$/, ''),
      'topology.kubernetes.io/zone': this.k.spec.zone,
      ...(this.k.spec.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      ...this.k.spec.labels,
    };
  }

  register(): void {
    // A kubelet that starts without a pod network registers its node tainted not-ready, so that
    // nothing is scheduled there before the node lifecycle controller sees its condition.
    const taints = this.k.network.runtimeNetworkReady()
      ? this.k.spec.taints
      : [...this.k.spec.taints, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' as const }];
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: this.k.nodeName,
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
        labels: this.labels(),
      },
      spec: {
        podCIDR: this.k.podCidr,
        podCIDRs: [this.k.podCidr],
        ...(taints.length > 0 ? { taints } : {}),
      },
      status: {},
    };
    this.k.sim.api.create(node, this.k.actor);
    this.registered = true;
    this.k.sim.recorder.record(this.k.source(), this.k.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
    this.k.sim.recorder.record(
      this.k.source(),
      this.k.nodeRef(),
      'Normal',
      'NodeAllocatableEnforced',
      'Updated Node Allocatable limit across pods',
    );
    this.reportNodeStatus(true);
    // A node without a pod network registers NotReady: it never reports NodeReady.
    if (this.k.network.runtimeNetworkReady())
      this.k.sim.recorder.record(
        this.k.source(),
        this.k.nodeRef(),
        'Normal',
        'NodeReady',
        `Node ${this.k.nodeName} status is now: NodeReady`,
      );
  }

  private nodeConditions(): Json[] {
    const h = this.k.health;
    const now = this.k.sim.clock.iso();
    const node = this.k.sim.api.get('Node', undefined, this.k.nodeName);
    let conditions = ((node?.status as Json | undefined)?.conditions as Json[] | undefined) ?? [];
    const set = (
      type: string,
      on: boolean,
      onReason: string,
      onMsg: string,
      offReason: string,
      offMsg: string,
    ) => {
      conditions = setCondition(
        conditions,
        {
          type,
          status: on ? 'True' : 'False',
          reason: on ? onReason : offReason,
          message: on ? onMsg : offMsg,
        },
        now,
      );
    };
    set(
      'MemoryPressure',
      h.pressure.has('memory'),
      'KubeletHasInsufficientMemory',
      'kubelet has insufficient memory available',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    );
    set(
      'DiskPressure',
      h.pressure.has('disk'),
      'KubeletHasDiskPressure',
      'kubelet has disk pressure',
      'KubeletHasNoDiskPressure',
      'kubelet has no disk pressure',
    );
    set(
      'PIDPressure',
      h.pressure.has('pid'),
      'KubeletHasInsufficientPID',
      'kubelet has insufficient PID available',
      'KubeletHasSufficientPID',
      'kubelet has sufficient PID available',
    );
    set(
      'Ready',
      this.k.network.runtimeNetworkReady(),
      'KubeletReady',
      'kubelet is posting ready status',
      'KubeletNotReady',
      NETWORK_NOT_READY,
    );
    return conditions.map((c) => {
      const { type, status, lastTransitionTime, reason, message } = c;
      return { lastHeartbeatTime: now, lastTransitionTime, message, reason, status, type };
    });
  }

  /** Post Node status: on changes, and every 5 minutes otherwise (nodeStatusReportFrequency). */
  reportNodeStatus(force = false): void {
    if (this.k.lost || !this.registered) return;
    const { api, clock } = this.k.sim;
    const node = api.get('Node', undefined, this.k.nodeName);
    if (!node) return;
    const conditions = this.nodeConditions();
    const prev = ((node.status as Json).conditions as Json[] | undefined) ?? [];
    const changed =
      prev.length !== conditions.length || prev.some((c, i) => c.status !== conditions[i]?.status);
    if (!force && !changed && clock.now - this.lastReport < STATUS_REPORT_MS) return;
    this.lastReport = clock.now;
    const memKi = Math.round(parseBytes(this.k.spec.memory) / 1024);
    const allocMemKi = memKi - 786_432 - 102_400;
    const cpu = String(parseCpuMillis(this.k.spec.cpu) / 1000);
    const allocCpu = `${parseCpuMillis(this.k.spec.cpu) - 80}m`;
    const status: Json = {
      addresses: [
        { address: this.k.ip, type: 'InternalIP' },
        { address: `ip-${this.k.ip.replaceAll('.', '-')}.eu-west-1.compute.internal`, type: 'InternalDNS' },
        { address: this.k.nodeName, type: 'Hostname' },
      ],
      allocatable: {
        cpu: allocCpu,
        'ephemeral-storage': '95551679124',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${allocMemKi}Ki`,
        pods: String(this.k.spec.pods),
      },
      capacity: {
        cpu,
        'ephemeral-storage': '104845292Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: String(this.k.spec.pods),
      },
      conditions,
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: this.k.images.statusList(),
      nodeInfo: {
        architecture: 'amd64',
        bootID: this.bootId,
        containerRuntimeVersion: 'containerd://2.0.5',
        kernelVersion: '6.1.134-150.224.amzn2023.x86_64',
        kubeProxyVersion: '',
        kubeletVersion: this.k.sim.version,
        machineID: this.machineId,
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.7.20250512',
        swap: { capacity: 0 },
        systemUUID: this.machineId,
      },
    };
    api.update({ ...node, status }, this.k.actor, { subresource: 'status', verb: 'patch' });
  }

  /** Fix the node's identifiers from the seeded stream. */
  identify(rngUuid: () => string): void {
    this.bootId = rngUuid();
    this.machineId = rngUuid().replaceAll('-', '');
  }

  /** A node-level transition the kubelet announces with an event (pressure on/off). */
  nodeEvent(reason: string): void {
    this.k.sim.recorder.record(
      this.k.source(),
      this.k.nodeRef(),
      'Normal',
      reason,
      `Node ${this.k.nodeName} status is now: ${reason}`,
    );
  }
}
