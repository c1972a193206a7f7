// The resources an Argo CD Application manages (its workloads and their Services) as status.resources
// lists them, each Synced or OutOfSync against the images of a Git commit, with its health.

import type { SimContext } from '../engine/context.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import type { GitCommit } from '../engine/world.ts';
import { type Health, workloadHealth } from './argocd-health.ts';

export interface Managed {
  /** The entry of status.resources. */
  entry: Json & { health: Health; kind: string; name: string; status: string };
  images: string[];
}

/** The workloads the Application manages and their Services, compared with the commit. */
export function managedResources(
  sim: SimContext,
  app: KubeObject,
  namespace: string,
  commit: GitCommit,
): Managed[] {
  const { api, scenario } = sim;
  const spec = scenario.resources.applications.find(
    (a) => a.namespace === app.metadata.namespace && a.name === app.metadata.name,
  );
  const names = spec?.workloads ?? [];
  const out: Managed[] = [];
  // Argo CD lists resources by group, kind, namespace and name: core Services first.
  for (const name of names) {
    if (!api.get('Service', namespace, name)) continue;
    out.push({
      entry: {
        health: { status: 'Healthy' },
        kind: 'Service',
        name,
        namespace,
        status: 'Synced',
        version: 'v1',
      },
      images: [],
    });
  }
  for (const name of names) {
    const w = api.get('Deployment', namespace, name) ?? api.get('StatefulSet', namespace, name);
    const kind =
      w?.kind ??
      scenario.workloads.find((x) => x.namespace === namespace && x.name === name)?.kind ??
      'Deployment';
    const containers =
      ((w?.spec as Json | undefined)?.template?.spec?.containers as Json[] | undefined) ?? [];
    const outOfSync = containers.some((c) => {
      const want = commit.images.get(`${name}/${c.name}`);
      return want !== undefined && want !== c.image;
    });
    out.push({
      entry: {
        group: 'apps',
        health: w ? workloadHealth(w) : { status: 'Missing' },
        kind,
        name,
        namespace,
        status: w && !outOfSync ? 'Synced' : 'OutOfSync',
        version: 'v1',
      },
      images: containers.map((c) => c.image as string),
    });
  }
  return out;
}
