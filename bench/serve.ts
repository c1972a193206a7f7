// Benchmark of `kstory serve` on a large `kstory simulate --scale` bundle, driven by the real
// kubectl: process start to listening (the kubeconfig line printed), then `kubectl get pods -A`
// (the first, which reads the pods at the instant, and the next ones), the server's peak RSS.
// Targets from the serve issue, on 2 cores: start ≤ 3 s and get pods -A ≤ 1 s on 1M records.
//   npm run bench -- serve --records 1m

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { readRss } from './lib/child.ts';
import {
  type BenchContext,
  type Benchmark,
  type BenchOutcome,
  type BenchResult,
  check,
  formatBytes,
  formatCount,
  formatNumber,
  markdownTable,
  REPO_DIR,
  renderMachine,
  renderTargets,
} from './lib/harness.ts';
import { scaleBundle } from './simulate-scale.ts';
import { countLabel, parseCount } from './writer.ts';

const CLI = path.join(REPO_DIR, 'bin', 'kstory.js');
const KUBECTL = '/usr/bin/kubectl';

interface Server {
  startSeconds: number;
  pid: number;
  stop(): Promise<void>;
}

/** `kstory serve`, timed from spawn until it prints the kubeconfig line (it listens by then). */
function startServer(bundle: string, kubeconfig: string): Promise<Server> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', bundle, '--kubeconfig-out', kubeconfig], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`kstory serve exited ${code} before listening`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!out.includes('export KUBECONFIG=')) return;
      child.removeAllListeners('exit');
      resolve({
        startSeconds: (performance.now() - started) / 1000,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

function kubectl(
  args: string[],
  kubeconfig: string,
  cacheDir: string,
): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
      { maxBuffer: 256 << 20, timeout: 120_000 },
      (error, stdout) => {
        if (error) reject(error);
        else resolve({ seconds: (performance.now() - started) / 1000, stdout });
      },
    );
  });
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const records = parseCount(String(context.options.records ?? '1m'));
  const runs = Number(context.options.runs ?? 5);
  const { file, manifest } = await scaleBundle(records, { workDir: context.workDir, log: context.log });
  const dir = mkdtempSync(path.join(context.workDir, 'serve-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const cacheDir = path.join(dir, 'cache');
  try {
    const server = await startServer(file, kubeconfig);
    context.log(`serve: listening after ${formatNumber(server.startSeconds, 2)} s`);
    let peak = readRss(server.pid);
    const poll = setInterval(() => {
      peak = Math.max(peak, readRss(server.pid));
    }, 20);
    const idleRss = readRss(server.pid);
    // Discovery once, as any kubectl session starts; then the lists.
    await kubectl(['api-resources'], kubeconfig, cacheDir);
    const lists: number[] = [];
    let pods = 0;
    for (let i = 0; i < runs; i++) {
      const r = await kubectl(['get', 'pods', '-A'], kubeconfig, cacheDir);
      pods = r.stdout.trim().split('\n').length - 1;
      lists.push(r.seconds);
      context.log(
        `  kubectl get pods -A #${i + 1}: ${formatNumber(r.seconds, 2)} s, ${formatCount(pods)} pods`,
      );
    }
    const json = await kubectl(['get', 'pods', '-A', '-o', 'json'], kubeconfig, cacheDir);
    const nodes = await kubectl(['describe', 'node', 'node-0001'], kubeconfig, cacheDir).catch(() => null);
    clearInterval(poll);
    peak = Math.max(peak, readRss(server.pid));
    await server.stop();
    const warm = lists.slice(1).sort((a, b) => a - b);
    const warmMedian = warm[Math.floor(warm.length / 2)] ?? lists[0]!;
    return {
      name: `serve-${countLabel(records)}`,
      input: {
        bundle: path.relative(REPO_DIR, file),
        rows: manifest.rows,
        bytes: statSync(file).size,
        scale: manifest.scale,
      },
      targets: [
        check(`server start, ${formatCount(manifest.rows)} records`, 'max', 3, server.startSeconds, 's'),
        check('kubectl get pods -A, first after start', 'max', 1, lists[0]!, 's'),
        check('kubectl get pods -A, median of the next ones', 'max', 1, warmMedian, 's'),
        check('server peak RSS', 'max', 1.5 * 1024 ** 3, peak, 'bytes'),
      ],
      figures: {
        startSeconds: server.startSeconds,
        getPodsSeconds: lists,
        warmMedianSeconds: warmMedian,
        pods,
        getPodsJsonSeconds: json.seconds,
        getPodsJsonBytes: json.stdout.length,
        describeNodeSeconds: nodes?.seconds ?? null,
        idleRssBytes: idleRss,
        peakRssBytes: peak,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(result: BenchResult): string {
  const f = result.figures as {
    startSeconds: number;
    getPodsSeconds: number[];
    warmMedianSeconds: number;
    pods: number;
    getPodsJsonSeconds: number;
    getPodsJsonBytes: number;
    describeNodeSeconds: number | null;
    idleRssBytes: number;
    peakRssBytes: number;
  };
  const input = result.input as { rows: number; bytes: number; bundle: string };
  return [
    `### ${result.name}`,
    '',
    `\`${result.command}\` on ${input.bundle} (${formatCount(input.rows)} rows, ${formatBytes(input.bytes)}), driven by kubectl.`,
    '',
    renderMachine(result.machine),
    '',
    renderTargets(result.targets),
    '',
    markdownTable(
      ['measure', 'value'],
      [
        ['kstory serve, process start to listening', `${formatNumber(f.startSeconds, 2)} s`],
        [
          `kubectl get pods -A (${formatCount(f.pods)} pods), each run`,
          f.getPodsSeconds.map((s) => `${formatNumber(s, 2)} s`).join(', '),
        ],
        [
          'kubectl get pods -A -o json',
          `${formatNumber(f.getPodsJsonSeconds, 2)} s (${formatBytes(f.getPodsJsonBytes)})`,
        ],
        [
          'kubectl describe node (pods on it, events)',
          f.describeNodeSeconds === null ? '-' : `${formatNumber(f.describeNodeSeconds, 2)} s`,
        ],
        [
          'server RSS when listening / peak',
          `${formatBytes(f.idleRssBytes)} / ${formatBytes(f.peakRssBytes)}`,
        ],
      ],
      ['l', 'r'],
    ),
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'serve',
  description:
    'kstory serve on a kstory simulate --scale bundle, driven by kubectl: start time, get pods -A, RSS',
  options: { runs: { type: 'string' } },
  usage: ['--runs N               kubectl get pods -A runs (default 5; the first is reported apart)'],
  run,
  render,
};
