// One row of a `kubectl get` table read back into the object it prints, with only what the row
// says: a pod's phase, node, IP and restarts, a node's readiness and roles, a workload's replica
// counts, a claim's phase. Ages become times before the capture. What the printer summarised
// beyond recovery (a pod's STATUS such as CrashLoopBackOff) is kept as printed, in an annotation.

import { BUILTIN_API_VERSIONS, CLUSTER_SCOPED_KINDS } from '../../kube/resources.ts';
import { compact, type Json, parseSelector } from './describe-common.ts';
import { PRINTED_TROUBLE_ANNOTATION } from './describe-routing.ts';
import { beforeCapture, parseAge } from './time-text.ts';

/** What `kubectl get` printed for a pod, as printed: `STATUS=CrashLoopBackOff READY=0/1 RESTARTS=5 (2m ago)`. */
export const PRINTED_ROW_ANNOTATION = 'kstory.dev/kubectl-get';

export interface RowContext {
  kind: string;
  /** The namespace when the table has no NAMESPACE column (-n, or default). */
  namespace: string;
  capture: string;
  /** Containers of the pod, when another file named them. */
  podContainers?: (namespace: string, name: string) => string[] | undefined;
}

type Cells = Record<string, string>;

const NONE = new Set(['', '<none>', '<unknown>', '<unset>', '<nil>']);
const some = (v: string | undefined) => (v === undefined || NONE.has(v) ? undefined : v);

function metadataOf(cells: Cells, name: string, ctx: RowContext): Json {
  const metadata: Json = { name };
  if (!CLUSTER_SCOPED_KINDS.has(ctx.kind)) metadata.namespace = some(cells.NAMESPACE) ?? ctx.namespace;
  const age = parseAge(cells.AGE ?? '');
  if (age) metadata.creationTimestamp = beforeCapture(ctx.capture, age);
  const labels = labelsOf(cells.LABELS);
  if (labels) metadata.labels = labels;
  return metadata;
}

function labelsOf(text: string | undefined): Record<string, string> | undefined {
  if (!some(text)) return undefined;
  const out: Record<string, string> = {};
  for (const pair of text!.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `a/b` as [a, b]. */
function fraction(text: string | undefined): [number, number] | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function int(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

// The pod STATUS column: the phase, or the reason that best explains the pod. Only these say the phase.
const PHASE_OF_STATUS: Record<string, string> = {
  Running: 'Running',
  Pending: 'Pending',
  Succeeded: 'Succeeded',
  Completed: 'Succeeded',
  Failed: 'Failed',
  Unknown: 'Unknown',
  ContainerCreating: 'Pending',
  PodInitializing: 'Pending',
  SchedulingGated: 'Pending',
};
// Reasons set on the pod itself (pod.status.reason), which the kubelet or eviction give a failed pod.
const POD_REASONS = new Set([
  'Evicted',
  'NodeLost',
  'Shutdown',
  'Terminated',
  'NodeAffinity',
  'UnexpectedAdmissionError',
]);

function buildPod(cells: Cells, name: string, ctx: RowContext): Json {
  const metadata = metadataOf(cells, name, ctx);
  const statusText = cells.STATUS ?? '';
  const status: Json = {};
  const phase = PHASE_OF_STATUS[statusText] ?? (statusText.startsWith('Init:') ? 'Pending' : undefined);
  if (phase) status.phase = phase;
  if (POD_REASONS.has(statusText) || /^OutOf/.test(statusText)) {
    status.phase = statusText === 'NodeLost' ? 'Unknown' : 'Failed';
    status.reason = statusText;
  }
  if (statusText === 'Terminating') metadata.deletionTimestamp = ctx.capture;
  const ip = some(cells.IP);
  if (ip) status.podIP = ip;
  const nominated = some(cells['NOMINATED NODE']);
  if (nominated) status.nominatedNodeName = nominated;
  const spec: Json = {};
  const node = some(cells.NODE);
  if (node) spec.nodeName = node;
  const ready = fraction(cells.READY);
  const restarts = /^(\d+)(?: \((\S+) ago\))?$/.exec(cells.RESTARTS ?? '');
  // A single container the rest of the import names: its state follows from the row.
  const names = ctx.podContainers?.(metadata.namespace as string, name);
  if (ready && ready[1] === 1 && names?.length === 1 && !statusText.startsWith('Init:')) {
    spec.containers = [{ name: names[0] }];
    status.containerStatuses = [containerStatusOf(names[0]!, statusText, ready[0] === 1, restarts, ctx)];
  }
  // A running pod is Ready when all its containers are (READY n/n) and its readiness gates pass: what
  // a Service's Endpoints follow, and what tells whether they agree with the pods.
  const gates = fraction(cells['READINESS GATES']);
  if (ready && ready[1] > 0 && phase === 'Running' && status.phase === 'Running') {
    const isReady = ready[0] === ready[1] && (!gates || gates[0] === gates[1]);
    status.conditions = [
      compact({
        type: 'Ready',
        status: isReady ? 'True' : 'False',
        reason: isReady ? undefined : ready[0] < ready[1] ? 'ContainersNotReady' : 'ReadinessGatesNotReady',
      }),
    ];
  }
  metadata.annotations = {
    [PRINTED_ROW_ANNOTATION]: `STATUS=${statusText} READY=${cells.READY ?? ''} RESTARTS=${cells.RESTARTS ?? ''}`,
  };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status };
}

function containerStatusOf(
  name: string,
  statusText: string,
  ready: boolean,
  restarts: RegExpExecArray | null,
  ctx: RowContext,
): Json {
  const state =
    statusText === 'Running'
      ? { running: {} }
      : statusText === 'Completed' || statusText === 'Error' || statusText === 'OOMKilled'
        ? { terminated: { reason: statusText } }
        : { waiting: { reason: statusText } };
  const lastAge = restarts?.[2] ? parseAge(restarts[2]) : null;
  return compact({
    name,
    ready,
    restartCount: restarts ? Number(restarts[1]) : undefined,
    state,
    lastState: lastAge ? { terminated: { finishedAt: beforeCapture(ctx.capture, lastAge) } } : {},
  });
}

function buildNode(cells: Cells, name: string, ctx: RowContext): Json {
  const metadata = metadataOf(cells, name, ctx);
  const states = (cells.STATUS ?? '').split(',');
  const roles = (some(cells.ROLES) ?? '').split(',').filter((r) => r !== '');
  // Roles come from node-role labels: without the labels shown, the roles stand for them.
  if (!metadata.labels && roles.length > 0)
    metadata.labels = Object.fromEntries(roles.map((r) => [`node-role.kubernetes.io/${r}`, '']));
  const ready = states.includes('Ready') ? 'True' : states.includes('NotReady') ? 'False' : 'Unknown';
  const addresses = [
    ...(some(cells['INTERNAL-IP']) ? [{ type: 'InternalIP', address: cells['INTERNAL-IP'] }] : []),
    ...(some(cells['EXTERNAL-IP']) ? [{ type: 'ExternalIP', address: cells['EXTERNAL-IP'] }] : []),
  ];
  const nodeInfo = compact({
    kubeletVersion: some(cells.VERSION),
    osImage: some(cells['OS-IMAGE']),
    kernelVersion: some(cells['KERNEL-VERSION']),
    containerRuntimeVersion: some(cells['CONTAINER-RUNTIME']),
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata,
    spec: states.includes('SchedulingDisabled') ? { unschedulable: true } : {},
    status: compact({
      conditions: [{ type: 'Ready', status: ready }],
      addresses: addresses.length > 0 ? addresses : undefined,
      nodeInfo: Object.keys(nodeInfo).length > 0 ? nodeInfo : undefined,
    }),
  };
}

function templateOf(cells: Cells): Json | undefined {
  // kubectl before 1.10 headed them CONTAINER(S) and IMAGE(S).
  const names = some(cells.CONTAINERS ?? cells['CONTAINER(S)'])?.split(',');
  const images = some(cells.IMAGES ?? cells['IMAGE(S)'])?.split(',') ?? [];
  if (!names) return undefined;
  return { spec: { containers: names.map((n, i) => compact({ name: n, image: images[i] })) } };
}

function buildWorkload(cells: Cells, name: string, ctx: RowContext): Json {
  const metadata = metadataOf(cells, name, ctx);
  const ready = fraction(cells.READY);
  const spec: Json = compact({
    replicas: ready?.[1] ?? int(cells.DESIRED),
    selector: ctx.kind === 'DaemonSet' ? undefined : parseSelector(some(cells.SELECTOR)),
    template: templateOf(cells),
  });
  const status: Json =
    ctx.kind === 'DaemonSet'
      ? compact({
          desiredNumberScheduled: int(cells.DESIRED),
          currentNumberScheduled: int(cells.CURRENT),
          numberReady: int(cells.READY),
          updatedNumberScheduled: int(cells['UP-TO-DATE']),
          numberAvailable: int(cells.AVAILABLE),
        })
      : compact({
          replicas: int(cells.CURRENT),
          readyReplicas: ready?.[0] ?? int(cells.READY),
          updatedReplicas: int(cells['UP-TO-DATE']),
          availableReplicas: int(cells.AVAILABLE),
        });
  return {
    apiVersion: BUILTIN_API_VERSIONS[ctx.kind],
    kind: ctx.kind,
    metadata,
    spec,
    ...(Object.keys(status).length > 0 ? { status } : {}),
  };
}

function buildJob(cells: Cells, name: string, ctx: RowContext): Json {
  const metadata = metadataOf(cells, name, ctx);
  const completions = fraction(cells.COMPLETIONS);
  // kubectl 1.28 on prints the Job's state: Running, Complete, Failed, Suspended.
  const state = some(cells.STATUS);
  const conditions =
    state === 'Complete' || state === 'Failed' || state === 'Suspended'
      ? [{ type: state, status: 'True' }]
      : undefined;
  // No status at all rather than one whose missing counts read as zero.
  const status = compact({ succeeded: completions?.[0], conditions });
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: compact({ completions: completions?.[1] }),
    ...(Object.keys(status).length > 0 ? { status } : {}),
  };
}

function buildClaimOrVolume(cells: Cells, name: string, ctx: RowContext): Json {
  const metadata = metadataOf(cells, name, ctx);
  const capacity = some(cells.CAPACITY);
  const claim = /^([^/\s]+)\/(\S+)$/.exec(some(cells.CLAIM) ?? '');
  return {
    apiVersion: 'v1',
    kind: ctx.kind,
    metadata,
    spec: compact({
      storageClassName: some(cells.STORAGECLASS),
      volumeName: ctx.kind === 'PersistentVolumeClaim' ? some(cells.VOLUME) : undefined,
      claimRef: claim ? { namespace: claim[1], name: claim[2] } : undefined,
      persistentVolumeReclaimPolicy: some(cells['RECLAIM POLICY']),
      capacity: ctx.kind === 'PersistentVolume' && capacity ? { storage: capacity } : undefined,
    }),
    status: compact({
      phase: some(cells.STATUS),
      capacity: ctx.kind === 'PersistentVolumeClaim' && capacity ? { storage: capacity } : undefined,
    }),
  };
}

function buildService(cells: Cells, name: string, ctx: RowContext): Json {
  // A load balancer's EXTERNAL-IP: `<pending>` until the cloud gives it an address, else its
  // addresses (IPs or host names); no column, no status.
  const external = cells['EXTERNAL-IP'];
  const addresses = external === '<pending>' ? [] : (some(external)?.split(',') ?? []);
  const balancer =
    cells.TYPE === 'LoadBalancer' && external !== undefined
      ? {
          loadBalancer: compact({
            ingress:
              addresses.length > 0
                ? addresses.map((a) => (/^[\d.:a-f]+$/.test(a) ? { ip: a } : { hostname: a }))
                : undefined,
          }),
        }
      : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataOf(cells, name, ctx),
    spec: compact({
      type: some(cells.TYPE),
      clusterIP: some(cells['CLUSTER-IP']),
      selector: parseSelector(some(cells.SELECTOR))?.matchLabels,
    }),
    ...(balancer ? { status: balancer } : {}),
  };
}

/**
 * `10.42.1.5:8080,10.42.3.9:8080 + 3 more...`: the ready addresses kubectl showed (three at most:
 * a floor of how many there are), or none.
 */
function buildEndpoints(cells: Cells, name: string, ctx: RowContext): Json {
  const shown = (some(cells.ENDPOINTS) ?? '').replace(/ \+ \d+ more\.\.\.$/, '');
  const ips = [...new Set(shown.split(',').map((e) => e.replace(/:\d+$/, '').trim()))].filter(
    (ip) => ip !== '',
  );
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: metadataOf(cells, name, ctx),
    subsets: ips.length > 0 ? [{ addresses: ips.map((ip) => ({ ip })) }] : [],
  };
}

/**
 * `checkout  Deployment/checkout  cpu: <unknown>/70%  2  8  2`: an autoscaler's bounds and replicas;
 * a target it cannot read (`<unknown>`, which no field holds) is kept as trouble printed.
 */
function buildAutoscaler(cells: Cells, name: string, ctx: RowContext): Json {
  const metadata = metadataOf(cells, name, ctx);
  const targets = some(cells.TARGETS) ?? '';
  if (targets.includes('<unknown>'))
    metadata.annotations = {
      [PRINTED_TROUBLE_ANNOTATION]: `MetricsUnknown: kubectl get printed TARGETS ${targets}: the autoscaler cannot read its metrics`,
    };
  const target = /^(\w+)\/(\S+)$/.exec(some(cells.REFERENCE) ?? '');
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: compact({
      scaleTargetRef: target ? { kind: target[1], name: target[2] } : undefined,
      minReplicas: int(cells.MINPODS),
      maxReplicas: int(cells.MAXPODS),
    }),
    status: compact({ currentReplicas: int(cells.REPLICAS) }),
  };
}

/** Any other kind: name, namespace, age, labels, and a STATUS as the phase (namespaces). */
function buildOther(cells: Cells, name: string, ctx: RowContext): Json {
  const phase = some(cells.STATUS);
  return {
    apiVersion: BUILTIN_API_VERSIONS[ctx.kind] ?? '',
    kind: ctx.kind,
    metadata: metadataOf(cells, name, ctx),
    ...(phase && ctx.kind === 'Namespace' ? { status: { phase } } : {}),
  };
}

const BUILDERS: Record<string, (cells: Cells, name: string, ctx: RowContext) => Json> = {
  Pod: buildPod,
  Node: buildNode,
  Deployment: buildWorkload,
  ReplicaSet: buildWorkload,
  StatefulSet: buildWorkload,
  DaemonSet: buildWorkload,
  ReplicationController: buildWorkload,
  Job: buildJob,
  PersistentVolumeClaim: buildClaimOrVolume,
  PersistentVolume: buildClaimOrVolume,
  Service: buildService,
  Endpoints: buildEndpoints,
  HorizontalPodAutoscaler: buildAutoscaler,
};

/** The object a row prints, or null when it has no name. */
export function objectOfRow(cells: Cells, ctx: RowContext): Json | null {
  const name = some(cells.NAME);
  if (!name) return null;
  return (BUILDERS[ctx.kind] ?? buildOther)(cells, name, ctx);
}

/** The kind of a table from its columns, when the command does not say. */
export function kindOfColumns(headers: readonly string[]): string | null {
  const has = (...names: string[]) => names.every((n) => headers.includes(n));
  if (has('READY', 'STATUS', 'RESTARTS')) return 'Pod';
  if (has('STATUS', 'ROLES', 'VERSION')) return 'Node';
  // A DaemonSet's columns hold a Deployment's: the more specific first.
  if (has('DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE')) return 'DaemonSet';
  if (has('READY', 'UP-TO-DATE', 'AVAILABLE')) return 'Deployment';
  // kubectl before 1.15 printed a Deployment's desired and current replicas, and no READY.
  if (has('DESIRED', 'CURRENT', 'UP-TO-DATE', 'AVAILABLE')) return 'Deployment';
  if (has('DESIRED', 'CURRENT', 'READY')) return 'ReplicaSet';
  if (has('COMPLETIONS', 'DURATION')) return 'Job';
  if (has('SCHEDULE', 'SUSPEND', 'ACTIVE')) return 'CronJob';
  if (has('RECLAIM POLICY', 'CLAIM')) return 'PersistentVolume';
  if (has('STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES')) return 'PersistentVolumeClaim';
  if (has('TYPE', 'CLUSTER-IP', 'PORT(S)')) return 'Service';
  if (has('REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS')) return 'HorizontalPodAutoscaler';
  if (has('CLASS', 'HOSTS', 'ADDRESS', 'PORTS')) return 'Ingress';
  if (has('PROVISIONER', 'RECLAIMPOLICY')) return 'StorageClass';
  if (has('ENDPOINTS')) return 'Endpoints';
  // `kubectl get namespaces` (with --show-labels, LABELS too): no other kind prints these alone.
  if (headers.filter((h) => h !== 'LABELS').join(' ') === 'NAME STATUS AGE') return 'Namespace';
  return null;
}
