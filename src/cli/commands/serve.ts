// `kstory serve`: a bundle as a read-only Kubernetes API with time travel, for kubectl and k9s.
// Wiring only; the server is in src/serve/.

import type { Command } from 'commander';
import { KstoryError } from '../../errors.ts';
import { helpText } from '../help.ts';

interface ServeFlags {
  at?: string;
  port?: string;
  address?: string;
  speed?: string;
  kubeconfigOut?: string;
  cert?: string;
  key?: string;
}

export function defineServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve bundles as a read-only Kubernetes API (kubectl, k9s) at any instant of the recording')
    .argument(
      '<bundle...>',
      'bundle files, spool directories or globs; bundles of different clusters become different contexts',
    )
    .option(
      '--at <time>',
      'the instant to show: end (default), start, an RFC 3339 time, 10m (before the end), +10m (after the start)',
    )
    .option(
      '--speed <n>',
      'replay from --at onwards at N times real time (watches and the instant follow); default: stand still',
    )
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option('--address <addr>', 'address to bind (default 127.0.0.1: this machine only)')
    .option(
      '--kubeconfig-out <file>',
      'where to write the kubeconfig (0600; default: a temporary file removed on exit)',
    )
    .option('--cert <file>', 'the server certificate (PEM) instead of a self-signed one')
    .option('--key <file>', 'the key of --cert (PEM)')
    .addHelpText(
      'after',
      helpText(`
Writes are refused (405): the cluster is a recording. Watches replay what happened after the
instant (kubectl get pods -w shows the incident unfold); \`kstory at TIME\` moves a running server.

Examples:
  kstory serve incident.parquet
  kstory serve incident.parquet --at 2026-03-02T09:12:00Z \\
      --kubeconfig-out incident.kubeconfig
  kstory serve incident.parquet --at start --speed 60        # one minute per second
  kstory serve eu.parquet us.parquet                         # two clusters, two contexts`),
    )
    .action(async (paths: string[], flags: ServeFlags) => {
      const { mkdtempSync, rmSync } = await import('node:fs');
      const os = await import('node:os');
      const path = await import('node:path');
      const { runServe } = await import('../../serve/run.ts');
      const { describeServing } = await import('../../report/serve-text.ts');
      const { chalkFor } = await import('../../report/style.ts');
      const port = flags.port === undefined ? 0 : Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new KstoryError(`--port ${flags.port}: expected a port number (0 for any free port)`);
      }
      const speed = flags.speed === undefined ? undefined : Number(flags.speed);
      // Without --kubeconfig-out, the kubeconfig lives in a private directory removed on exit.
      const tempDir = flags.kubeconfigOut ? null : mkdtempSync(path.join(os.tmpdir(), 'kstory-serve-'));
      const kubeconfigOut = flags.kubeconfigOut ?? path.join(tempDir!, 'kubeconfig');
      let running: Awaited<ReturnType<typeof runServe>> | undefined;
      try {
        running = await runServe({
          bundles: paths,
          at: flags.at,
          speed,
          address: flags.address,
          port,
          kubeconfigOut,
          certFile: flags.cert,
          keyFile: flags.key,
        });
        process.stdout.write(describeServing(running, chalkFor(process.stdout)));
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      } finally {
        await running?.close();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      }
    });
}
