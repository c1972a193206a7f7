// The state of everything outside the API: registries, the services applications call, webhooks,
// nodes' health and the faults injected into applications. The timeline's actions change it; the
// kubelet, the apps and the admission chain read it.

import type { AppSpec } from '../scenario/schema.ts';
import { parseBytes } from './quantity.ts';

export type DependencyMode = 'refused' | 'dns' | 'timeout';

export interface AppFaults {
  /** Bytes per second of memory growth, per container name ('*' for all). */
  leak: Map<string, number>;
  /** Bytes per second written to ephemeral storage, per container name ('*' for all). */
  diskFill: Map<string, number>;
  /** Processes per second leaked, per container name ('*' for all). */
  pidLeak: Map<string, number>;
  /** Failing probes, per `container/probe`, until a time (Infinity = for good). */
  probeFail: Map<string, number>;
  /** Load multiplier on CPU (HPA input). */
  load: number;
}

export interface NodeHealth {
  lost: boolean;
  pressure: Set<'memory' | 'disk' | 'pid'>;
  /** Bytes the eviction manager must still reclaim. */
  memoryDeficit: number;
  pressureSince: Map<string, number>;
  /** Disk space and processes taken outside pods by a `node-pressure` fault (disk, pid). */
  diskExtra: number;
  pidExtra: number;
}

/** A commit of an Argo CD Application's Git repository. */
export interface GitCommit {
  revision: string;
  message: string;
  at: number;
  /** Image per `workload/container` the manifests declare from this commit on. */
  images: Map<string, string>;
  /** The new versions' behaviour, applied to the apps when the commit is synced. */
  changes: { workload: string; container?: string; app?: Partial<AppSpec> }[];
  invalid?: string;
  manifestError?: string;
}

export class World {
  readonly registriesDown = new Map<string, number>();
  readonly dependenciesDown = new Map<string, { mode: DependencyMode; until: number }>();
  readonly webhooksDown = new Map<string, number>();
  /** Commits per Argo CD Application (`namespace/name`), oldest first. */
  readonly git = new Map<string, GitCommit[]>();
  readonly missingImages: Set<string>;
  readonly privateRegistries: Set<string>;
  private readonly faults = new Map<string, AppFaults>();
  readonly nodes = new Map<string, NodeHealth>();
  /** The application model of each workload's containers: `namespace/workload` → container → app. */
  readonly apps = new Map<string, Map<string, AppSpec>>();
  /** Replicas each Deployment/StatefulSet was declared with: its app's CPU use is per replica at that count. */
  readonly declaredReplicas = new Map<string, number>();
  /** Executables each image holds (from the scenario's original commands), for bad-command faults. */
  readonly imageBinaries = new Map<string, Set<string>>();

  private nextClusterIp = 10;

  /** The next Service ClusterIP from the service CIDR (10.96.0.0/12). */
  allocateClusterIp(): string {
    const n = this.nextClusterIp++;
    return `10.96.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  }

  constructor(missingImages: string[], privateRegistries: string[]) {
    this.missingImages = new Set(missingImages);
    this.privateRegistries = new Set(privateRegistries);
  }

  faultsOf(namespace: string, workload: string): AppFaults {
    const key = `${namespace}/${workload}`;
    let f = this.faults.get(key);
    if (!f) {
      f = { leak: new Map(), diskFill: new Map(), pidLeak: new Map(), probeFail: new Map(), load: 1 };
      this.faults.set(key, f);
    }
    return f;
  }

  node(name: string): NodeHealth {
    let n = this.nodes.get(name);
    if (!n) {
      n = {
        lost: false,
        pressure: new Set(),
        memoryDeficit: 0,
        pressureSince: new Map(),
        diskExtra: 0,
        pidExtra: 0,
      };
      this.nodes.set(name, n);
    }
    return n;
  }

  isRegistryDown(registry: string, now: number): boolean {
    const until = this.registriesDown.get(registry);
    return until !== undefined && now < until;
  }

  dependency(host: string, now: number): DependencyMode | null {
    const d = this.dependenciesDown.get(host);
    return d && now < d.until ? d.mode : null;
  }

  isWebhookDown(name: string, now: number): boolean {
    const until = this.webhooksDown.get(name);
    return until !== undefined && now < until;
  }

  leakRate(namespace: string, workload: string, container: string): number {
    const f = this.faults.get(`${namespace}/${workload}`);
    return f ? (f.leak.get(container) ?? f.leak.get('*') ?? 0) : 0;
  }

  diskFillRate(namespace: string, workload: string, container: string): number {
    const f = this.faults.get(`${namespace}/${workload}`);
    return f ? (f.diskFill.get(container) ?? f.diskFill.get('*') ?? 0) : 0;
  }

  pidLeakRate(namespace: string, workload: string, container: string): number {
    const f = this.faults.get(`${namespace}/${workload}`);
    return f ? (f.pidLeak.get(container) ?? f.pidLeak.get('*') ?? 0) : 0;
  }

  setLeak(
    namespace: string,
    workload: string,
    container: string | undefined,
    ratePerMinute: string | number,
  ): void {
    this.faultsOf(namespace, workload).leak.set(container ?? '*', parseBytes(ratePerMinute) / 60);
  }

  probeFailing(namespace: string, workload: string, container: string, probe: string, now: number): boolean {
    const f = this.faults.get(`${namespace}/${workload}`);
    if (!f) return false;
    const until = f.probeFail.get(`${container}/${probe}`) ?? f.probeFail.get(`*/${probe}`);
    return until !== undefined && now < until;
  }
}

/** The registry host of an image reference, as containerd resolves it. */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}

/** The fully qualified reference containerd reports (`docker.io/library/nginx:1.27`). */
export function normalizeImage(image: string): string {
  let ref = image;
  if (registryOf(image) === 'docker.io' && !image.startsWith('docker.io/')) {
    ref = image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
  }
  const lastPart = ref.split('/').pop() ?? '';
  if (!lastPart.includes(':') && !lastPart.includes('@')) ref = `${ref}:latest`;
  return ref;
}
