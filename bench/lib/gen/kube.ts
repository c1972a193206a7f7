// The generated cluster's state and the Kubernetes JSON built from it: Pods (several KB, no
// managedFields), ReplicaSets, Deployments, Nodes, Services and ConfigMaps, shaped after what
// `kubectl get -o json` returns on a v1.34 cluster.

import {
  APP_IMAGES,
  COMPONENTS,
  CONFIG_FILE_LINES,
  ENV_NAMES,
  type ImageSpec,
  type LogStyle,
  NODE_IMAGES,
  SIDECARS,
  SYSTEM_NAMESPACES,
  TEAMS,
} from './catalog.ts';
import type { Rng } from './prng.ts';
import { isoSeconds } from './time.ts';

export type Json = Record<string, unknown>;

export interface ContainerTemplate {
  name: string;
  image: string;
  imageId: string;
  style: LogStyle;
  cpuRequest: string;
  memoryRequest: string;
  memoryLimit: string;
  cpuLimit: string | null;
  /** The container's spec as the API returns it. */
  spec: Json;
}

export interface ReplicaSetState {
  name: string;
  hash: string;
  uid: string;
  created: number;
  rv: number;
  revision: number;
  replicas: number;
  containers: ContainerTemplate[];
  initContainers: ContainerTemplate[];
  podAnnotations: Record<string, string>;
  version: string;
}

export interface AppState {
  namespace: string;
  team: string;
  name: string;
  uid: string;
  created: number;
  rv: number;
  generation: number;
  replicas: number;
  labels: Record<string, string>;
  image: ImageSpec;
  sidecars: number;
  hasInit: boolean;
  serviceAccount: string;
  configMaps: string[];
  secretName: string;
  current: ReplicaSetState;
  old: ReplicaSetState | null;
  service: { uid: string; clusterIp: string; rv: number; created: number; annotation: number };
  pods: Set<PodState>;
}

export type ContainerState = 'waiting' | 'running' | 'terminated';

export interface ContainerStatus {
  tpl: ContainerTemplate;
  init: boolean;
  state: ContainerState;
  reason: string | null;
  message: string | null;
  exitCode: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  containerId: string | null;
  ready: boolean;
  restartCount: number;
  last: {
    reason: string;
    exitCode: number;
    startedAt: number;
    finishedAt: number;
    containerId: string;
  } | null;
  /** Telemetry carried by the container: cumulative counters and pending multi-line log output. */
  cpuSeconds: number;
  memoryBytes: number;
  rxBytes: number;
  txBytes: number;
  pendingLines: string[];
}

export type PodStage =
  | 'new'
  | 'pending'
  | 'scheduled'
  | 'creating'
  | 'running'
  | 'ready'
  | 'backoff'
  | 'unready'
  | 'terminating'
  | 'killed';

export interface PodState {
  app: AppState;
  rs: ReplicaSetState;
  name: string;
  uid: string;
  created: number;
  rv: number;
  stage: PodStage;
  node: NodeState | null;
  podIp: string | null;
  wobbles: number;
  crashLoop: boolean;
  scheduledAt: number | null;
  initializedAt: number | null;
  readyChangedAt: number | null;
  sandboxAt: number | null;
  deletedAt: number | null;
  ready: boolean;
  init: ContainerStatus | null;
  containers: ContainerStatus[];
  apiAccessVolume: string;
}

export interface NodeState {
  name: string;
  uid: string;
  created: number;
  rv: number;
  ip: string;
  zone: string;
  instanceType: string;
  index: number;
  heartbeat: number;
  bootId: string;
  machineId: string;
  images: { names: string[]; sizeBytes: number }[];
  pods: Set<PodState>;
  cpu: number;
  memoryKi: number;
}

export interface ConfigMapState {
  namespace: string;
  name: string;
  uid: string;
  created: number;
  rv: number;
  /** A leader-election lock renewed every few seconds (as older controllers still do), or app config. */
  leader: { holder: string; acquired: number; renewed: number; transitions: number } | null;
  data: Record<string, string>;
  labels: Record<string, string>;
  edits: number;
}

const INSTANCE_TYPES = [
  { type: 'm6i.2xlarge', cpu: 8, memoryKi: 32_210_000 },
  { type: 'm6i.4xlarge', cpu: 16, memoryKi: 64_420_000 },
  { type: 'c6i.4xlarge', cpu: 16, memoryKi: 32_210_000 },
  { type: 'r6i.2xlarge', cpu: 8, memoryKi: 64_420_000 },
];
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

export function digest(rng: Rng): string {
  return `sha256:${rng.hex(64)}`;
}

export function makeNode(rng: Rng, index: number, created: number, rv: number): NodeState {
  const a = 10 + (index % 3) * 16;
  const b = Math.floor(index / 3) % 250;
  const ip = `10.0.${a + Math.floor(b / 64)}.${(b * 4 + 17) % 250}`;
  const instance = rng.pick(INSTANCE_TYPES);
  const images = NODE_IMAGES.filter(() => rng.chance(0.8)).map((name) => {
    const repo = name.slice(0, name.lastIndexOf(':'));
    return { names: [`${repo}@${digest(rng)}`, name], sizeBytes: rng.int(250_000, 350_000_000) };
  });
  return {
    name: `ip-${ip.replaceAll('.', '-')}.eu-west-1.compute.internal`,
    uid: rng.uuid(),
    created,
    rv,
    ip,
    zone: ZONES[index % 3]!,
    instanceType: instance.type,
    index,
    heartbeat: created,
    bootId: rng.uuid(),
    machineId: rng.hex(32),
    images,
    pods: new Set(),
    cpu: instance.cpu,
    memoryKi: instance.memoryKi,
  };
}

export function nodeJson(n: NodeState): Json {
  const hb = isoSeconds(n.heartbeat);
  const since = isoSeconds(n.created + 45_000);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    lastHeartbeatTime: hb,
    lastTransitionTime: since,
    message,
    reason,
    status,
    type,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': n.ip,
        'csi.volume.kubernetes.io/nodeid': `{"ebs.csi.aws.com":"i-0${n.machineId.slice(0, 16)}"}`,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      creationTimestamp: isoSeconds(n.created),
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': n.instanceType,
        'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/capacityType': n.index % 4 === 0 ? 'SPOT' : 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup': `general-${n.instanceType.split('.')[0]}`,
        'failure-domain.beta.kubernetes.io/region': 'eu-west-1',
        'failure-domain.beta.kubernetes.io/zone': n.zone,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': n.instanceType,
        'topology.ebs.csi.aws.com/zone': n.zone,
        'topology.kubernetes.io/region': 'eu-west-1',
        'topology.kubernetes.io/zone': n.zone,
      },
      name: n.name,
      resourceVersion: String(n.rv),
      uid: n.uid,
    },
    spec: {
      podCIDR: `10.244.${n.index}.0/24`,
      podCIDRs: [`10.244.${n.index}.0/24`],
      providerID: `aws:///${n.zone}/i-0${n.machineId.slice(0, 16)}`,
    },
    status: {
      addresses: [
        { address: n.ip, type: 'InternalIP' },
        { address: n.name, type: 'InternalDNS' },
        { address: n.name, type: 'Hostname' },
      ],
      allocatable: {
        cpu: `${n.cpu * 1000 - 90}m`,
        'ephemeral-storage': '95491281146',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${n.memoryKi - 1_200_000}Ki`,
        pods: '110',
      },
      capacity: {
        cpu: String(n.cpu),
        'ephemeral-storage': '104845292Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${n.memoryKi}Ki`,
        pods: '110',
      },
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: n.images,
      nodeInfo: {
        architecture: 'amd64',
        bootID: n.bootId,
        containerRuntimeVersion: 'containerd://1.7.22',
        kernelVersion: '6.1.112-124.190.amzn2023.x86_64',
        kubeProxyVersion: 'v1.34.1',
        kubeletVersion: 'v1.34.1-eks-ce1d5eb',
        machineID: n.machineId,
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.6.20241031',
        systemUUID: `ec2${n.machineId.slice(3, 8)}-${n.machineId.slice(8, 12)}-${n.machineId.slice(12, 16)}-${n.machineId.slice(16, 20)}-${n.machineId.slice(20, 32)}`,
      },
      volumesInUse: [...n.pods]
        .filter((p) => p.app.hasInit)
        .slice(0, 3)
        .map((p) => `kubernetes.io/csi/ebs.csi.aws.com^vol-0${p.uid.slice(0, 17).replace('-', '')}`),
    },
  };
}

function env(rng: Rng, app: { team: string; name: string; namespace: string }): Json[] {
  const names = ENV_NAMES.filter(() => rng.chance(0.35));
  const out: Json[] = names.map((name) => ({ name, value: envValue(rng, name, app) }));
  out.push(
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: `${app.name}-db` } } },
  );
  return out;
}

function envValue(rng: Rng, name: string, app: { team: string; name: string; namespace: string }): string {
  switch (name) {
    case 'LOG_LEVEL':
      return rng.pick(['info', 'info', 'debug', 'warn']);
    case 'LOG_FORMAT':
      return 'json';
    case 'OTEL_EXPORTER_OTLP_ENDPOINT':
      return 'http://otel-collector.monitoring.svc.cluster.local:4317';
    case 'OTEL_SERVICE_NAME':
      return app.name;
    case 'OTEL_RESOURCE_ATTRIBUTES':
      return `service.namespace=${app.namespace},deployment.environment=production,team=${app.team}`;
    case 'DATABASE_HOST':
      return `${app.team}-db.${app.namespace}.svc.cluster.local`;
    case 'REDIS_URL':
      return `redis://${app.team}-redis.${app.namespace}.svc.cluster.local:6379/0`;
    case 'KAFKA_BROKERS':
      return 'kafka-0.kafka-headless.data.svc:9092,kafka-1.kafka-headless.data.svc:9092,kafka-2.kafka-headless.data.svc:9092';
    case 'UPSTREAM_URL':
      return `http://${rng.pick(TEAMS)}-api.${rng.pick(TEAMS)}.svc.cluster.local:8080`;
    case 'JAVA_TOOL_OPTIONS':
      return '-XX:MaxRAMPercentage=75.0 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8';
    case 'FEATURE_FLAGS':
      return 'new-checkout=true,async-webhooks=false,rate-limit-v2=true';
    case 'REGION':
      return 'eu-west-1';
    case 'ENVIRONMENT':
    case 'SENTRY_ENVIRONMENT':
      return 'production';
    case 'TZ':
      return 'UTC';
    default:
      return String(rng.int(1, 64) * (name.includes('PORT') ? 125 : 1));
  }
}

function probe(
  kind: ImageSpec['probe'],
  port: number,
  path: string,
  initialDelay: number,
  failure: number,
): Json {
  const handler =
    kind === 'http'
      ? { httpGet: { path, port, scheme: 'HTTP' } }
      : kind === 'grpc'
        ? { grpc: { port, service: '' } }
        : kind === 'tcp'
          ? { tcpSocket: { port } }
          : { exec: { command: ['/bin/sh', '-c', 'test -f /tmp/healthy'] } };
  return {
    ...handler,
    failureThreshold: failure,
    initialDelaySeconds: initialDelay,
    periodSeconds: 10,
    successThreshold: 1,
    timeoutSeconds: 2,
  };
}

function containerTemplate(
  rng: Rng,
  name: string,
  image: string,
  style: LogStyle,
  port: number,
  probeKind: ImageSpec['probe'],
  cpu: string,
  memory: string,
  envList: Json[] | null,
  mounts: Json[],
): ContainerTemplate {
  const cpuLimit = rng.chance(0.4) ? `${Number.parseInt(cpu, 10) * 2}m` : null;
  const memoryLimit = `${Number.parseInt(memory, 10) * 2}Mi`;
  const spec: Json = {
    ...(envList ? { env: envList } : {}),
    image,
    imagePullPolicy: 'IfNotPresent',
    ...(probeKind !== 'exec' ? { livenessProbe: probe(probeKind, port, '/healthz', 15, 3) } : {}),
    name,
    ports: [
      { containerPort: port, name: 'http', protocol: 'TCP' },
      { containerPort: 9090, name: 'metrics', protocol: 'TCP' },
    ],
    ...(probeKind !== 'exec' ? { readinessProbe: probe(probeKind, port, '/readyz', 5, 3) } : {}),
    resources: {
      limits: cpuLimit ? { cpu: cpuLimit, memory: memoryLimit } : { memory: memoryLimit },
      requests: { cpu, memory },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: mounts,
  };
  return {
    name,
    image,
    imageId: `${image.slice(0, image.lastIndexOf(':'))}@${digest(rng)}`,
    style,
    cpuRequest: cpu,
    memoryRequest: memory,
    memoryLimit,
    cpuLimit,
    spec,
  };
}

export function makeApp(rng: Rng, index: number, created: number, rv: number): AppState {
  const systemShare = index % 12 === 0;
  const team = systemShare ? rng.pick(SYSTEM_NAMESPACES) : TEAMS[index % TEAMS.length]!;
  const component = COMPONENTS[Math.floor(index / TEAMS.length) % COMPONENTS.length]!;
  const name = `${team}-${component}${index >= TEAMS.length * COMPONENTS.length ? `-${index}` : ''}`;
  // Round robin, so that even a small cluster runs every log style and probe kind.
  const image = APP_IMAGES[index % APP_IMAGES.length]!;
  const version = `v${rng.int(1, 4)}.${rng.int(0, 40)}.${rng.int(0, 12)}`;
  const labels = {
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': team,
    'app.kubernetes.io/version': version,
    'helm.sh/chart': `${component}-${rng.int(0, 3)}.${rng.int(0, 20)}.${rng.int(0, 9)}`,
    team,
  };
  const app: AppState = {
    namespace: team,
    team,
    name,
    uid: rng.uuid(),
    created,
    rv,
    generation: rng.int(1, 30),
    replicas: rng.weighted([0, 3, 4, 3, 2, 1, 1]),
    labels,
    image,
    sidecars: rng.weighted([5, 3, 1]),
    hasInit: rng.chance(0.3),
    serviceAccount: name,
    configMaps: [`${name}-config`, ...(rng.chance(0.3) ? [`${name}-env`] : [])],
    secretName: `${name}-db`,
    current: undefined as unknown as ReplicaSetState,
    old: null,
    service: {
      uid: rng.uuid(),
      clusterIp: `172.20.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      rv,
      created,
      annotation: 0,
    },
    pods: new Set(),
  };
  app.current = makeReplicaSet(rng, app, version, rng.int(3, 40), created, rv);
  return app;
}

export function makeReplicaSet(
  rng: Rng,
  app: AppState,
  version: string,
  revision: number,
  created: number,
  rv: number,
): ReplicaSetState {
  const repo = app.image.repo.replace('{app}', app.name).replace('{team}', app.team);
  const mounts = [
    { mountPath: '/etc/app', name: 'config', readOnly: true },
    { mountPath: '/tmp', name: 'tmp' },
    { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true },
  ];
  const containers = [
    containerTemplate(
      rng,
      app.name.split('-').at(-1) === 'api' ? 'api' : 'app',
      `${repo}:${version}`,
      app.image.style,
      app.image.port,
      app.image.probe,
      `${rng.pick([50, 100, 200, 250, 500, 1000])}m`,
      `${rng.pick([128, 256, 384, 512, 1024, 2048])}Mi`,
      env(rng, app),
      mounts,
    ),
  ];
  for (let i = 0; i < app.sidecars; i++) {
    const s = SIDECARS[i]!;
    containers.push(
      containerTemplate(rng, s.name, s.image, s.style, s.port, 'tcp', s.cpu, s.memory, null, mounts.slice(2)),
    );
  }
  const initContainers = app.hasInit
    ? [
        containerTemplate(
          rng,
          'migrate',
          `${repo}:${version}`,
          'logfmt',
          app.image.port,
          'exec',
          '100m',
          '128Mi',
          env(rng, app).slice(-4),
          mounts.slice(0, 1),
        ),
      ]
    : [];
  return {
    name: '',
    hash: rng.suffix(10),
    uid: rng.uuid(),
    created,
    rv,
    revision,
    replicas: app.replicas,
    containers,
    initContainers,
    podAnnotations: {
      'checksum/config': rng.hex(64),
      'kubectl.kubernetes.io/default-container': containers[0]!.name,
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': '9090',
      'prometheus.io/scrape': 'true',
      ...(rng.chance(0.4)
        ? { 'kubectl.kubernetes.io/restartedAt': isoSeconds(created - rng.int(0, 86_400_000)) }
        : {}),
    },
    version,
  };
}

export function replicaSetName(app: AppState, rs: ReplicaSetState): string {
  return `${app.name}-${rs.hash}`;
}

function podSpec(app: AppState, rs: ReplicaSetState, node: NodeState | null, apiVolume: string): Json {
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            podAffinityTerm: {
              labelSelector: { matchLabels: { 'app.kubernetes.io/instance': app.name } },
              topologyKey: 'kubernetes.io/hostname',
            },
            weight: 100,
          },
        ],
      },
    },
    containers: rs.containers.map((c) => c.spec),
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: false,
    ...(rs.initContainers.length > 0 ? { initContainers: rs.initContainers.map((c) => c.spec) } : {}),
    ...(node ? { nodeName: node.name } : {}),
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: { fsGroup: 10001, runAsGroup: 10001, runAsUser: 10001 },
    serviceAccount: app.serviceAccount,
    serviceAccountName: app.serviceAccount,
    terminationGracePeriodSeconds: 30,
    tolerations: [
      {
        effect: 'NoExecute',
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        tolerationSeconds: 300,
      },
      {
        effect: 'NoExecute',
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        tolerationSeconds: 300,
      },
    ],
    topologySpreadConstraints: [
      {
        labelSelector: { matchLabels: { 'app.kubernetes.io/instance': app.name } },
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
      },
    ],
    volumes: [
      { configMap: { defaultMode: 420, name: app.configMaps[0] }, name: 'config' },
      { emptyDir: { sizeLimit: '256Mi' }, name: 'tmp' },
      {
        name: apiVolume,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            {
              downwardAPI: {
                items: [
                  { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' },
                ],
              },
            },
          ],
        },
      },
    ],
  };
}

function containerStatusJson(c: ContainerStatus): Json {
  const state =
    c.state === 'running'
      ? { running: { startedAt: isoSeconds(c.startedAt!) } }
      : c.state === 'terminated'
        ? {
            terminated: {
              containerID: c.containerId,
              exitCode: c.exitCode,
              finishedAt: isoSeconds(c.finishedAt!),
              reason: c.reason,
              startedAt: isoSeconds(c.startedAt!),
            },
          }
        : { waiting: { reason: c.reason, ...(c.message ? { message: c.message } : {}) } };
  const lastState = c.last
    ? {
        terminated: {
          containerID: c.last.containerId,
          exitCode: c.last.exitCode,
          finishedAt: isoSeconds(c.last.finishedAt),
          reason: c.last.reason,
          startedAt: isoSeconds(c.last.startedAt),
        },
      }
    : {};
  const resources = {
    limits: c.tpl.cpuLimit
      ? { cpu: c.tpl.cpuLimit, memory: c.tpl.memoryLimit }
      : { memory: c.tpl.memoryLimit },
    requests: { cpu: c.tpl.cpuRequest, memory: c.tpl.memoryRequest },
  };
  return {
    allocatedResources: { cpu: c.tpl.cpuRequest, memory: c.tpl.memoryRequest },
    ...(c.containerId ? { containerID: c.containerId } : {}),
    image: c.tpl.image,
    imageID: c.containerId || c.last ? c.tpl.imageId : '',
    lastState,
    name: c.tpl.name,
    ready: c.ready,
    resources,
    restartCount: c.restartCount,
    started: c.state === 'running',
    state,
    user: { linux: { gid: 10001, supplementalGroups: [10001], uid: 10001 } },
    volumeMounts: (c.tpl.spec.volumeMounts as Json[]).map((m) => ({ ...m, recursiveReadOnly: 'Disabled' })),
  };
}

export function podJson(p: PodState): Json {
  const { app, rs } = p;
  const t = (ms: number | null) => (ms === null ? null : isoSeconds(ms));
  const containersReady = p.containers.every((c) => c.ready);
  const notReady = p.containers.filter((c) => !c.ready).map((c) => c.tpl.name);
  const conditions: Json[] = [];
  if (p.sandboxAt !== null) {
    conditions.push({
      lastProbeTime: null,
      lastTransitionTime: t(p.sandboxAt),
      observedGeneration: 1,
      status: 'True',
      type: 'PodReadyToStartContainers',
    });
  }
  if (p.scheduledAt !== null && p.stage !== 'scheduled') {
    conditions.push({
      lastProbeTime: null,
      lastTransitionTime: t(p.initializedAt ?? p.scheduledAt),
      observedGeneration: 1,
      status: p.initializedAt !== null ? 'True' : 'False',
      type: 'Initialized',
      ...(p.initializedAt === null
        ? { reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [migrate]' }
        : {}),
    });
    const readyCondition = (type: string) => ({
      lastProbeTime: null,
      lastTransitionTime: t(p.readyChangedAt ?? p.scheduledAt),
      ...(containersReady ? {} : { message: `containers with unready status: [${notReady.join(' ')}]` }),
      observedGeneration: 1,
      ...(containersReady ? {} : { reason: 'ContainersNotReady' }),
      status: containersReady ? 'True' : 'False',
      type,
    });
    conditions.push(readyCondition('Ready'), readyCondition('ContainersReady'));
  }
  if (p.scheduledAt !== null) {
    conditions.push({
      lastProbeTime: null,
      lastTransitionTime: t(p.scheduledAt),
      observedGeneration: 1,
      status: 'True',
      type: 'PodScheduled',
    });
  }
  const terminated = p.stage === 'killed';
  const status: Json = {
    conditions,
    ...(p.scheduledAt !== null && p.stage !== 'scheduled'
      ? { containerStatuses: p.containers.map(containerStatusJson) }
      : {}),
    ...(p.node ? { hostIP: p.node.ip, hostIPs: [{ ip: p.node.ip }] } : {}),
    ...(p.init && p.stage !== 'scheduled' ? { initContainerStatuses: [containerStatusJson(p.init)] } : {}),
    observedGeneration: 1,
    phase:
      p.stage === 'new' || p.stage === 'pending' || p.stage === 'scheduled' || p.stage === 'creating'
        ? 'Pending'
        : terminated
          ? 'Failed'
          : 'Running',
    ...(p.podIp ? { podIP: p.podIp, podIPs: [{ ip: p.podIp }] } : {}),
    qosClass: 'Burstable',
    ...(p.scheduledAt !== null ? { startTime: t(p.scheduledAt) } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: rs.podAnnotations,
      creationTimestamp: t(p.created),
      ...(p.deletedAt !== null
        ? { deletionGracePeriodSeconds: 30, deletionTimestamp: t(p.deletedAt + 30_000) }
        : {}),
      generateName: `${replicaSetName(app, rs)}-`,
      generation: 1,
      labels: { ...app.labels, 'app.kubernetes.io/version': rs.version, 'pod-template-hash': rs.hash },
      name: p.name,
      namespace: app.namespace,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'ReplicaSet',
          name: replicaSetName(app, rs),
          uid: rs.uid,
        },
      ],
      resourceVersion: String(p.rv),
      uid: p.uid,
    },
    spec: podSpec(app, rs, p.node, p.apiAccessVolume),
    status,
  };
}

function podTemplate(app: AppState, rs: ReplicaSetState): Json {
  const spec = podSpec(app, rs, null, 'kube-api-access');
  return {
    metadata: {
      annotations: rs.podAnnotations,
      labels: { ...app.labels, 'app.kubernetes.io/version': rs.version, 'pod-template-hash': rs.hash },
    },
    spec: { ...spec, volumes: (spec.volumes as Json[]).slice(0, 2) },
  };
}

export interface ReplicaCounts {
  replicas: number;
  ready: number;
  available: number;
  updated: number;
}

export function replicaSetJson(
  app: AppState,
  rs: ReplicaSetState,
  counts: ReplicaCounts,
  desired: number,
): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(app.replicas),
        'deployment.kubernetes.io/max-replicas': String(app.replicas + 1),
        'deployment.kubernetes.io/revision': String(rs.revision),
        'meta.helm.sh/release-name': app.name,
        'meta.helm.sh/release-namespace': app.namespace,
      },
      creationTimestamp: isoSeconds(rs.created),
      generation: rs.revision,
      labels: { ...app.labels, 'app.kubernetes.io/version': rs.version, 'pod-template-hash': rs.hash },
      name: replicaSetName(app, rs),
      namespace: app.namespace,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'Deployment',
          name: app.name,
          uid: app.uid,
        },
      ],
      resourceVersion: String(rs.rv),
      uid: rs.uid,
    },
    spec: {
      replicas: desired,
      selector: {
        matchLabels: {
          'app.kubernetes.io/instance': app.name,
          'app.kubernetes.io/name': app.name,
          'pod-template-hash': rs.hash,
        },
      },
      template: podTemplate(app, rs),
    },
    status: {
      availableReplicas: counts.available,
      fullyLabeledReplicas: counts.replicas,
      observedGeneration: rs.revision,
      readyReplicas: counts.ready,
      replicas: counts.replicas,
    },
  };
}

export function deploymentJson(
  app: AppState,
  counts: ReplicaCounts,
  now: number,
  progressing: boolean,
): Json {
  const rs = app.current;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      annotations: {
        'deployment.kubernetes.io/revision': String(rs.revision),
        'meta.helm.sh/release-name': app.name,
        'meta.helm.sh/release-namespace': app.namespace,
      },
      creationTimestamp: isoSeconds(app.created),
      generation: app.generation,
      labels: { ...app.labels, 'app.kubernetes.io/version': rs.version },
      name: app.name,
      namespace: app.namespace,
      resourceVersion: String(app.rv),
      uid: app.uid,
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: app.replicas,
      revisionHistoryLimit: 10,
      selector: {
        matchLabels: { 'app.kubernetes.io/instance': app.name, 'app.kubernetes.io/name': app.name },
      },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: podTemplate(app, rs),
    },
    status: {
      availableReplicas: counts.available,
      conditions: [
        {
          lastTransitionTime: isoSeconds(app.created + 60_000),
          lastUpdateTime: isoSeconds(counts.available >= app.replicas ? app.created + 60_000 : now),
          message:
            counts.available >= app.replicas
              ? 'Deployment has minimum availability.'
              : 'Deployment does not have minimum availability.',
          reason:
            counts.available >= app.replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          status: counts.available >= app.replicas ? 'True' : 'False',
          type: 'Available',
        },
        {
          lastTransitionTime: isoSeconds(rs.created),
          lastUpdateTime: isoSeconds(now),
          message: progressing
            ? `ReplicaSet "${replicaSetName(app, rs)}" is progressing.`
            : `ReplicaSet "${replicaSetName(app, rs)}" has successfully progressed.`,
          reason: progressing ? 'ReplicaSetUpdated' : 'NewReplicaSetAvailable',
          status: 'True',
          type: 'Progressing',
        },
      ],
      observedGeneration: app.generation,
      readyReplicas: counts.ready,
      replicas: counts.replicas,
      updatedReplicas: counts.updated,
    },
  };
}

export function serviceJson(app: AppState): Json {
  const s = app.service;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      annotations: {
        'meta.helm.sh/release-name': app.name,
        'meta.helm.sh/release-namespace': app.namespace,
        ...(s.annotation > 0
          ? { 'service.kubernetes.io/topology-mode': s.annotation % 2 ? 'Auto' : 'Disabled' }
          : {}),
      },
      creationTimestamp: isoSeconds(s.created),
      labels: app.labels,
      name: app.name,
      namespace: app.namespace,
      resourceVersion: String(s.rv),
      uid: s.uid,
    },
    spec: {
      clusterIP: s.clusterIp,
      clusterIPs: [s.clusterIp],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
        { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 'metrics' },
      ],
      selector: { 'app.kubernetes.io/instance': app.name, 'app.kubernetes.io/name': app.name },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

export function makeConfigMap(
  rng: Rng,
  app: AppState,
  name: string,
  created: number,
  rv: number,
): ConfigMapState {
  const fill = (line: string) =>
    line
      .replaceAll('{port}', String(app.image.port))
      .replaceAll('{team}', app.team)
      .replaceAll('{conns}', String(rng.int(10, 100)))
      .replaceAll('{ttl}', String(rng.int(30, 3600)))
      .replaceAll('{flag}', String(rng.chance(0.5)))
      .replaceAll('{rate}', String(rng.int(60, 6000)));
  const lines = CONFIG_FILE_LINES.filter(() => rng.chance(0.85)).map(fill);
  return {
    namespace: app.namespace,
    name,
    uid: rng.uuid(),
    created,
    rv,
    leader: null,
    data: name.endsWith('-env')
      ? { LOG_LEVEL: 'info', WORKERS: String(rng.int(1, 16)), CACHE_TTL_SECONDS: String(rng.int(30, 600)) }
      : { 'config.yaml': `${lines.join('\n')}\n` },
    labels: app.labels,
    edits: 0,
  };
}

export function makeLeaderConfigMap(
  rng: Rng,
  namespace: string,
  name: string,
  created: number,
  rv: number,
): ConfigMapState {
  return {
    namespace,
    name,
    uid: rng.uuid(),
    created,
    rv,
    leader: {
      holder: `${name}-${rng.suffix(10)}-${rng.suffix(5)}_${rng.uuid()}`,
      acquired: created,
      renewed: created,
      transitions: rng.int(0, 9),
    },
    data: {},
    labels: {},
    edits: 0,
  };
}

export function configMapJson(c: ConfigMapState): Json {
  const leader = c.leader
    ? {
        'control-plane.alpha.kubernetes.io/leader': JSON.stringify({
          holderIdentity: c.leader.holder,
          leaseDurationSeconds: 15,
          acquireTime: isoSeconds(c.leader.acquired),
          renewTime: isoSeconds(c.leader.renewed),
          leaderTransitions: c.leader.transitions,
        }),
      }
    : null;
  return {
    apiVersion: 'v1',
    ...(c.leader ? {} : { data: c.data }),
    kind: 'ConfigMap',
    metadata: {
      ...(leader
        ? { annotations: leader }
        : { annotations: { 'meta.helm.sh/release-name': c.labels['app.kubernetes.io/instance'] ?? c.name } }),
      creationTimestamp: isoSeconds(c.created),
      ...(c.leader ? {} : { labels: c.labels }),
      name: c.name,
      namespace: c.namespace,
      resourceVersion: String(c.rv),
      uid: c.uid,
    },
  };
}
