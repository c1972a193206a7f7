// The resources a scenario's cluster starts with besides its workloads: config, secrets, quotas and
// limit ranges, storage, webhooks, Gatekeeper, certificates and Argo CD Applications.

import { z } from 'zod';
import { Duration, Name, Quantity } from './fields.ts';
import { ResourcesSchema } from './workload-schema.ts';

const NamespacedName = { namespace: Name, name: Name };

export const ResourcesSectionSchema = z.strictObject({
  /** A Role of these rules (`verb resource`, e.g. `patch deployments`) and a RoleBinding of the same
   * name that grants it to users (`system:serviceaccount:<ns>:<name>` binds the service account):
   * what they may do there until the Role loses a rule (set-role-rules) or the binding is deleted. */
  roles: z
    .array(
      z.strictObject({
        ...NamespacedName,
        rules: z.array(z.string().regex(/^\S+ \S+$/, '`verb resource`')).min(1),
        boundTo: z.array(z.string()).min(1),
      }),
    )
    .default([]),
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
        /** What the CSI driver answers when asked to expand a volume of this class (an expansion fails
         * with it, retried with back-off); unset, expansions succeed. */
        resizeError: z.string().optional(),
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
