// The timeline of a scenario file: the changes people make and the faults that happen, each at a
// time from the start (set-image, set-config, scale, node and registry failures…).

import { z } from 'zod';
import { Duration, Name, Quantity } from './fields.ts';
import { AppPatchSchema, EnvSchema, ResourcesSchema } from './workload-schema.ts';

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
    /** kubectl patch of a claim's requested storage: the CSI resizer expands its volume. */
    action: z.literal('resize-pvc'),
    ...At,
    ...Target,
    size: Quantity,
  }),
  z.strictObject({
    /** An administrator deletes the volume of a bound claim and clears its finalizers (kubectl
     * delete pv, then kubectl patch it with finalizers null): the claim is Lost. */
    action: z.literal('delete-volume'),
    ...At,
    ...Target,
  }),
  z.strictObject({
    action: z.literal('delete'),
    ...At,
    namespace: Name,
    name: Name,
    kind: z.enum(['ConfigMap', 'Secret', 'Pod', 'PersistentVolumeClaim', 'RoleBinding']),
  }),
  z.strictObject({
    /** kubectl edit of a Role: its new rules (`verb resource`); users bound to it lose the others. */
    action: z.literal('set-role-rules'),
    ...At,
    ...Target,
    rules: z.array(z.string().regex(/^\S+ \S+$/, '`verb resource`')),
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
