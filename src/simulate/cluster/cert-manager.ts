// cert-manager as a scenario declares it: the Certificate CRD, each Certificate issued (Ready, with
// its validity counted from the recording start) and its TLS Secret; a failing issuer is down.

import type { Actor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import { parseDuration } from '../engine/quantity.ts';
import type { KubeObject } from '../engine/records.ts';

/** The Certificate CRD, then each Certificate, issued. */
export function createCertificates(sim: SimContext, admin: Actor): void {
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
