// Which cluster each file of a bundle is about, from its metadata. Files of different clusters read
// as one would share one window and one namespace of names: an 18-minute incident becomes months,
// workloads of one cluster are linked to another's, and incidents appear that no cluster had. So
// each cluster is analysed on its own, unless the user asks for them as one (`--merge`).

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

/**
 * The clusters to analyse one by one, in the order their files were given; null when the files are
 * read as one (one cluster, or `merge`). A file that names no cluster beside files of several cannot
 * be placed: refused, with what to do.
 */
export function separateClusters(files: readonly BundleFile[], merge: boolean): string[] | null {
  const clusters = filesByCluster(files);
  if (clusters.size <= 1 || merge) return null;
  const unnamed = files.filter((f) => !f.metadata.cluster.name).map((f) => f.path);
  if (unnamed.length > 0) {
    const list = [...clusters].map(([name, paths]) => `${name} (${paths.join(', ')})`).join('; ');
    throw new KstoryError(
      `these bundles are of ${clusters.size} different clusters (${list}), and ${unnamed.join(', ')} names none: which cluster it belongs to cannot be told`,
      {
        hint: 'Analyze it with the bundles of its own cluster only; pass --merge to read them all as one anyway.',
      },
    );
  }
  return [...clusters.keys()];
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
