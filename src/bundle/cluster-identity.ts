// Which cluster each file of a bundle is about, from its metadata. Files of different clusters read
// as one would share one window and one namespace of names: an 18-minute incident becomes months,
// workloads of one cluster are linked to another's, and incidents appear that no cluster had.

import { KstoryError } from '../errors.ts';
import type { BundleFile } from './inspect.ts';

/** Files by the cluster their metadata names; files that name none are not grouped. */
export function filesByCluster(files: readonly BundleFile[]): Map<string, string[]> {
  const clusters = new Map<string, string[]>();
  for (const file of files) {
    const name = file.metadata.cluster.name;
    if (name === null || name === '') continue;
    clusters.set(name, [...(clusters.get(name) ?? []), file.path]);
  }
  return clusters;
}

/** Refuses files of several clusters read together, unless the user asks for it (`--merge`). */
export function checkOneCluster(files: readonly BundleFile[], merge: boolean): void {
  const clusters = filesByCluster(files);
  if (clusters.size <= 1 || merge) return;
  const list = [...clusters].map(([name, paths]) => `${name} (${paths.join(', ')})`).join('; ');
  throw new KstoryError(`these bundles are of ${clusters.size} different clusters: ${list}`, {
    hint: 'Analyze each cluster on its own; read together their windows and names would merge. Pass --merge to read them as one anyway.',
  });
}
