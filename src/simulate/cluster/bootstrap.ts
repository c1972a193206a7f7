// Builds the scenario's cluster through the API, as its operators did before the recording: system
// namespaces and add-ons, nodes registering, then what the scenario declares (storage and static
// volumes, config, quotas, webhooks, Gatekeeper and its constraints, the Certificate CRD, workloads
// with their ServiceAccounts, Services, HPAs, PDBs and Ingresses, Argo CD Applications).

import type { Actor } from '../api/actors.ts';
import { GATEKEEPER_WEBHOOK } from '../api/admission.ts';
import type { SimContext } from '../engine/context.ts';
import { sha256Hex } from '../engine/hash.ts';
import { formatBytes, parseBytes, parseDuration } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';
import type { GitCommit } from '../engine/world.ts';
import type { Workload } from '../scenario/schema.ts';
import { selectorLabelsOf, workloadManifest } from './templates.ts';

export function bootstrapCluster(sim: SimContext, admin: Actor): void {
  const { api, scenario, rng } = sim;
  const s = scenario;
  const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...s.namespaces];
  if (s.resources.certificates.length > 0) namespaces.push('cert-manager');
  if (s.resources.gatekeeper) namespaces.push(s.resources.gatekeeper.namespace);
  for (const app of s.resources.applications) namespaces.push(app.namespace);
  for (const ns of new Set(namespaces)) {
    api.create(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
      admin,
    );
    api.create(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } },
      admin,
    );
    api.create(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt',
          namespace: ns,
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No trust relationship between the CA and any other endpoint is implied.',
          },
        },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n' },
      } as KubeObject,
      admin,
    );
  }
  api.create(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: '10.96.0.1',
        clusterIPs: ['10.96.0.1'],
        internalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
        sessionAffinity: 'None',
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    },
    admin,
  );

  for (const sc of s.resources.storageClasses) {
    api.create(
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: sc.name,
          ...(sc.default ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
        },
        provisioner: sc.provisioner,
        parameters: { type: 'gp3' },
        reclaimPolicy: sc.reclaimPolicy,
        volumeBindingMode: sc.bindingMode,
        allowVolumeExpansion: true,
      } as KubeObject,
      admin,
    );
  }
  for (const cm of s.resources.configMaps) {
    api.create(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: cm.name, namespace: cm.namespace },
        data: { ...cm.data },
      } as KubeObject,
      admin,
    );
  }
  for (const secret of s.resources.secrets) {
    const data: Record<string, string> = {};
    for (const k of secret.keys) data[k] = Buffer.from(rng.hex(24)).toString('base64');
    if (secret.type === 'kubernetes.io/tls') {
      data['tls.crt'] = Buffer.from(
        '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n',
      ).toString('base64');
      data['tls.key'] = Buffer.from(
        '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n',
      ).toString('base64');
    }
    api.create(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: secret.name,
          namespace: secret.namespace,
          ...(secret.notAfter ? { annotations: { 'cert-manager.io/certificate-name': secret.name } } : {}),
        },
        type: secret.type,
        data,
      } as KubeObject,
      admin,
    );
  }
  for (const q of s.resources.resourceQuotas) {
    const hard = Object.fromEntries(Object.entries(q.hard).map(([k, v]) => [k, String(v)]));
    api.create(
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: q.name, namespace: q.namespace },
        spec: { hard },
      } as KubeObject,
      admin,
    );
  }
  for (const lr of s.resources.limitRanges) {
    const conv = (r: { cpu?: string | number; memory?: string | number } | undefined) =>
      r
        ? Object.fromEntries(
            Object.entries(r).map(([k, v]) => [
              k,
              k === 'memory' ? formatBytes(parseBytes(v as string)) : String(v),
            ]),
          )
        : undefined;
    api.create(
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: lr.name, namespace: lr.namespace },
        spec: {
          limits: [
            {
              type: 'Container',
              ...(lr.max ? { max: conv(lr.max) } : {}),
              ...(lr.default ? { default: conv(lr.default) } : {}),
              ...(lr.defaultRequest ? { defaultRequest: conv(lr.defaultRequest) } : {}),
            },
          ],
        },
      } as KubeObject,
      admin,
    );
  }
  for (const pv of s.resources.persistentVolumes) createStaticVolume(sim, admin, pv);
  for (const pvc of s.resources.pvcs) {
    api.create(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: pvc.name, namespace: pvc.namespace, finalizers: ['kubernetes.io/pvc-protection'] },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: formatBytes(parseBytes(pvc.size)) } },
          ...(pvc.storageClass !== undefined ? { storageClassName: pvc.storageClass } : {}),
          ...(pvc.volumeName ? { volumeName: pvc.volumeName } : {}),
          volumeMode: 'Filesystem',
        },
        status: { phase: 'Pending' },
      } as KubeObject,
      admin,
    );
  }
  for (const hook of s.resources.webhooks) {
    api.create(
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: {
          name: hook.name.split('.').slice(1).join('.') || hook.name,
          ...(hook.requireLabel
            ? { annotations: { 'policy.example.com/require-label': hook.requireLabel } }
            : {}),
        },
        webhooks: [
          {
            name: hook.name,
            admissionReviewVersions: ['v1'],
            clientConfig: {
              service: {
                namespace: hook.service.namespace,
                name: hook.service.name,
                path: '/validate',
                port: 443,
              },
            },
            failurePolicy: hook.failurePolicy,
            matchPolicy: 'Equivalent',
            namespaceSelector:
              hook.namespaces.length > 0
                ? {
                    matchExpressions: [
                      { key: 'kubernetes.io/metadata.name', operator: 'In', values: hook.namespaces },
                    ],
                  }
                : {},
            objectSelector: {},
            rules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE'],
                resources: ['pods'],
                scope: '*',
              },
            ],
            sideEffects: 'None',
            timeoutSeconds: 10,
          },
        ],
      } as KubeObject,
      admin,
    );
  }
  if (s.resources.gatekeeper) createGatekeeper(sim, admin, s.resources.gatekeeper);
  if (s.resources.certificates.length > 0) createCertificates(sim, admin);
  // ServiceAccounts the workloads run as (the admission plugin refuses pods of a missing one).
  for (const w of s.workloads) {
    if (w.serviceAccount === 'default' || api.get('ServiceAccount', w.namespace, w.serviceAccount)) continue;
    api.create(
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: w.serviceAccount, namespace: w.namespace },
      },
      admin,
    );
  }
  for (const w of s.workloads) createWorkload(sim, w, admin);
  if (s.resources.applications.length > 0) createApplications(sim, admin);
}

type Resources = SimContext['scenario']['resources'];

/** A PersistentVolume an administrator created: Pending until the controller makes it Available. */
function createStaticVolume(sim: SimContext, admin: Actor, pv: Resources['persistentVolumes'][number]): void {
  const source = pv.nfs
    ? { nfs: { server: pv.nfs.server, path: pv.nfs.path } }
    : pv.csi
      ? { csi: { driver: pv.csi.driver, volumeHandle: pv.csi.volumeHandle, fsType: 'ext4' } }
      : {
          local: { path: pv.local!.path },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: [pv.local!.node] },
                  ],
                },
              ],
            },
          },
        };
  const [claimNamespace, claimName] = pv.claim?.split('/') ?? [];
  sim.api.create(
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pv.name, finalizers: ['kubernetes.io/pv-protection'] },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: formatBytes(parseBytes(pv.size)) },
        ...(pv.claim
          ? {
              claimRef: {
                apiVersion: 'v1',
                kind: 'PersistentVolumeClaim',
                namespace: claimNamespace,
                name: claimName,
              },
            }
          : {}),
        ...source,
        persistentVolumeReclaimPolicy: pv.reclaimPolicy,
        storageClassName: pv.storageClass,
        volumeMode: 'Filesystem',
      },
      // PrepareForCreate: a new volume is Pending, with the time of that phase.
      status: { phase: 'Pending', lastPhaseTransitionTime: sim.clock.iso() },
    },
    admin,
  );
}

/** A CustomResourceDefinition as its operator's chart installs it, Established. */
function createCrd(
  sim: SimContext,
  admin: Actor,
  crd: {
    group: string;
    kind: string;
    plural: string;
    version: string;
    scope: 'Namespaced' | 'Cluster';
    shortNames?: string[];
    categories?: string[];
    statusSubresource: boolean;
    labels: Record<string, string>;
  },
): void {
  sim.api.create(
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${crd.plural}.${crd.group}`, labels: crd.labels },
      spec: {
        group: crd.group,
        names: {
          kind: crd.kind,
          listKind: `${crd.kind}List`,
          plural: crd.plural,
          ...(crd.shortNames ? { shortNames: crd.shortNames } : {}),
          singular: crd.kind.toLowerCase(),
          ...(crd.categories ? { categories: crd.categories } : {}),
        },
        scope: crd.scope,
        versions: [
          {
            name: crd.version,
            served: true,
            storage: true,
            ...(crd.statusSubresource ? { subresources: { status: {} } } : {}),
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
      status: {
        acceptedNames: { kind: crd.kind, plural: crd.plural },
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            reason: 'NoConflicts',
            message: 'no conflicts found',
            lastTransitionTime: sim.clock.iso(),
          },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
            lastTransitionTime: sim.clock.iso(),
          },
        ],
        storedVersions: [crd.version],
      },
    } as KubeObject,
    admin,
  );
}

/**
 * OPA Gatekeeper as its chart installs it: the ConstraintTemplate CRD, the k8srequiredlabels
 * template (from the Gatekeeper library) and its constraint CRD, the scenario's constraints, and
 * the validating webhook (failurePolicy Ignore by default).
 */
function createGatekeeper(sim: SimContext, admin: Actor, gk: NonNullable<Resources['gatekeeper']>): void {
  const { api } = sim;
  const labels = { 'app.kubernetes.io/name': 'gatekeeper', 'gatekeeper.sh/system': 'yes' };
  createCrd(sim, admin, {
    group: 'templates.gatekeeper.sh',
    kind: 'ConstraintTemplate',
    plural: 'constrainttemplates',
    version: 'v1',
    scope: 'Cluster',
    shortNames: ['constraints'],
    statusSubresource: true,
    labels,
  });
  api.create(
    {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: {
        name: 'k8srequiredlabels',
        annotations: {
          'metadata.gatekeeper.sh/title': 'Required Labels',
          'metadata.gatekeeper.sh/version': '1.1.2',
          description:
            'Requires resources to contain specified labels, with values matching provided regular expressions.',
        },
      },
      spec: {
        crd: {
          spec: {
            names: { kind: 'K8sRequiredLabels' },
            validation: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  message: { type: 'string' },
                  labels: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: { key: { type: 'string' }, allowedRegex: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
        targets: [
          {
            target: 'admission.k8s.gatekeeper.sh',
            rego: [
              'package k8srequiredlabels',
              'violation[{"msg": msg, "details": {"missing_labels": missing}}] {',
              '  provided := {label | input.review.object.metadata.labels[label]}',
              '  required := {label | label := input.parameters.labels[_].key}',
              '  missing := required - provided',
              '  count(missing) > 0',
              '  msg := sprintf("you must provide labels: %v", [missing])',
              '}',
            ].join('\n'),
          },
        ],
      },
      status: { created: true },
    } as KubeObject,
    admin,
  );
  createCrd(sim, admin, {
    group: 'constraints.gatekeeper.sh',
    kind: 'K8sRequiredLabels',
    plural: 'k8srequiredlabels',
    version: 'v1beta1',
    scope: 'Cluster',
    categories: ['constraint', 'constraints'],
    statusSubresource: true,
    labels: { 'gatekeeper.sh/constraint': 'yes' },
  });
  for (const c of gk.constraints) {
    api.create(
      {
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: 'K8sRequiredLabels',
        metadata: { name: c.name },
        spec: {
          enforcementAction: c.enforcementAction,
          match: {
            kinds: [{ apiGroups: [''], kinds: ['Pod'] }],
            ...(c.namespaces.length > 0 ? { namespaces: c.namespaces } : {}),
          },
          parameters: { labels: c.labels.map((key) => ({ key })) },
        },
      } as KubeObject,
      admin,
    );
  }
  api.create(
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: {
        name: 'gatekeeper-validating-webhook-configuration',
        labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm' },
      },
      webhooks: [
        {
          name: GATEKEEPER_WEBHOOK,
          admissionReviewVersions: ['v1', 'v1beta1'],
          clientConfig: {
            service: {
              namespace: gk.namespace,
              name: 'gatekeeper-webhook-service',
              path: '/v1/admit',
              port: 443,
            },
          },
          failurePolicy: gk.failurePolicy,
          matchPolicy: 'Exact',
          namespaceSelector: {
            matchExpressions: [{ key: 'admission.gatekeeper.sh/ignore', operator: 'DoesNotExist' }],
          },
          objectSelector: {},
          rules: [
            {
              apiGroups: ['*'],
              apiVersions: ['*'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['*', 'pods/ephemeralcontainers', 'pods/exec', 'pods/log', 'pods/eviction'],
              scope: '*',
            },
          ],
          sideEffects: 'None',
          timeoutSeconds: 3,
        },
      ],
    } as KubeObject,
    admin,
  );
}

/** Argo CD's Application CRD and the scenario's Applications, first synced by the controller. */
function createApplications(sim: SimContext, admin: Actor): void {
  createCrd(sim, admin, {
    group: 'argoproj.io',
    kind: 'Application',
    plural: 'applications',
    version: 'v1alpha1',
    scope: 'Namespaced',
    shortNames: ['app', 'apps'],
    statusSubresource: false,
    labels: { 'app.kubernetes.io/name': 'applications.argoproj.io', 'app.kubernetes.io/part-of': 'argocd' },
  });
  for (const app of sim.scenario.resources.applications) {
    sim.world.git.set(`${app.namespace}/${app.name}`, [initialCommit(sim, app)]);
    sim.api.create(
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: app.name,
          namespace: app.namespace,
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          destination: { namespace: app.destination, server: 'https://kubernetes.default.svc' },
          project: app.project,
          source: { path: app.path, repoURL: app.repoURL, targetRevision: app.targetRevision },
          ...(app.automated ? { syncPolicy: { automated: { prune: true, selfHeal: app.selfHeal } } } : {}),
        },
      } as KubeObject,
      admin,
    );
  }
}

/** The commit the scenario's manifests stand at: the workloads' images as declared. */
function initialCommit(sim: SimContext, app: Resources['applications'][number]): GitCommit {
  const images = new Map<string, string>();
  for (const name of app.workloads) {
    const w = sim.scenario.workloads.find((x) => x.namespace === app.destination && x.name === name);
    for (const c of w?.containers ?? []) images.set(`${name}/${c.name}`, c.image);
  }
  return {
    revision: gitRevision(`${app.repoURL}#${app.name}#initial`),
    message: 'initial manifests',
    at: sim.clock.now,
    images,
    changes: [],
  };
}

/** A commit SHA, deterministic from what identifies the commit. */
export function gitRevision(seed: string): string {
  return sha256Hex(seed).slice(0, 40);
}

function createCertificates(sim: SimContext, admin: Actor): void {
  const { api, scenario, clock } = sim;
  api.create(
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: 'certificates.cert-manager.io',
        labels: { 'app.kubernetes.io/name': 'cert-manager' },
      },
      spec: {
        group: 'cert-manager.io',
        names: {
          kind: 'Certificate',
          listKind: 'CertificateList',
          plural: 'certificates',
          shortNames: ['cert', 'certs'],
          singular: 'certificate',
          categories: ['cert-manager'],
        },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
      status: {
        acceptedNames: { kind: 'Certificate', plural: 'certificates' },
        conditions: [
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
            lastTransitionTime: clock.iso(),
          },
        ],
        storedVersions: ['v1'],
      },
    } as KubeObject,
    admin,
  );
  for (const c of scenario.resources.certificates) {
    if (c.issuerFailing)
      sim.world.dependenciesDown.set(`acme:${c.issuer}`, {
        mode: 'refused',
        until: Number.POSITIVE_INFINITY,
      });
    const created = api.create(
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: c.name, namespace: c.namespace },
        spec: {
          secretName: c.secretName,
          dnsNames: c.dnsNames,
          issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: c.issuer },
          privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          duration: '2160h0m0s',
          renewBefore: '720h0m0s',
        },
      } as KubeObject,
      admin,
    );
    if (!created.ok) continue;
    // The scenario's clock starts after the warm-up; validity counts from the recording start.
    const notAfter = sim.recordingStart + parseDuration(c.expiresIn);
    const notBefore = notAfter - 90 * 86_400_000;
    api.update(
      {
        ...created.object,
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Ready',
              message: 'Certificate is up to date and has not expired',
              lastTransitionTime: clock.iso(),
              observedGeneration: 1,
            },
          ],
          notAfter: clock.iso(notAfter),
          notBefore: clock.iso(notBefore),
          renewalTime: clock.iso(notAfter - 30 * 86_400_000),
          revision: 1,
        },
      },
      {
        username: 'system:serviceaccount:cert-manager:cert-manager',
        groups: ['system:serviceaccounts', 'system:authenticated'],
        userAgent: 'cert-manager-certificates-issuing/v1.16.2 (linux/amd64) cert-manager/5b9b2d7',
        sourceIP: '10.244.0.21',
      },
      { subresource: 'status' },
    );
    if (!api.get('Secret', c.namespace, c.secretName)) {
      api.create(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: c.secretName,
            namespace: c.namespace,
            annotations: {
              'cert-manager.io/certificate-name': c.name,
              'cert-manager.io/common-name': c.dnsNames[0]!,
              'cert-manager.io/issuer-kind': 'ClusterIssuer',
              'cert-manager.io/issuer-name': c.issuer,
            },
          },
          type: 'kubernetes.io/tls',
          data: { 'tls.crt': 'LS0tLS1CRUdJTi...', 'tls.key': 'LS0tLS1CRUdJTi...' },
        } as KubeObject,
        admin,
      );
    }
  }
}

export function createWorkload(sim: SimContext, w: Workload, admin: Actor): void {
  const { api, world } = sim;
  const apps = new Map(w.containers.map((c) => [c.name, c.app]));
  world.apps.set(`${w.namespace}/${w.name}`, apps);
  if (w.kind === 'Deployment' || w.kind === 'StatefulSet')
    world.declaredReplicas.set(`${w.namespace}/${w.name}`, Math.max(1, w.replicas));
  for (const c of w.containers) {
    const binaries = world.imageBinaries.get(c.image) ?? new Set<string>();
    if (c.command?.[0]) binaries.add(c.command[0]);
    world.imageBinaries.set(c.image, binaries);
  }
  api.create(workloadManifest(w), admin);
  const selector = selectorLabelsOf(w);
  if ('service' in w && w.service) {
    const port = w.containers[0]?.ports[0] ?? 8080;
    const ip = world.allocateClusterIp();
    api.create(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: w.service.name ?? w.name, namespace: w.namespace, labels: { ...selector } },
        spec: {
          clusterIP: w.kind === 'StatefulSet' ? 'None' : ip,
          clusterIPs: [w.kind === 'StatefulSet' ? 'None' : ip],
          internalTrafficPolicy: 'Cluster',
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          ports: [
            { name: 'http', port: w.service.port, protocol: 'TCP', targetPort: w.service.targetPort ?? port },
          ],
          selector: w.service.selector ?? selector,
          sessionAffinity: 'None',
          type: w.service.type,
        },
        status: { loadBalancer: {} },
      },
      admin,
    );
  }
  if (w.kind === 'Deployment' && w.hpa) {
    api.create(
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: w.name, namespace: w.namespace },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
          minReplicas: w.hpa.min,
          maxReplicas: w.hpa.max,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: w.hpa.cpu } },
            },
          ],
        },
      },
      admin,
    );
  }
  if ((w.kind === 'Deployment' || w.kind === 'StatefulSet') && w.pdb) {
    api.create(
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: w.name, namespace: w.namespace },
        spec: {
          selector: { matchLabels: selector },
          ...(w.pdb.minAvailable !== undefined ? { minAvailable: w.pdb.minAvailable } : {}),
          ...(w.pdb.maxUnavailable !== undefined ? { maxUnavailable: w.pdb.maxUnavailable } : {}),
          unhealthyPodEvictionPolicy: 'IfHealthyBudget',
        },
      } as KubeObject,
      admin,
    );
  }
  if (w.kind === 'Deployment' && w.ingress) {
    api.create(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name: w.name,
          namespace: w.namespace,
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' },
        },
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              host: w.ingress.host,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: {
                      service: { name: w.service?.name ?? w.name, port: { number: w.service?.port ?? 80 } },
                    },
                  },
                ],
              },
            },
          ],
          tls: [{ hosts: [w.ingress.host], secretName: `${w.name}-tls` }],
        },
        status: {
          loadBalancer: {
            ingress: [{ hostname: 'k8s-ingress-0f1e2d3c4b-1234567890.eu-west-1.elb.amazonaws.com' }],
          },
        },
      } as KubeObject,
      admin,
    );
  }
}
