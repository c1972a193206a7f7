// The scenario file format: the cluster to build, the workloads and their application models, the
// timeline of changes and faults, and the ground truth an analyzer should find. Validated with zod;
// each section has its own file beside this one.

import { z } from 'zod';
import { NodeSchema, UserSchema } from './cluster-schema.ts';
import { Duration, Name } from './fields.ts';
import { ResourcesSectionSchema } from './resources-schema.ts';
import { ActionSchema } from './timeline-schema.ts';
import {
  type AppSchema,
  type ContainerSchema,
  type CronJobSchema,
  type DaemonSetSchema,
  type DeploymentSchema,
  type JobSchema,
  type ProbeSchema,
  type StatefulSetSchema,
  WorkloadSchema,
} from './workload-schema.ts';

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
    .strictObject({
      name: z.string().default('sim-cluster'),
      version: z.string().default('v1.34.1'),
      /** `none`: no network plugin was ever installed (kubeadm init without one): no node has a CNI
       * configuration, so every node stays NotReady and its pods off the host network get none. */
      podNetwork: z.enum(['installed', 'none']).default('installed'),
      /** What the cloud answers the service controller when asked for a load balancer (subnets,
       * quota, permissions): Services of type LoadBalancer then get none. Unset, they get one. */
      loadBalancerError: z.string().optional(),
    })
    .default({ name: 'sim-cluster', version: 'v1.34.1', podNetwork: 'installed' }),
  /** What the recording could not read: object kinds left out (an identity whose RBAC does not
   * list them, or `kstory record --exclude`), e.g. `[Node]` for a recorder with namespaced rights. */
  recorded: z.strictObject({ withoutKinds: z.array(z.string()).default([]) }).default({ withoutKinds: [] }),
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
