// Argo CD as a scenario declares it: the Application CRD, the scenario's Applications, and the Git
// history of their manifests (the initial commit; later commits come from the timeline).

import type { Actor } from '../api/actors.ts';
import type { SimContext } from '../engine/context.ts';
import { sha256Hex } from '../engine/hash.ts';
import type { KubeObject } from '../engine/records.ts';
import type { GitCommit } from '../engine/world.ts';
import { createCrd } from './crd.ts';

type Resources = SimContext['scenario']['resources'];

/** Argo CD's Application CRD and the scenario's Applications, first synced by the controller. */
export function createApplications(sim: SimContext, admin: Actor): void {
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
