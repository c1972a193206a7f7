// `kstory serve`: open the bundles (those of one cluster together, each cluster its own context),
// place every cluster's clock at --at, start the HTTPS API and write the kubeconfig.

import { readFileSync } from 'node:fs';
import type { Bundle } from '../bundle/reader.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { openBundle } from '../views/open.ts';
import type { ServedCluster } from './api.ts';
import { Clock } from './clock.ts';
import { type Instant, parseInstant } from './instant.ts';
import { type KubeconfigCluster, kubeconfigText, writePrivateFile } from './kubeconfig.ts';
import { tableRowTexts } from './query.ts';
import { ServeServer } from './server.ts';
import { BundleState } from './state.ts';

export interface ServeRunOptions {
  bundles: readonly string[];
  at?: string;
  speed?: number;
  address?: string;
  port?: number;
  kubeconfigOut: string;
  certFile?: string;
  keyFile?: string;
  token?: string;
}

export interface RunningServe {
  server: ServeServer;
  clusters: readonly ServedCluster[];
  kubeconfig: string;
  contexts: readonly KubeconfigCluster[];
  close(): Promise<void>;
}

/** Bundles grouped by the cluster they recorded, in the order given. */
async function openByCluster(inputs: readonly string[]): Promise<Bundle[]> {
  const singles: Bundle[] = [];
  try {
    for (const input of inputs) singles.push(await openBundle([input]));
  } catch (error) {
    for (const b of singles) b.close();
    throw error;
  }
  const groups = new Map<string, string[]>();
  const order: string[] = [];
  for (const [i, bundle] of singles.entries()) {
    const name = bundle.metadata.cluster.name ?? 'kstory';
    if (!groups.has(name)) {
      groups.set(name, []);
      order.push(name);
    }
    groups.get(name)!.push(inputs[i]!);
  }
  if (order.length === singles.length) return singles;
  for (const b of singles) b.close();
  const out: Bundle[] = [];
  for (const name of order) out.push(await openBundle(groups.get(name)!));
  return out;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new KstoryError(`cannot read the ${what} ${file}: ${messageOf(error)}`);
  }
}

export async function runServe(options: ServeRunOptions): Promise<RunningServe> {
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    throw new KstoryError('--cert and --key go together', {
      hint: 'Give both PEM files, or neither for a self-signed certificate.',
    });
  }
  if (options.speed !== undefined && !(options.speed > 0)) {
    throw new KstoryError(`--speed ${options.speed}: expected a positive number, e.g. --speed 10`);
  }
  const bundles = await openByCluster(options.bundles);
  const clusters: ServedCluster[] = [];
  try {
    for (const bundle of bundles) {
      const state = await BundleState.open(bundle);
      const at: Instant = parseInstant(options.at ?? 'end', state.window);
      let name = state.cluster;
      for (let n = 2; clusters.some((c) => c.name === name); n++) name = `${state.cluster}-${n}`;
      clusters.push({ name, state, clock: new Clock(state.window, at, options.speed ?? null) });
    }
    const server = await ServeServer.start(clusters, {
      address: options.address,
      port: options.port,
      token: options.token,
      certificate:
        options.certFile && options.keyFile
          ? { cert: readPem(options.certFile, 'certificate'), key: readPem(options.keyFile, 'key') }
          : undefined,
    });
    const contexts: KubeconfigCluster[] = clusters.map((c) => ({
      name: c.name,
      server: server.clusterUrl(c),
      context: clusters.length === 1 ? 'kstory' : `kstory-${c.name}`,
    }));
    try {
      writePrivateFile(options.kubeconfigOut, kubeconfigText(contexts, server.caPem, server.token));
    } catch (error) {
      await server.close();
      throw error;
    }
    for (const c of clusters) prewarm(c);
    return {
      server,
      clusters,
      kubeconfig: options.kubeconfigOut,
      contexts,
      async close() {
        await server.close();
        for (const c of clusters) c.state.bundle.close();
      },
    };
  } catch (error) {
    for (const b of bundles) b.close();
    throw error;
  }
}

/** Read the pods at the served instant, and their table rows, while the user types the first
 * kubectl command: on a large bundle that read is most of the first answer's time. */
function prewarm(cluster: ServedCluster): void {
  const pods = cluster.state.catalogue.resolve('pods')[0];
  if (!pods) return;
  const at = cluster.clock.now();
  cluster.state.objectsAt(pods, at).then(
    (items) => {
      // A thousand rows at a time, so that requests are answered meanwhile.
      const step = (from: number) => {
        if (from >= items.length || cluster.clock.now() !== at) return;
        tableRowTexts(pods, items.slice(from, from + 1000), at, 'Metadata');
        setImmediate(() => step(from + 1000));
      };
      step(0);
    },
    () => undefined,
  );
}
