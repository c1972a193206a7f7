// Benchmark `record`: the real `kstory record` (bin/kstory.js → dist/) against the fake API server in
// a process of its own, which streams generated watch events (full objects, managedFields included)
// as fast as the recorder takes them: Pods only (the worst case per event), or the mix of kinds a
// busy cluster's watches deliver (`--input mixed`). Measured on the recorder's process only: CPU
// (user + system, every thread, DuckDB's included) per event while streaming and over the whole run,
// peak RSS, and the bundle. `--profile` runs the recorder again under `node --cpu-prof` and lists
// where its time went.

import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_RESOURCES } from '../test/support/fake-apiserver.ts';
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
  type TargetCheck,
} from './lib/harness.ts';
import { measureFloor, type RecordFloor } from './lib/record-floor.ts';
import {
  EXTRA_RESOURCES,
  ensureRecordInput,
  type RecordInput,
  type RecordInputKind,
  type RecordInputManifest,
} from './lib/record-input.ts';
import type { ServerMessage, ServerSpec } from './lib/record-server.ts';
import { countLabel, parseCount } from './writer.ts';

const LIB = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib');
const SERVER = path.join(LIB, 'record-server.ts');
const PROBE = path.join(LIB, 'record-probe.js');
const MB = 1024 * 1024;

/**
 * Watch events/s per core: the mix of kinds a busy cluster watches (4.3 KB mean) while streaming and
 * over the whole run, finishing the bundle included; Pods (10 KB with managedFields) while streaming.
 */
export const TARGETS = {
  mixed: { streaming: 20_000, wholeRun: 16_000 },
  pods: { streaming: 10_000 },
  peakRssBytes: 768 * MB,
};

function streamingTarget(input: RecordInputKind): number {
  return input === 'mixed' ? TARGETS.mixed.streaming : TARGETS.pods.streaming;
}

/**
 * The recorder's command line after `kstory`: no logs, so that watch events are all it does; Pods
 * only for the Pods input, every resource (the default) for the mixed one.
 */
function recordArgs(input: RecordInputKind): string[] {
  return [...(input === 'pods' ? ['--include', 'pods'] : []), '--logs', 'none', '--no-progress', '--json'];
}

/** Resources the fake API server serves that a recording watches: all of them by default. */
function watchCount(input: RecordInputKind): number {
  if (input === 'pods') return 1;
  return [...BUILTIN_RESOURCES, ...EXTRA_RESOURCES].filter((r) => (r.verbs ?? ['watch']).includes('watch'))
    .length;
}

interface CpuSample {
  wall: number;
  user: number;
  system: number;
}

export interface RecordFigures {
  input: RecordInputManifest & { file: string };
  recorderArgs: string[];
  /** From the moment the first event is sent until the recorder is idle again. */
  stream: {
    events: number;
    bytes: number;
    wallSeconds: number;
    userSeconds: number;
    systemSeconds: number;
    /** Of that CPU, the JavaScript main thread's; the rest is DuckDB (segment compaction) and libuv. */
    mainThreadSeconds: number;
    /** The server's own time to write everything (the recorder's pace, through TCP back-pressure). */
    serverWallSeconds: number;
    serverCpuSeconds: number;
  };
  /** The whole recorder process: start, discovery, list, stream, and finish after SIGTERM. */
  total: { wallSeconds: number; userSeconds: number; systemSeconds: number; finishWallSeconds: number };
  peakRssBytes: number;
  /** Peak RSS when the stream was taken (before SIGTERM): without finishing the bundle. */
  streamPeakRssBytes?: number;
  /** Highest V8 heap (heapTotal) sampled in the recorder: the JavaScript part of the peak. */
  peakHeapBytes?: number | null;
  bundleBytes: number;
  rowsRecorded: number;
  /** Events sent but not in the bundle: must be 0. Listed objects and watch events are object rows,
   * Events event rows. */
  eventsLost: number;
  profile?: ProfileSummary;
  /** What the input's events cost at least, measured without the recorder (bench/lib/record-floor.ts). */
  floor?: RecordFloor;
  /** Every run's main figures when there were several (`--runs`); the figures above are the median's. */
  runs?: RunSummary[];
  /** Figures of an earlier run (`--compare`), for a before/after table. */
  before?: { name: string; startedAt: string; figures: Omit<RecordFigures, 'before' | 'profile' | 'floor'> };
}

export interface RunSummary {
  eventsPerCoreSecond: number;
  wholeRunEventsPerCoreSecond: number;
  peakRssBytes: number;
  /** Before the finish: what streaming alone took. */
  streamPeakRssBytes?: number;
  finishWallSeconds: number;
  bundleBytes: number;
}

function runSummary(f: RecordFigures): RunSummary {
  return {
    eventsPerCoreSecond: f.stream.events / streamCpu(f),
    wholeRunEventsPerCoreSecond: f.stream.events / totalCpu(f),
    peakRssBytes: f.peakRssBytes,
    streamPeakRssBytes: f.streamPeakRssBytes,
    finishWallSeconds: f.total.finishWallSeconds,
    bundleBytes: f.bundleBytes,
  };
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** The profiled run's own rate: the profiler slows the recorder down. */
  eventsPerCoreSecond?: number;
  top: { fn: string; ms: number; share: number }[];
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User and system CPU seconds of a live process, all its threads, from /proc/<pid>/stat. */
function cpuOf(pid: number): CpuSample {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    wall: performance.now() / 1000,
    user: Number(fields[11]) / CLK_TCK,
    system: Number(fields[12]) / CLK_TCK,
  };
}

/** CPU seconds of the process's main thread (JavaScript) alone, from /proc/<pid>/task/<pid>/stat. */
function mainThreadCpuOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function peakRssOf(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function nextMessage<T extends ServerMessage['type']>(
  child: ReturnType<typeof fork>,
  type: T,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<ServerMessage, { type: T }>);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`the API server exited (${code}) before "${type}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Wait until the process has used under 5 % of a core for half a second; return when that began. */
async function idleSince(pid: number): Promise<CpuSample> {
  const samples: CpuSample[] = [cpuOf(pid)];
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = cpuOf(pid);
    samples.push(now);
    const start = samples.find((s) => now.wall - s.wall <= 0.5 + 1e-6);
    if (
      start &&
      now.wall - samples[0]!.wall >= 0.5 &&
      now.user + now.system - start.user - start.system < 0.025
    )
      return start;
  }
}

function writeKubeconfig(dir: string, url: string): string {
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
# client-node refuses plain HTTP unless told the server is not verified: the fake server is local.
clusters: [{ name: bench, cluster: { server: '${url}', insecure-skip-tls-verify: true } }]
users: [{ name: bench, user: {} }]
contexts: [{ name: bench, context: { cluster: bench, user: bench } }]
current-context: bench
`,
  );
  return file;
}

/** Self time per function of a V8 CPU profile, most first. */
export function summarizeProfile(file: string, top = 30): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    if (!frame) return;
    const where = frame.url
      ? ` ${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}`
      : '';
    const key = `${frame.functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + us);
  });
  return {
    file: path.relative(process.cwd(), file),
    totalMs: total / 1000,
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: us / 1000, share: us / total })),
  };
}

async function run(context: BenchContext): Promise<BenchOutcome> {
  const o = context.options;
  const events = parseCount(String(o.records ?? '200k'));
  const seed = Number(o.seed ?? 1);
  const managedFields = o['no-managed-fields'] !== true;
  const inputKind = String(o.input ?? 'pods');
  if (inputKind !== 'pods' && inputKind !== 'mixed')
    throw new Error(`--input: pods or mixed, not "${inputKind}"`);
  mkdirSync(context.workDir, { recursive: true });
  const input = ensureRecordInput(
    context.workDir,
    { input: inputKind, seed, events, managedFields },
    context.log,
  );
  if (o['no-build'] !== true) {
    context.log('building dist/ (npm run build)...');
    execFileSync(
      process.execPath,
      [path.join(REPO_DIR, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: REPO_DIR,
        stdio: 'inherit',
      },
    );
  }
  // The machine may be shared: several runs, the median shown, the spread kept.
  const runs = Number(o.runs ?? 1);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: a positive whole number, not "${o.runs}"`);
  const measured: RecordFigures[] = [];
  for (let run = 1; run <= runs; run++) {
    if (runs > 1) context.log(`run ${run} of ${runs}`);
    measured.push(await measure(context, input, false));
  }
  measured.sort((a, b) => a.stream.events / streamCpu(a) - b.stream.events / streamCpu(b));
  const figures = measured[Math.floor((measured.length - 1) / 2)] as RecordFigures;
  if (runs > 1) figures.runs = measured.map(runSummary);
  if (o.profile === true) {
    // A run of its own: the profiler slows the recorder, and the figures above must not include it.
    context.log('again under node --cpu-prof...');
    const profiled = await measure(context, input, true);
    if (profiled.profile) {
      figures.profile = {
        ...profiled.profile,
        eventsPerCoreSecond: profiled.stream.events / streamCpu(profiled),
      };
    }
  }
  context.log('the floor: parse, conversion and compaction of the first events without the recorder...');
  const floor = await measureFloor(
    input,
    path.join(context.workDir, 'runs', String(process.pid), 'floor'),
    o.recorder === undefined ? REPO_DIR : path.resolve(String(o.recorder)),
  );
  if (floor) figures.floor = floor;
  else context.log('no floor: the recorder measured is a build without the writer exports it needs');
  if (o.compare !== undefined) figures.before = beforeOf(String(o.compare));
  return {
    name: String(
      o.name ??
        `record-${inputKind === 'pods' ? '' : `${inputKind}-`}${countLabel(events)}${managedFields ? '' : '-nomf'}`,
    ),
    input: {
      input: inputKind,
      events,
      seed,
      generator: input.manifest.generator,
      managedFields,
      listed: input.manifest.listed,
      meanEventBytes: Math.round(input.manifest.eventBytes.mean),
      logs: 'none',
      ...(o.recorder === undefined ? {} : { recorder: String(o.recorder) }),
    },
    targets: targetsOf(figures),
    figures: figures as unknown as Record<string, unknown>,
  };
}

async function measure(context: BenchContext, input: RecordInput, profile: boolean): Promise<RecordFigures> {
  const o = context.options;
  const inputKind = input.manifest.input;
  const args = recordArgs(inputKind);
  // Another build of kstory (a worktree of an earlier commit) for before-and-after figures.
  const kstoryDir = o.recorder === undefined ? REPO_DIR : path.resolve(String(o.recorder));
  const dir = path.join(context.workDir, 'runs', String(process.pid), 'record');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const output = path.join(dir, 'recorded.parquet');
  const probeFile = path.join(dir, 'probe.json');
  const profileDir = path.join(dir, 'profile');

  const spec: ServerSpec = {
    listed: input.listed,
    stream: input.stream,
    resources: EXTRA_RESOURCES,
    watches: watchCount(inputKind),
  };
  const server = fork(SERVER, [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { url } = await nextMessage(server, 'ready');
    const watching = nextMessage(server, 'watching');
    const recorderArgs = ['record', '-o', output, '--kubeconfig', writeKubeconfig(dir, url), ...args];
    const nodeArgs = [
      '--import',
      PROBE,
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...(o['node-options'] === undefined ? [] : String(o['node-options']).split(/\s+/).filter(Boolean)),
    ];
    const started = performance.now() / 1000;
    const recorder = spawn(
      process.execPath,
      [...nodeArgs, path.join(kstoryDir, 'bin/kstory.js'), ...recorderArgs],
      {
        cwd: kstoryDir,
        env: { ...process.env, KSTORY_BENCH_PROBE: probeFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    recorder.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    recorder.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => recorder.on('close', resolve));
    const pid = recorder.pid as number;
    let peakPolled = 0;
    const poll = setInterval(() => {
      peakPolled = Math.max(peakPolled, peakRssOf(pid));
    }, 200);
    try {
      await Promise.race([
        watching,
        exited.then((code) => {
          throw new Error(`kstory record exited (${code}) before watching:\n${stderr}`);
        }),
      ]);
      context.log(`recorder watching; streaming ${formatCount(input.manifest.events)} events...`);
      const serverPid = server.pid as number;
      const cpu0 = cpuOf(pid);
      const main0 = mainThreadCpuOf(pid);
      const server0 = cpuOf(serverPid);
      server.send({ type: 'go' });
      const streamed = await nextMessage(server, 'streamed');
      const server1 = cpuOf(serverPid);
      const cpu1 = await idleSince(pid);
      const main1 = mainThreadCpuOf(pid);
      const streamPeakRssBytes = peakRssOf(pid);
      context.log(
        `streamed in ${formatNumber(cpu1.wall - cpu0.wall)} s: recorder ${formatNumber(cpu1.user - cpu0.user + cpu1.system - cpu0.system)} CPU-s, ` +
          `${formatCount(streamed.events / (cpu1.user - cpu0.user + cpu1.system - cpu0.system))} events/s per core`,
      );
      const stopAt = performance.now() / 1000;
      recorder.kill('SIGTERM');
      const code = await exited;
      const ended = performance.now() / 1000;
      writeFileSync(path.join(dir, 'recorder.stderr'), stderr);
      writeFileSync(path.join(dir, 'recorder.stdout'), stdout);
      if (code !== 0) throw new Error(`kstory record exited with ${code}:\n${stderr}`);
      const usage = JSON.parse(readFileSync(probeFile, 'utf8')) as {
        userSeconds: number;
        systemSeconds: number;
        maxRssBytes: number;
        maxHeapTotalBytes?: number;
        maxExternalBytes?: number;
      };
      // The summary is the JSON document on stdout (--node-options=--trace-gc prints there too).
      const summary = JSON.parse(stdout.slice(Math.max(0, stdout.search(/^\{$/m)))) as {
        rows_by_source: Record<string, number>;
      };
      const rowsRecorded = (summary.rows_by_source.object ?? 0) + (summary.rows_by_source.event ?? 0);
      const figures: RecordFigures = {
        input: { ...input.manifest, file: path.relative(process.cwd(), input.stream) },
        recorderArgs: [
          ...nodeArgs.filter((a) => a !== PROBE && a !== '--import'),
          'kstory',
          'record',
          ...args,
        ],
        stream: {
          events: streamed.events,
          bytes: streamed.bytes,
          wallSeconds: cpu1.wall - cpu0.wall,
          userSeconds: cpu1.user - cpu0.user,
          systemSeconds: cpu1.system - cpu0.system,
          mainThreadSeconds: main1 - main0,
          serverWallSeconds: streamed.seconds,
          serverCpuSeconds: server1.user + server1.system - server0.user - server0.system,
        },
        total: {
          wallSeconds: ended - started,
          userSeconds: usage.userSeconds,
          systemSeconds: usage.systemSeconds,
          finishWallSeconds: ended - stopAt,
        },
        peakRssBytes: Math.max(usage.maxRssBytes, peakPolled),
        streamPeakRssBytes,
        peakHeapBytes: usage.maxHeapTotalBytes ?? null,
        bundleBytes: statSync(output).size,
        rowsRecorded,
        eventsLost: input.manifest.listed + streamed.events - rowsRecorded,
      };
      if (profile) {
        const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
        if (file) figures.profile = summarizeProfile(path.join(profileDir, file));
      }
      if (o.keep !== true) rmSync(output, { force: true });
      return figures;
    } finally {
      clearInterval(poll);
      if (recorder.exitCode === null) recorder.kill('SIGKILL');
    }
  } finally {
    server.send({ type: 'stop' });
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        server.kill('SIGKILL');
        resolve(null);
      }, 5000);
      server.once('exit', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
  }
}

function beforeOf(file: string): RecordFigures['before'] {
  if (!existsSync(file)) throw new Error(`--compare: no such results file ${file}`);
  const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  if (result.benchmark !== 'record') throw new Error(`--compare: ${file} is not a record benchmark result`);
  const {
    before: _before,
    profile: _profile,
    floor: _floor,
    ...figures
  } = result.figures as unknown as RecordFigures;
  return { name: result.name, startedAt: result.startedAt, figures };
}

function streamCpu(f: Pick<RecordFigures, 'stream'>): number {
  return f.stream.userSeconds + f.stream.systemSeconds;
}

function totalCpu(f: Pick<RecordFigures, 'total'>): number {
  return f.total.userSeconds + f.total.systemSeconds;
}

export function targetsOf(f: RecordFigures): TargetCheck[] {
  const wholeRun = f.stream.events / totalCpu(f);
  return [
    check(
      'watch events/s per core, sustained (recorder CPU while streaming)',
      'min',
      streamingTarget(f.input.input),
      f.stream.events / streamCpu(f),
      'events/s',
      `whole run, start to finished bundle: ${formatCount(wholeRun)} events/s per core`,
    ),
    ...(f.input.input === 'mixed'
      ? [
          check(
            'watch events/s per core, whole run (start to finished bundle)',
            'min',
            TARGETS.mixed.wholeRun,
            wholeRun,
            'events/s',
          ),
        ]
      : []),
    check(
      `peak RSS of the recorder${f.runs ? ' (highest of all runs)' : ''}`,
      'max',
      TARGETS.peakRssBytes / MB,
      Math.max(f.peakRssBytes, ...(f.runs ?? []).map((r) => r.peakRssBytes)) / MB,
      'MB',
    ),
  ];
}

// --- rendering ------------------------------------------------------------------------------------

function figureRows(f: Omit<RecordFigures, 'before' | 'profile' | 'floor'>): [string, string][] {
  const s = f.stream;
  return [
    ['events streamed', formatCount(s.events)],
    ['stream: wall', `${formatNumber(s.wallSeconds)} s`],
    [
      'stream: recorder CPU (user + system)',
      `${formatNumber(streamCpu(f))} s (${formatNumber(s.userSeconds)} + ${formatNumber(s.systemSeconds)})`,
    ],
    ['stream: events/s (wall)', formatCount(s.events / s.wallSeconds)],
    ['stream: events/s per core', formatCount(s.events / streamCpu(f))],
    ['stream: recorder CPU per event', `${formatNumber((1e6 * streamCpu(f)) / s.events)} µs`],
    [
      'stream: of which JavaScript (main thread) per event',
      s.mainThreadSeconds === undefined ? '–' : `${formatNumber((1e6 * s.mainThreadSeconds) / s.events)} µs`,
    ],
    ['stream: MB/s of watch JSON (wall)', formatNumber(s.bytes / MB / s.wallSeconds)],
    ['whole run: wall (start → bundle written)', `${formatNumber(f.total.wallSeconds)} s`],
    ['whole run: recorder CPU', `${formatNumber(totalCpu(f))} s`],
    ['whole run: events/s per core', formatCount(s.events / totalCpu(f))],
    ['finish after SIGTERM (wall)', `${formatNumber(f.total.finishWallSeconds)} s`],
    ['peak RSS', formatBytes(f.peakRssBytes)],
    [
      'of which while streaming (before finishing)',
      f.streamPeakRssBytes ? formatBytes(f.streamPeakRssBytes) : '–',
    ],
    ['of which V8 heap at most', f.peakHeapBytes ? formatBytes(f.peakHeapBytes) : '–'],
    ['bundle', `${formatBytes(f.bundleBytes)} (${formatNumber(f.bundleBytes / s.events)} B/event)`],
    ['events lost', String(f.eventsLost)],
    ['API server CPU while streaming (not counted)', `${formatNumber(s.serverCpuSeconds)} s`],
  ];
}

function describeInput(i: RecordFigures['input']): string {
  const sizes =
    `${formatCount(i.eventBytes.mean)} bytes per event on average (p10 ${formatCount(i.eventBytes.p10)}, ` +
    `median ${formatCount(i.eventBytes.p50)}, p90 ${formatCount(i.eventBytes.p90)}), ${formatBytes(i.bytes)} in all.`;
  const types = Object.entries(i.types)
    .map(([t, n]) => `${formatCount(n)} ${t}`)
    .join(', ');
  if ((i.input ?? 'pods') === 'pods') {
    return (
      `The input is generated (bench/lib/gen/, seed ${i.seed}): the Pods of a simulated cluster going through their ` +
      `lifecycles, ${formatCount(i.listed)} of them listed first, then ${formatCount(i.events)} watch events ` +
      `(${types}), each a full Pod${i.managedFields ? ' with its managedFields (which the recorder drops)' : ''}: ${sizes}`
    );
  }
  const kinds = Object.entries(i.kinds ?? {})
    .map(
      ([kind, k]) => `${kind} ${formatNumber((100 * k.events) / i.events)} % (${formatCount(k.meanBytes)} B)`,
    )
    .join(', ');
  return (
    `The input is generated (bench/lib/gen/, seed ${i.seed}): the watch traffic of a busy simulated cluster, as ` +
    `\`kstory record\` takes it by default (every resource but Leases): its Pods going through their lifecycles ` +
    'with the ReplicaSets, Deployments, Nodes, Services and ConfigMaps its churn touches, as many Events as Pod ' +
    'updates (the kubelet and controllers report about one per change), and the EndpointSlice and Endpoints ' +
    `updates each change of a Pod's IP, readiness or termination makes. ${formatCount(i.listed)} objects listed ` +
    `first, then ${formatCount(i.events)} watch events (${types})${i.managedFields ? ', managedFields included' : ''}; ` +
    `by kind, share of events and mean size: ${kinds}. ${sizes} For comparison, the objects of a real OpenShift ` +
    'cluster (the must-gather in ../shared/real-samples, managedFields stripped) average: Event 933 B, ' +
    'EndpointSlice 1,433 B, Endpoints 944 B, Pod 7,033 B (median 5,582), ConfigMap median 1,579 B; ' +
    'managedFields add a few hundred bytes to 2 KB per object.'
  );
}

/** Every run's figures, in the order of their rate: the spread behind a median. */
function describeRuns(runs: RunSummary[]): string {
  const list = (values: string[]) => values.join(', ');
  return (
    `${runs.length} runs (the table shows the median${runs.length % 2 === 0 ? ', the slower of the middle two' : ''}): ` +
    `${list(runs.map((r) => formatCount(r.eventsPerCoreSecond)))} events/s per core while streaming, ` +
    `${list(runs.map((r) => formatCount(r.wholeRunEventsPerCoreSecond)))} over the whole run; ` +
    `peak RSS ${list(runs.map((r) => formatBytes(r.peakRssBytes)))}` +
    (runs.every((r) => r.streamPeakRssBytes)
      ? ` (before finishing ${list(runs.map((r) => formatBytes(r.streamPeakRssBytes ?? 0)))}); `
      : '; ') +
    `finish ${list(runs.map((r) => `${formatNumber(r.finishWallSeconds)} s`))}; ` +
    `bundle ${list(runs.map((r) => formatBytes(r.bundleBytes)))}.`
  );
}

/** The floor against the budget per event that the throughput target leaves. */
function describeFloor(floor: RecordFloor, recorderMicros: number, input: RecordInputKind): string {
  const target = streamingTarget(input);
  const budget = 1e6 / target;
  const least = floor.convertMicros + floor.compactMicros;
  return (
    `**The floor** (bench/lib/record-floor.ts): the same work without the recorder, over the ` +
    `${formatCount(floor.events)} events in one process, CPU per event: V8's \`JSON.parse\` of the event alone ` +
    `${formatNumber(floor.parseMicros)} µs; the recorder's conversion (managedFields cut, parse, row, redaction, ` +
    `spool line) ${formatNumber(floor.convertMicros)} µs` +
    (floor.redactMicros !== undefined ? `, of which redaction ${formatNumber(floor.redactMicros)} µs` : '') +
    `; DuckDB's compaction of the spool lines into a sorted ` +
    `Parquet segment, as the writer does it, ${formatNumber(floor.compactMicros)} µs (the first ` +
    `${formatCount(floor.compactedEvents)} events, ${formatCount(floor.spoolBytesPerEvent)} spool bytes each). Conversion and ` +
    `compaction alone take ${formatNumber(least)} µs per event, ${least > budget ? 'more than' : 'within'} the ` +
    `${formatNumber(budget, 0)} µs that ${formatCount(target)} events/s per core allow; the ` +
    `recorder spent ${formatNumber(recorderMicros)} µs, the rest being the HTTP stream, watch bookkeeping, and ` +
    'writing and syncing the spool.'
  );
}

function render(result: BenchResult): string {
  const f = result.figures as unknown as RecordFigures;
  const out: string[] = [
    describeInput(f.input),
    '',
    'The fake API server of the tests runs in a process of its own and writes the events to the watches as fast as ' +
      'the recorder reads them. The recorder is `kstory record` from dist/ ' +
      `(\`${f.recorderArgs.join(' ')}\`); its CPU is user + system time of its process (all threads, DuckDB's ` +
      'included) from /proc, from the first event sent until it is idle again (segments compacted meanwhile count); ' +
      'peak RSS is getrusage’s. It is stopped with SIGTERM and finishes the bundle.',
    '',
  ];
  if (f.before) {
    const before = figureRows(f.before.figures);
    const after = figureRows(f);
    out.push(
      `**Before and after** the record-path changes (before: run ${f.before.name} of ${f.before.startedAt.slice(0, 10)}):`,
      '',
      markdownTable(
        ['figure', 'before', 'after'],
        after.map(([k, v], n) => [k, before[n]?.[1] ?? '–', v]),
        ['l', 'r', 'r'],
      ),
      '',
    );
  } else {
    out.push(markdownTable(['figure', 'value'], figureRows(f), ['l', 'r']), '');
  }
  for (const [label, runs] of [
    ['After', f.before ? f.runs : undefined],
    ['Before', f.before?.figures.runs],
    ['Runs', f.before ? undefined : f.runs],
  ] as const) {
    if (runs) out.push(`${label}: ${describeRuns(runs)}`, '');
  }
  if (f.floor) out.push(describeFloor(f.floor, (1e6 * streamCpu(f)) / f.stream.events, f.input.input), '');
  if (f.profile) {
    out.push(
      `**Where the recorder's time went** (a second run under \`node --cpu-prof\`${f.profile.eventsPerCoreSecond ? `, ${formatCount(f.profile.eventsPerCoreSecond)} events/s per core with the profiler` : ''}; self time, ${formatNumber(f.profile.totalMs / 1000)} s sampled, idle included; main thread only, DuckDB's threads are not in it; what the optimiser inlined counts in its caller, e.g. JSON.parse and row building in the watcher's line callback):`,
      '',
      markdownTable(
        ['function', 'self ms', 'share'],
        f.profile.top
          .slice(0, 20)
          .map((t) => [`\`${t.fn}\``, formatNumber(t.ms, 0), `${formatNumber(100 * t.share)} %`]),
        ['l', 'r', 'r'],
      ),
      '',
    );
  }
  return out.join('\n');
}

export const benchmark: Benchmark = {
  name: 'record',
  description:
    'kstory record (the CLI) taking generated watch events from the fake API server in another process',
  options: {
    input: { type: 'string' },
    runs: { type: 'string' },
    recorder: { type: 'string' },
    'no-managed-fields': { type: 'boolean' },
    profile: { type: 'boolean' },
    compare: { type: 'string' },
    'no-build': { type: 'boolean' },
    'node-options': { type: 'string' },
  },
  usage: [
    '--records N            watch events to stream (default 200k)',
    '--input pods|mixed     Pods only (default), or the mix of kinds a busy cluster watches (results record-mixed-N)',
    "--runs N               measure N times (default 1): the median run is shown, with every run's figures",
    '--recorder DIR         measure the kstory in DIR (a worktree of an earlier commit, built) instead of this one',
    '--no-managed-fields    Pods without managedFields (as `kubectl get -o json` shows them)',
    '--profile              then run the recorder again under node --cpu-prof and list its hottest functions',
    '--compare FILE         a record results file of an earlier run, shown as "before"',
    '--no-build             use dist/ as it is (default: npm run build first)',
    '--node-options="..."  extra node flags for the recorder (diagnostics, e.g. --trace-gc); its stderr is kept in the run dir',
    '--keep                 keep the bundle in <work-dir>/runs/<pid>/record',
  ],
  run,
  render,
};
