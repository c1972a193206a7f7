// Benchmark of `kstory serve` on a large `kstory simulate --scale` bundle, driven by the real
// kubectl: process start to listening (the kubeconfig line printed), then `kubectl get pods -A`
// (the first, which reads the pods at the instant, and the next ones), the server's peak RSS; and
// the same kubectl commands against a replay of the server's answers (bench/lib/replay-server.ts):
// what kubectl takes by itself, its CPU and its rate limit, the floor no server can go under.
// Targets from the serve issue, on 2 cores: start ≤ 3 s and get pods -A ≤ 1 s on 1M records.
//   npm run bench -- serve --records 1m

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { readCpuSeconds, readRss } from './lib/child.ts';
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
import { startReplayServer } from './lib/replay-server.ts';
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

interface KubectlRun {
  seconds: number;
  lines: number;
  bytes: number;
  /** kubectl's own CPU (user + system; polled, so a few hundredths short at most). */
  cpuSeconds: number;
  /** The server's CPU while kubectl ran. */
  serverCpuSeconds: number;
}

/** kubectl, timed from spawn to exit; its output counted (lines, bytes), not kept; its CPU and the
 * server's measured, which unlike the wall time do not depend on what else the machine runs. */
function kubectl(
  args: string[],
  kubeconfig: string,
  cacheDir: string,
  serverPid?: number,
): Promise<KubectlRun> {
  const started = performance.now();
  const server0 = serverPid ? (readCpuSeconds(serverPid) ?? 0) : 0;
  const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let cpu = 0;
  const poll = setInterval(() => {
    if (child.pid) cpu = readCpuSeconds(child.pid) ?? cpu;
  }, 20);
  let lines = 0;
  let bytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  });
  const timer = setTimeout(() => child.kill(), 180_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      const serverCpuSeconds = serverPid ? (readCpuSeconds(serverPid) ?? server0) - server0 : 0;
      if (code !== 0) reject(new Error(`kubectl ${args.join(' ')} exited ${code}`));
      else
        resolve({
          seconds: (performance.now() - started) / 1000,
          lines,
          bytes,
          cpuSeconds: cpu,
          serverCpuSeconds,
        });
    });
  });
}

/** Every page of a Table list, fetched one after the other as kubectl does but without its
 * client-side rate limit (5 requests a second): what the server itself takes to answer. */
async function fetchAllPages(
  kubeconfig: string,
  listPath: string,
  query = '',
): Promise<{ seconds: number; pages: number; rows: number }> {
  const { targetOf } = await import('../src/serve/at-client.ts');
  const target = targetOf(kubeconfig, undefined);
  const started = performance.now();
  let pages = 0;
  let rows = 0;
  let token = '';
  do {
    const url = new URL(
      `${target.server}${listPath}?limit=500${query}${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
    );
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          ca: target.ca,
          headers: {
            authorization: `Bearer ${target.token}`,
            accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const page = JSON.parse(body) as { rows: unknown[]; metadata: { continue?: string } };
    pages++;
    rows += page.rows.length;
    token = page.metadata.continue ?? '';
  } while (token);
  return { seconds: (performance.now() - started) / 1000, pages, rows };
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const records = parseCount(String(context.options.records ?? '1m'));
  const runs = Number(context.options.runs ?? 5);
  const { file, manifest } = await scaleBundle(records, { workDir: context.workDir, log: context.log });
  const dir = mkdtempSync(path.join(context.workDir, 'serve-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const cacheDir = path.join(dir, 'cache');
  let server: Server | undefined;
  try {
    server = await startServer(file, kubeconfig);
    const pid = server.pid;
    context.log(`serve: listening after ${formatNumber(server.startSeconds, 2)} s`);
    let peak = readRss(pid);
    const poll = setInterval(() => {
      peak = Math.max(peak, readRss(pid));
    }, 20);
    const listeningRss = readRss(pid);
    // Discovery once, as any kubectl session starts; then the lists.
    await kubectl(['api-resources'], kubeconfig, cacheDir);
    const lists: number[] = [];
    const listRuns: KubectlRun[] = [];
    let pods = 0;
    for (let i = 0; i < runs; i++) {
      const r = await kubectl(['get', 'pods', '-A'], kubeconfig, cacheDir, pid);
      pods = r.lines - 1;
      lists.push(r.seconds);
      listRuns.push(r);
      context.log(
        `  kubectl get pods -A #${i + 1}: ${formatNumber(r.seconds, 2)} s, ${formatCount(pods)} pods; CPU: kubectl ${formatNumber(r.cpuSeconds, 2)} s, server ${formatNumber(r.serverCpuSeconds, 2)} s`,
      );
    }
    const whole: number[] = [];
    const wholeRuns: KubectlRun[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await kubectl(['get', 'pods', '-A', '--chunk-size=0'], kubeconfig, cacheDir, pid);
      whole.push(r.seconds);
      wholeRuns.push(r);
    }
    context.log(`  kubectl get pods -A --chunk-size=0: ${whole.map((s) => formatNumber(s, 2)).join(', ')} s`);
    const served = await fetchAllPages(kubeconfig, '/api/v1/pods');
    context.log(`  the server alone, ${served.pages} pages of 500: ${formatNumber(served.seconds, 2)} s`);
    // A selector reads every object: made once for all the pages of a list, not once a page.
    const selected = await fetchAllPages(
      kubeconfig,
      '/api/v1/pods',
      `&labelSelector=${encodeURIComponent('app.kubernetes.io/name')}`,
    );
    context.log(
      `  the server alone, ${selected.pages} pages with a label selector: ${formatNumber(selected.seconds, 2)} s`,
    );
    // The floor: the same commands answered with the bytes the server sent, kept in memory.
    const replay = await startReplayServer(kubeconfig);
    const floorLists: KubectlRun[] = [];
    const floorWhole: KubectlRun[] = [];
    try {
      await kubectl(['get', 'pods', '-A'], replay.kubeconfig, cacheDir);
      await kubectl(['get', 'pods', '-A', '--chunk-size=0'], replay.kubeconfig, cacheDir);
      for (let i = 0; i < runs; i++) {
        floorLists.push(await kubectl(['get', 'pods', '-A'], replay.kubeconfig, cacheDir));
        floorWhole.push(await kubectl(['get', 'pods', '-A', '--chunk-size=0'], replay.kubeconfig, cacheDir));
      }
    } finally {
      await replay.stop();
    }
    context.log(
      `  kubectl against a replay of the answers: get pods -A ${floorLists.map((r) => formatNumber(r.seconds, 2)).join(', ')} s, --chunk-size=0 ${floorWhole.map((r) => formatNumber(r.seconds, 2)).join(', ')} s`,
    );
    const namespace = await kubectl(['get', 'pods', '-n', 'team-007'], kubeconfig, cacheDir);
    const json = await kubectl(['get', 'pods', '-A', '-o', 'json'], kubeconfig, cacheDir);
    context.log(
      `  kubectl get pods -A -o json: ${formatNumber(json.seconds, 2)} s, ${formatBytes(json.bytes)}`,
    );
    const nodeName = await new Promise<string>((resolve) => {
      const child = spawn(KUBECTL, [
        '--kubeconfig',
        kubeconfig,
        '--cache-dir',
        cacheDir,
        'get',
        'nodes',
        '-o',
        'name',
      ]);
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      child.on('close', () => resolve(out.split('\n')[0]!.replace(/^node\//, '')));
    });
    const node = await kubectl(['describe', 'node', nodeName], kubeconfig, cacheDir).catch(() => null);
    clearInterval(poll);
    peak = Math.max(peak, readRss(pid));
    const paged = median(lists.slice(1).length > 0 ? lists.slice(1) : lists);
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
        check(
          `kubectl get pods -A (${formatCount(pods)} pods), median`,
          'max',
          1,
          paged,
          's',
          `${served.pages} pages of 500: kubectl waits 0.2 s before each page after its tenth (client-side limit of 5 requests a second); against a replay of the same answers ${formatNumber(median(floorLists.map((r) => r.seconds)), 2)} s`,
        ),
        check(
          'kubectl get pods -A --chunk-size=0, median',
          'max',
          1,
          median(whole),
          's',
          `against a replay of the same answer ${formatNumber(median(floorWhole.map((r) => r.seconds)), 2)} s`,
        ),
        check('server peak RSS', 'max', 1.5 * 1024 ** 3, peak, 'bytes'),
      ],
      figures: {
        startSeconds: server.startSeconds,
        getPodsSeconds: lists,
        getPodsWholeSeconds: whole,
        serverPagesSeconds: served.seconds,
        serverPages: served.pages,
        serverSelectedSeconds: selected.seconds,
        getPodsKubectlCpuSeconds: listRuns.map((r) => r.cpuSeconds),
        getPodsServerCpuSeconds: listRuns.map((r) => r.serverCpuSeconds),
        getPodsWholeKubectlCpuSeconds: wholeRuns.map((r) => r.cpuSeconds),
        getPodsWholeServerCpuSeconds: wholeRuns.map((r) => r.serverCpuSeconds),
        throttleSeconds: throttleSeconds(served.pages),
        floorGetPodsSeconds: floorLists.map((r) => r.seconds),
        floorGetPodsKubectlCpuSeconds: floorLists.map((r) => r.cpuSeconds),
        floorGetPodsWholeSeconds: floorWhole.map((r) => r.seconds),
        floorGetPodsWholeKubectlCpuSeconds: floorWhole.map((r) => r.cpuSeconds),
        serverSelectedPages: selected.pages,
        pods,
        namespaceSeconds: namespace.seconds,
        getPodsJsonSeconds: json.seconds,
        getPodsJsonBytes: json.bytes,
        describeNodeSeconds: node?.seconds ?? null,
        listeningRssBytes: listeningRss,
        peakRssBytes: peak,
      },
    };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** client-go's default rate limit: a burst of 10 requests, then one every 0.2 s (5 a second). */
function throttleSeconds(requests: number): number {
  return Math.max(0, requests - 10) / 5;
}

function render(result: BenchResult): string {
  const f = result.figures as {
    startSeconds: number;
    getPodsSeconds: number[];
    getPodsWholeSeconds: number[];
    serverPagesSeconds: number;
    serverPages: number;
    serverSelectedSeconds?: number;
    getPodsKubectlCpuSeconds?: number[];
    getPodsServerCpuSeconds?: number[];
    getPodsWholeKubectlCpuSeconds?: number[];
    getPodsWholeServerCpuSeconds?: number[];
    throttleSeconds?: number;
    floorGetPodsSeconds?: number[];
    floorGetPodsKubectlCpuSeconds?: number[];
    floorGetPodsWholeSeconds?: number[];
    floorGetPodsWholeKubectlCpuSeconds?: number[];
    serverSelectedPages?: number;
    pods: number;
    namespaceSeconds: number;
    getPodsJsonSeconds: number;
    getPodsJsonBytes: number;
    describeNodeSeconds: number | null;
    listeningRssBytes: number;
    peakRssBytes: number;
  };
  const input = result.input as { rows: number; bytes: number; bundle: string };
  const seconds = (xs: number[]) => xs.map((s) => `${formatNumber(s, 2)} s`).join(', ');
  return [
    `### ${result.name}`,
    '',
    `\`${result.command}\` on ${input.bundle} (${formatCount(input.rows)} rows, ${formatBytes(input.bytes)}), driven by kubectl ${'(client-go rate limit: 5 requests a second after a burst of 10)'}.`,
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
          `kubectl get pods -A (${formatCount(f.pods)} pods, pages of 500), each run`,
          seconds(f.getPodsSeconds),
        ],
        ['kubectl get pods -A --chunk-size=0 (one request), each run', seconds(f.getPodsWholeSeconds)],
        [
          `the server alone: the ${f.serverPages} Table pages, one after the other`,
          `${formatNumber(f.serverPagesSeconds, 2)} s`,
        ],
        ...(f.serverSelectedSeconds === undefined
          ? []
          : [
              [
                `the server alone: the ${f.serverSelectedPages} pages of a list with a label selector (-l app.kubernetes.io/name)`,
                `${formatNumber(f.serverSelectedSeconds, 2)} s`,
              ],
            ]),
        ...(f.getPodsKubectlCpuSeconds === undefined
          ? []
          : [
              [
                'kubectl get pods -A: kubectl’s own CPU (decoding and printing), each run',
                seconds(f.getPodsKubectlCpuSeconds),
              ],
              ['kubectl get pods -A: the server’s CPU, each run', seconds(f.getPodsServerCpuSeconds ?? [])],
              [
                `kubectl get pods -A: the least kubectl waits for its rate limit (${f.serverPages} requests)`,
                `${formatNumber(f.throttleSeconds ?? 0, 2)} s`,
              ],
              ['--chunk-size=0: kubectl’s CPU, each run', seconds(f.getPodsWholeKubectlCpuSeconds ?? [])],
              ['--chunk-size=0: the server’s CPU, each run', seconds(f.getPodsWholeServerCpuSeconds ?? [])],
            ]),
        ...(f.floorGetPodsSeconds === undefined
          ? []
          : [
              [
                'the floor: kubectl get pods -A against a replay of the same answers (no server work), each run',
                seconds(f.floorGetPodsSeconds),
              ],
              ['the floor: kubectl’s CPU there, each run', seconds(f.floorGetPodsKubectlCpuSeconds ?? [])],
              [
                'the floor: kubectl get pods -A --chunk-size=0 against a replay, each run',
                seconds(f.floorGetPodsWholeSeconds ?? []),
              ],
              [
                'the floor: kubectl’s CPU there, each run',
                seconds(f.floorGetPodsWholeKubectlCpuSeconds ?? []),
              ],
            ]),
        ['kubectl get pods -n team-007 (one namespace)', `${formatNumber(f.namespaceSeconds, 2)} s`],
        [
          'kubectl get pods -A -o json',
          `${formatNumber(f.getPodsJsonSeconds, 2)} s (${formatBytes(f.getPodsJsonBytes)})`,
        ],
        [
          'kubectl describe node (its pods, events)',
          f.describeNodeSeconds === null ? '-' : `${formatNumber(f.describeNodeSeconds, 2)} s`,
        ],
        [
          'server RSS when listening / peak',
          `${formatBytes(f.listeningRssBytes)} / ${formatBytes(f.peakRssBytes)}`,
        ],
      ],
      ['l', 'r'],
    ),
    ...(f.getPodsKubectlCpuSeconds === undefined
      ? []
      : [
          '',
          `What bounds \`kubectl get pods -A\` here is kubectl: its rate limit holds the ${f.serverPages} requests for at least ${formatNumber(f.throttleSeconds ?? 0, 1)} s whatever the server does, and its own CPU for ${formatCount(f.pods)} rows (${formatNumber(median(f.getPodsWholeKubectlCpuSeconds ?? []), 1)} s in one request) is over the 1 s target by itself. The server’s part is its CPU (${formatNumber(median(f.getPodsServerCpuSeconds ?? []), 2)} s for all the pages once the instant is read).${f.floorGetPodsSeconds === undefined ? '' : ` The same commands answered by a replay of the server’s bytes, with no server work at all, take ${formatNumber(median(f.floorGetPodsSeconds), 2)} s (pages) and ${formatNumber(median(f.floorGetPodsWholeSeconds ?? []), 2)} s (one request): that is kubectl’s floor, against ${formatNumber(median(f.getPodsSeconds.slice(1).length > 0 ? f.getPodsSeconds.slice(1) : f.getPodsSeconds), 2)} s and ${formatNumber(median(f.getPodsWholeSeconds), 2)} s with the server.`} Wall-clock figures grow with the load average above.`,
        ]),
  ].join('\n');
}

function median(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
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
