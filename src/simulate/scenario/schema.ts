// The scenario file format: the cluster to build, the workloads and their application models, the
// timeline of changes and faults, and the ground truth an analyzer should find. Validated with zod.

import { z } from 'zod';

const Duration = z.union([
  z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h|d))+$/, 'a duration like 30s, 5m or 1h30m'),
  z.number(),
]);
const Quantity = z.union([
  z.string().regex(/^[0-9]+(\.[0-9]+)?[a-zA-Z]*$/, 'a quantity like 250m, 2 or 128Mi'),
  z.number(),
]);
const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a DNS-1123 name (lower case, digits, "-")');
const Labels = z.record(z.string(), z.string());

export const TaintSchema = z.object({
  key: z.string(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

export const TolerationSchema = z.object({
  key: z.string().optional(),
  operator: z.enum(['Equal', 'Exists']).default('Equal'),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

export const NodeSchema = z.strictObject({
  name: Name,
  /** Several nodes named name-1..name-N. */
  count: z.number().int().min(1).max(5000).optional(),
  cpu: Quantity.default('4'),
  memory: Quantity.default('16Gi'),
  pods: z.number().int().default(110),
  zone: z.string().default('eu-west-1a'),
  instanceType: z.string().default('m6i.xlarge'),
  role: z.enum(['worker', 'control-plane']).default('worker'),
  labels: Labels.default({}),
  taints: z.array(TaintSchema).default([]),
  /** Space used on the node's 100 GiB filesystem by everything but pods and images (OS, runtime, logs). */
  diskUsed: Quantity.default('30Gi'),
  /** The kernel's pid_max: processes and threads the node can run (PIDPressure below 10 % left). */
  pidMax: z.number().int().min(1024).default(4194304),
});

const ResourcesSchema = z.strictObject({ cpu: Quantity.optional(), memory: Quantity.optional() });

const ProbeSchema = z.strictObject({
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

const EnvSchema = z.strictObject({
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
  nodeSelector: Labels.optional(),
  tolerations: z.array(TolerationSchema).default([]),
  serviceAccount: Name.default('default'),
  priorityClassName: z.string().optional(),
  terminationGracePeriod: z.number().int().default(30),
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

export const DaemonSetSchema = z.strictObject({
  kind: z.literal('DaemonSet'),
  ...Common,
  service: ServiceSchema.optional(),
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

const NamespacedName = { namespace: Name, name: Name };

export const ResourcesSectionSchema = z.strictObject({
  configMaps: z
    .array(z.strictObject({ ...NamespacedName, data: z.record(z.string(), z.string()).default({}) }))
    .default([]),
  secrets: z
    .array(
      z.strictObject({
        ...NamespacedName,
        type: z.string().default('Opaque'),
        keys: z.array(z.string()).default([]),
        /** kubernetes.io/tls secrets: certificate expiry. */
        notAfter: z.string().optional(),
      }),
    )
    .default([]),
  storageClasses: z
    .array(
      z.strictObject({
        name: Name,
        provisioner: z.string().default('ebs.csi.aws.com'),
        bindingMode: z.enum(['Immediate', 'WaitForFirstConsumer']).default('WaitForFirstConsumer'),
        default: z.boolean().default(false),
        /** What happens to a provisioned volume when its claim is deleted. */
        reclaimPolicy: z.enum(['Delete', 'Retain']).default('Delete'),
      }),
    )
    .default([]),
  pvcs: z
    .array(
      z.strictObject({
        ...NamespacedName,
        storageClass: z.string().optional(),
        size: Quantity.default('10Gi'),
        /** A claim of a statically provisioned volume: binds to this PersistentVolume. */
        volumeName: Name.optional(),
      }),
    )
    .default([]),
  /** Statically provisioned volumes (an administrator created them), bound by volumeName or claim. */
  persistentVolumes: z
    .array(
      z
        .strictObject({
          name: Name,
          storageClass: z.string().default(''),
          size: Quantity.default('10Gi'),
          reclaimPolicy: z.enum(['Retain', 'Delete', 'Recycle']).default('Retain'),
          /** Pre-bound to a claim (spec.claimRef), as `namespace/name`. */
          claim: z
            .string()
            .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'namespace/name')
            .optional(),
          nfs: z.strictObject({ server: z.string(), path: z.string() }).optional(),
          csi: z.strictObject({ driver: z.string(), volumeHandle: z.string() }).optional(),
          local: z.strictObject({ path: z.string(), node: Name }).optional(),
        })
        .refine(
          (v) => [v.nfs, v.csi, v.local].filter(Boolean).length === 1,
          'give exactly one volume source: nfs, csi or local',
        ),
    )
    .default([]),
  resourceQuotas: z
    .array(z.strictObject({ ...NamespacedName, hard: z.record(z.string(), Quantity) }))
    .default([]),
  limitRanges: z
    .array(
      z.strictObject({
        ...NamespacedName,
        max: ResourcesSchema.optional(),
        default: ResourcesSchema.optional(),
        defaultRequest: ResourcesSchema.optional(),
      }),
    )
    .default([]),
  webhooks: z
    .array(
      z.strictObject({
        name: z.string(),
        service: z.strictObject(NamespacedName),
        failurePolicy: z.enum(['Fail', 'Ignore']).default('Fail'),
        namespaces: z.array(Name).default([]),
        /** A label the webhook requires on pods; pods without it are denied. */
        requireLabel: z.string().optional(),
      }),
    )
    .default([]),
  /** OPA Gatekeeper: its webhook (validation.gatekeeper.sh) and K8sRequiredLabels constraints on pods. */
  gatekeeper: z
    .strictObject({
      /** The namespace of gatekeeper-controller-manager and its webhook Service. */
      namespace: Name.default('gatekeeper-system'),
      failurePolicy: z.enum(['Fail', 'Ignore']).default('Ignore'),
      constraints: z
        .array(
          z.strictObject({
            name: Name,
            /** Labels every pod must carry. */
            labels: z.array(z.string()).min(1),
            namespaces: z.array(Name).default([]),
            enforcementAction: z.enum(['deny', 'dryrun', 'warn']).default('deny'),
          }),
        )
        .default([]),
    })
    .optional(),
  /** Argo CD Applications (argoproj.io/v1alpha1) that deploy workloads of the scenario from Git. */
  applications: z
    .array(
      z.strictObject({
        namespace: Name.default('argocd'),
        name: Name,
        project: Name.default('default'),
        repoURL: z.string(),
        path: z.string(),
        targetRevision: z.string().default('main'),
        /** The namespace it deploys to, and the workloads there it manages (with their Services). */
        destination: Name,
        workloads: z.array(Name).min(1),
        /** Automated sync (syncPolicy.automated); selfHeal re-applies Git over changes made in the cluster. */
        automated: z.boolean().default(true),
        selfHeal: z.boolean().default(false),
      }),
    )
    .default([]),
  certificates: z
    .array(
      z.strictObject({
        ...NamespacedName,
        secretName: Name,
        dnsNames: z.array(z.string()).min(1),
        issuer: z.string().default('letsencrypt-prod'),
        /** Validity left at the start of the scenario. */
        expiresIn: Duration.default('60d'),
        /** The issuer refuses renewals from the start (rate-limited ACME account). */
        issuerFailing: z.boolean().default(false),
      }),
    )
    .default([]),
});

export const UserSchema = z.strictObject({
  name: z.string(),
  groups: z.array(z.string()).default(['system:authenticated']),
  /** Requests this user may not make: `verb resource [namespace]`, e.g. `patch deployments shop`. */
  denied: z.array(z.string()).default([]),
  userAgent: z.string().optional(),
});

const At = { at: Duration, by: z.string().default('alice') };
const Target = { namespace: Name, name: Name };

export const ActionSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('set-image'),
    ...At,
    ...Target,
    container: Name.optional(),
    image: z.string(),
    /** How the new version behaves differently (pods started from now on run it). */
    app: AppPatchSchema.optional(),
  }),
  z.strictObject({
    action: z.literal('set-config'),
    ...At,
    ...Target,
    data: z.record(z.string(), z.string()),
  }),
  z.strictObject({
    action: z.literal('restart'),
    ...At,
    ...Target,
    kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']).default('Deployment'),
  }),
  z.strictObject({
    action: z.literal('scale'),
    ...At,
    ...Target,
    replicas: z.number().int().min(0),
    kind: z.enum(['Deployment', 'StatefulSet']).default('Deployment'),
  }),
  z.strictObject({ action: z.literal('rollback'), ...At, ...Target }),
  z.strictObject({
    action: z.literal('set-command'),
    ...At,
    ...Target,
    container: Name.optional(),
    command: z.array(z.string()),
  }),
  z.strictObject({
    action: z.literal('set-env'),
    ...At,
    ...Target,
    container: Name.optional(),
    env: z.array(EnvSchema),
  }),
  z.strictObject({
    action: z.literal('set-resources'),
    ...At,
    ...Target,
    container: Name.optional(),
    requests: ResourcesSchema.optional(),
    limits: ResourcesSchema.optional(),
  }),
  z.strictObject({ action: z.literal('set-quota'), ...At, ...Target, hard: z.record(z.string(), Quantity) }),
  z.strictObject({
    action: z.literal('delete'),
    ...At,
    namespace: Name,
    name: Name,
    kind: z.enum(['ConfigMap', 'Secret', 'Pod', 'PersistentVolumeClaim']),
  }),
  z.strictObject({
    action: z.literal('set-service-account'),
    ...At,
    ...Target,
    serviceAccount: Name,
  }),
  z.strictObject({
    action: z.literal('set-constraint'),
    ...At,
    /** A Gatekeeper constraint of resources.gatekeeper. */
    name: Name,
    enforcementAction: z.enum(['deny', 'dryrun', 'warn']),
  }),
  z.strictObject({
    /** A commit to the Git repository of an Argo CD Application; an automated sync applies it. */
    action: z.literal('git-push'),
    ...At,
    application: Name,
    message: z.string().default('update manifests'),
    changes: z
      .array(
        z.strictObject({
          workload: Name,
          container: Name.optional(),
          image: z.string(),
          /** How the new version behaves differently (pods started from now on run it). */
          app: AppPatchSchema.optional(),
        }),
      )
      .default([]),
    /** The API server refuses the new manifest (422 Invalid) with this message: the sync fails. */
    invalid: z.string().optional(),
    /** Manifest generation fails (kustomize/helm error): a ComparisonError, sync status Unknown. */
    manifestError: z.string().optional(),
  }),
  z.strictObject({
    /** A container writes to its ephemeral storage (logs, files) at `rate` per minute. */
    action: z.literal('disk-fill'),
    ...At,
    ...Target,
    container: Name.optional(),
    rate: Quantity,
  }),
  z.strictObject({
    /** A container leaks processes or threads (PIDs) at `rate` per minute. */
    action: z.literal('pid-leak'),
    ...At,
    ...Target,
    container: Name.optional(),
    rate: z.number().int().min(1),
  }),
  z.strictObject({
    /** A client floods the API server; API Priority and Fairness admits `admitted` a second, 429 for the rest. */
    action: z.literal('api-flood'),
    ...At,
    user: z.string(),
    verb: z.enum(['get', 'list', 'watch']),
    resource: z.string(),
    namespace: Name.optional(),
    rate: z.number().min(0.1).default(5),
    admitted: z.number().min(0).default(2),
    for: Duration,
  }),
  z.strictObject({ action: z.literal('cordon'), ...At, node: Name }),
  z.strictObject({ action: z.literal('drain'), ...At, node: Name }),
  z.strictObject({ action: z.literal('uncordon'), ...At, node: Name }),
  z.strictObject({
    action: z.literal('node-pressure'),
    ...At,
    node: Name,
    resource: z.enum(['memory', 'disk', 'pid']),
    for: Duration.optional(),
  }),
  z.strictObject({ action: z.literal('node-lost'), ...At, node: Name, for: Duration.optional() }),
  z.strictObject({
    action: z.literal('registry-down'),
    ...At,
    registry: z.string(),
    for: Duration.optional(),
  }),
  z.strictObject({
    action: z.literal('memory-leak'),
    ...At,
    ...Target,
    container: Name.optional(),
    rate: Quantity,
  }),
  z.strictObject({
    action: z.literal('probe-fail'),
    ...At,
    ...Target,
    container: Name.optional(),
    probe: z.enum(['startup', 'readiness', 'liveness']),
    for: Duration.optional(),
  }),
  z.strictObject({ action: z.literal('load'), ...At, ...Target, factor: z.number().min(0) }),
  z.strictObject({
    action: z.literal('dependency-down'),
    ...At,
    host: z.string(),
    mode: z.enum(['refused', 'dns', 'timeout']).default('refused'),
    for: Duration.optional(),
  }),
  z.strictObject({ action: z.literal('webhook-down'), ...At, name: z.string(), for: Duration.optional() }),
  z.strictObject({
    action: z.literal('api-requests'),
    ...At,
    user: z.string(),
    verb: z.string(),
    resource: z.string(),
    namespace: Name.optional(),
    name: z.string().optional(),
    count: z.number().int().min(1).default(1),
    every: Duration.default('30s'),
  }),
  z.strictObject({ action: z.literal('create-job'), ...At, namespace: Name, cronJob: Name }),
]);

export const ExpectSchema = z.strictObject({
  findings: z
    .array(
      z.strictObject({
        pattern: z.string(),
        /** `namespace/Kind/name`, or `Kind/name` for cluster-scoped subjects. */
        subject: z.string(),
        container: z.string().optional(),
      }),
    )
    .default([]),
  /** Pattern ids of the causal chain, root cause first. */
  chain: z.array(z.string()).default([]),
  /** Subjects that must have no finding (the healthy background). */
  healthy: z.array(z.string()).default([]),
});

export const ScenarioSchema = z.strictObject({
  name: Name,
  description: z.string().min(1),
  duration: Duration,
  start: z.string().datetime({ offset: true }).optional(),
  seed: z.number().int().nonnegative().default(1),
  cluster: z
    .strictObject({ name: z.string().default('sim-cluster'), version: z.string().default('v1.34.1') })
    .default({ name: 'sim-cluster', version: 'v1.34.1' }),
  metrics: z.strictObject({ interval: Duration.default('30s') }).default({ interval: '30s' }),
  /** Images that do not exist in their registry. */
  missingImages: z.array(z.string()).default([]),
  /** Registries that need pull credentials the pods do not have. */
  privateRegistries: z.array(z.string()).default([]),
  nodes: z.array(NodeSchema).min(1),
  namespaces: z.array(Name).default([]),
  users: z.array(UserSchema).default([]),
  resources: ResourcesSectionSchema.default(ResourcesSectionSchema.parse({})),
  workloads: z.array(WorkloadSchema).default([]),
  timeline: z.array(ActionSchema).default([]),
  expect: ExpectSchema.default(ExpectSchema.parse({})),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type NodeSpec = z.infer<typeof NodeSchema>;
export type Workload = z.infer<typeof WorkloadSchema>;
export type DeploymentSpec = z.infer<typeof DeploymentSchema>;
export type StatefulSetSpec = z.infer<typeof StatefulSetSchema>;
export type DaemonSetSpec = z.infer<typeof DaemonSetSchema>;
export type JobSpec = z.infer<typeof JobSchema>;
export type CronJobSpec = z.infer<typeof CronJobSchema>;
export type ContainerSpec = z.infer<typeof ContainerSchema>;
export type AppSpec = z.infer<typeof AppSchema>;
export type Action = z.infer<typeof ActionSchema>;
export type ProbeSpec = z.infer<typeof ProbeSchema>;
export type ExpectedFinding = z.infer<typeof ExpectSchema>['findings'][number];
