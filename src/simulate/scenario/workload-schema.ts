// The workloads of a scenario file: Deployments, StatefulSets, DaemonSets, Jobs and CronJobs, their
// containers (probes, env, volumes) and the application model each container runs.

import { z } from 'zod';
import { TolerationSchema } from './cluster-schema.ts';
import { Duration, Labels, Name, Quantity } from './fields.ts';

export const ResourcesSchema = z.strictObject({ cpu: Quantity.optional(), memory: Quantity.optional() });

export const ProbeSchema = z.strictObject({
  path: z.string().default('/healthz'),
  port: z.number().int().default(8080),
  period: Duration.default('10s'),
  initialDelay: Duration.default('0s'),
  failureThreshold: z.number().int().min(1).default(3),
  timeout: Duration.default('1s'),
});

/** How the application inside a container behaves; faults in the timeline change it. */
export const AppSchema = z.strictObject({
  /** web: serves requests and logs them; worker: processes jobs; batch: runs then exits; db: a database. */
  type: z.enum(['web', 'worker', 'batch', 'db', 'dns', 'agent']).default('web'),
  /** Steady working set. */
  memory: Quantity.default('64Mi'),
  /** Steady CPU use (per replica), before load. */
  cpu: Quantity.default('50m'),
  /** Time from start to ready. */
  startup: Duration.default('4s'),
  /** batch: run time and exit code. */
  runFor: Duration.default('30s'),
  exitCode: z.number().int().default(0),
  /** batch: what it prints on stderr as it exits (a shell's "sh: wge: not found"), instead of a summary. */
  exitLines: z.array(z.string()).optional(),
  /** An env var the app validates at start: a value not matching `valid` makes it panic. */
  config: z
    .strictObject({
      /** Read from this env var at start... */
      env: z.string().optional(),
      /** ...or from this key of a ConfigMap the pod mounts as a volume. */
      configMap: z.strictObject({ name: Name, key: z.string() }).optional(),
      valid: z.string(),
      /** Watch the mounted file and reload on change (a bad value then crashes running pods too). */
      reload: z.boolean().default(false),
    })
    .refine(
      (c) => (c.env === undefined) !== (c.configMap === undefined),
      'give exactly one of env or configMap',
    )
    .optional(),
  /** Services the app connects to (host:port); failures there show in its logs. */
  dependsOn: z.array(z.string()).default([]),
  /** Seconds between routine log lines. */
  logEvery: Duration.default('20s'),
  /** Language, for the shape of crash output. */
  runtime: z.enum(['go', 'java', 'node', 'python']).default('go'),
  /** Ephemeral storage the container writes (writable layer and logs) once started. */
  disk: Quantity.default('20Mi'),
  /** Processes and threads (PIDs) the container runs; the default depends on the runtime. */
  processes: z.number().int().min(1).optional(),
  /** Exit with an error when a dependency is unreachable (a controller that cannot reach its API
   * server), instead of logging the failure and carrying on: the container then crash-loops. */
  failFast: z.boolean().default(false),
});

/**
 * A change to an application model: only the fields given (zod's partial() would fill in the
 * defaults of the others and silently reset them).
 */
export const AppPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(AppSchema.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? field.unwrap() : field).optional(),
    ]),
  ),
) as unknown as z.ZodType<Partial<z.output<typeof AppSchema>>, Partial<z.input<typeof AppSchema>>>;

export const EnvSchema = z.strictObject({
  name: z.string(),
  value: z.string().optional(),
  configMapKey: z.strictObject({ name: Name, key: z.string() }).optional(),
  secretKey: z.strictObject({ name: Name, key: z.string() }).optional(),
});

const VolumeSchema = z.strictObject({
  name: Name,
  mountPath: z.string(),
  configMap: Name.optional(),
  secret: Name.optional(),
  pvc: Name.optional(),
  emptyDir: z.boolean().optional(),
});

export const ContainerSchema = z.strictObject({
  name: Name,
  image: z.string(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  ports: z.array(z.number().int()).default([]),
  requests: ResourcesSchema.optional(),
  limits: ResourcesSchema.optional(),
  env: z.array(EnvSchema).default([]),
  envFrom: z.array(z.strictObject({ configMap: Name.optional(), secret: Name.optional() })).default([]),
  volumes: z.array(VolumeSchema).default([]),
  readiness: ProbeSchema.optional(),
  startup: ProbeSchema.optional(),
  liveness: ProbeSchema.optional(),
  app: AppSchema.default(AppSchema.parse({})),
});

const PodTemplateFields = {
  labels: Labels.default({}),
  annotations: Labels.default({}),
  containers: z.array(ContainerSchema).min(1),
  /** Run one after another to completion before the containers start (give them a batch app). */
  initContainers: z.array(ContainerSchema).default([]),
  nodeSelector: Labels.optional(),
  /** Bind the pods to this node directly, bypassing the scheduler: only the kubelet checks they fit. */
  nodeName: Name.optional(),
  tolerations: z.array(TolerationSchema).default([]),
  serviceAccount: Name.default('default'),
  /** Secrets holding registry credentials, named in the pod spec; a private registry accepts the
   * pull only when one of them exists. */
  imagePullSecrets: z.array(Name).default([]),
  priorityClassName: z.string().optional(),
  terminationGracePeriod: z.number().int().default(30),
  /** Finalizers the pods carry (a controller's hook on their deletion): with none to clear them, a
   * deleted pod stays Terminating after its containers stopped. */
  finalizers: z.array(z.string()).default([]),
};

const ServiceSchema = z.strictObject({
  name: Name.optional(),
  port: z.number().int().default(80),
  targetPort: z.number().int().optional(),
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP'),
  /** A selector differing from the pods' labels (to model a Service that selects nothing). */
  selector: Labels.optional(),
});

const HpaSchema = z.strictObject({
  min: z.number().int().min(1),
  max: z.number().int().min(1),
  cpu: z.number().int().default(70),
});
const PdbSchema = z.strictObject({
  minAvailable: z.number().int().optional(),
  maxUnavailable: z.number().int().optional(),
});

const Common = { namespace: Name, name: Name, ...PodTemplateFields };

export const DeploymentSchema = z.strictObject({
  kind: z.literal('Deployment'),
  ...Common,
  replicas: z.number().int().min(0).default(2),
  maxSurge: z.union([z.number().int(), z.string()]).default('25%'),
  maxUnavailable: z.union([z.number().int(), z.string()]).default('25%'),
  progressDeadline: Duration.default('10m'),
  minReadySeconds: z.number().int().default(0),
  revisionHistoryLimit: z.number().int().default(10),
  service: ServiceSchema.optional(),
  hpa: HpaSchema.optional(),
  pdb: PdbSchema.optional(),
  ingress: z.strictObject({ host: z.string() }).optional(),
});

export const StatefulSetSchema = z.strictObject({
  kind: z.literal('StatefulSet'),
  ...Common,
  replicas: z.number().int().min(0).default(3),
  volumeClaimTemplates: z
    .array(
      z.strictObject({ name: Name, storageClass: z.string().optional(), size: Quantity.default('10Gi') }),
    )
    .default([]),
  service: ServiceSchema.optional(),
  pdb: PdbSchema.optional(),
});

/** Network plugins (CNI) the simulated kubelet knows: how each sets up a pod's network. */
export const NETWORK_PLUGINS = ['flannel', 'calico', 'cilium', 'weave'] as const;

export const DaemonSetSchema = z.strictObject({
  kind: z.literal('DaemonSet'),
  ...Common,
  service: ServiceSchema.optional(),
  /** This DaemonSet is the cluster's network plugin: its pods run on the host network, and the
   * kubelet can give other pods a network only while the plugin's pod on its node is up. */
  networkPlugin: z.enum(NETWORK_PLUGINS).optional(),
  /** Its pods run on the host's network (kube-proxy, node agents): they need no pod network. */
  hostNetwork: z.boolean().default(false),
});

const JobFields = {
  completions: z.number().int().min(1).default(1),
  parallelism: z.number().int().min(1).default(1),
  backoffLimit: z.number().int().min(0).default(6),
  activeDeadline: Duration.optional(),
  restartPolicy: z.enum(['Never', 'OnFailure']).default('Never'),
};

export const JobSchema = z.strictObject({ kind: z.literal('Job'), ...Common, ...JobFields });

export const CronJobSchema = z.strictObject({
  kind: z.literal('CronJob'),
  ...Common,
  ...JobFields,
  schedule: z.string(),
  concurrencyPolicy: z.enum(['Allow', 'Forbid', 'Replace']).default('Forbid'),
  successfulJobsHistoryLimit: z.number().int().default(3),
  failedJobsHistoryLimit: z.number().int().default(1),
  startingDeadline: Duration.optional(),
  suspend: z.boolean().default(false),
});

export const WorkloadSchema = z.discriminatedUnion('kind', [
  DeploymentSchema,
  StatefulSetSchema,
  DaemonSetSchema,
  JobSchema,
  CronJobSchema,
]);
