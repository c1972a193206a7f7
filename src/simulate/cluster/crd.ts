// A CustomResourceDefinition as an operator's chart installs it, Established: the CRDs of the
// add-ons a scenario uses (Gatekeeper, Argo CD).

import type { Actor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import type { KubeObject } from '../engine/records.ts';

/** A CustomResourceDefinition as its operator's chart installs it, Established. */
export function createCrd(
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
