// The kubeconfig that points kubectl (k9s, Lens, client libraries) at a served bundle: one
// context per cluster, the server's own CA and its bearer token. Written 0600: it holds the token.

import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'yaml';
import { KstoryError, messageOf } from '../errors.ts';

export interface KubeconfigCluster {
  /** The recorded cluster's name. */
  name: string;
  server: string;
  /** Context name: `kstory`, or `kstory-<cluster>` when several clusters are served. */
  context: string;
}

export function kubeconfigText(clusters: readonly KubeconfigCluster[], caPem: string, token: string): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
    })),
    users: [{ name: 'kstory', user: { token } }],
    contexts: clusters.map((c) => ({ name: c.context, context: { cluster: c.name, user: 'kstory' } })),
    'current-context': clusters[0]?.context ?? 'kstory',
    preferences: {},
  };
  return `# Written by kstory serve: a read-only Kubernetes API over a recording. Holds a bearer token.\n${stringify(doc)}`;
}

/** Write the file readable by its owner only, whatever mode an earlier file of that name had. */
export function writePrivateFile(file: string, text: string): void {
  try {
    const fd = openSync(file, 'w', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new KstoryError(`cannot write ${file}: ${messageOf(error)}`, {
      hint: 'Choose a writable path with --kubeconfig-out.',
    });
  }
}
