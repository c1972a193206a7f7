// Benchmark of `kstory import` on API-server audit logs at Metadata level (the common production
// policy): the built CLI from process start to exit, plain and .gz, the median of several runs,
// against DuckDB's own read_json → Parquet of the same file in a process of its own (CPU, and the
// size of its Parquet), and the bundle against `zstd -3` of its rows as NDJSON. The importer's own
// conversion (no writer) is measured apart in a child process.
//   npm run bench -- import-audit --records 1m --runs 3
// This file is also that child process (run with --child).

import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';
import { sqlString } from '../src/bundle/duckdb.ts';
import {
  type CliMeasure,
  measureCli,
  measureDuckDbProcess,
  median,
  runTsChild,
  zstdSize,
} from './lib/child.ts';
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
import { parseCount } from './writer.ts';

const SELF = path.resolve(import.meta.dirname, 'import-audit.ts');
const CLI = path.join(REPO_DIR, 'bin', 'kstory.js');

// --- a deterministic audit log ---------------------------------------------------------------

/** mulberry32: small, fast, good enough to vary users, verbs and resources reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['get', 'list', 'watch', 'update', 'patch', 'create', 'delete'];
const RESOURCES = ['pods', 'configmaps', 'leases', 'endpoints', 'deployments', 'events', 'secrets', 'nodes'];
const USERS = [
  'system:kube-controller-manager',
  'system:kube-scheduler',
  'system:node:ip-10-0-1-17',
  'alice@example.com',
  'system:serviceaccount:shop:checkout',
];
const AGENTS = [
  'kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/abcdef0',
  'kubelet/v1.30.2 (linux/amd64) kubernetes/abcdef0',
  'kubectl/v1.30.2 (linux/amd64) kubernetes/abcdef0',
];

/**
 * Lines as kube-apiserver writes them at Metadata level: each request as RequestReceived then
 * ResponseComplete (about 700 bytes a line), timestamps increasing.
 */
async function writeAuditLog(file: string, lines: number, seed: number): Promise<void> {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const out = createWriteStream(file);
  let t = Date.parse('2026-03-01T10:00:00Z') * 1000;
  let buffer: string[] = [];
  for (let i = 0; i < lines; i += 2) {
    const id = `${(i / 2).toString(16).padStart(8, '0')}-4b24-4aa2-8627-${Math.floor(random() * 1e12)
      .toString(16)
      .padStart(12, '0')}`;
    const verb = pick(VERBS);
    const resource = pick(RESOURCES);
    const ns = resource === 'nodes' ? undefined : pick(['shop', 'kube-system', 'payments', 'default']);
    const name =
      verb === 'list' || verb === 'create'
        ? undefined
        : `${resource.slice(0, -1)}-${Math.floor(random() * 500)}`;
    const uri = `/api/v1/${ns ? `namespaces/${ns}/` : ''}${resource}${name ? `/${name}` : ''}`;
    const base = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: id,
      requestURI: uri,
      verb,
      user: { username: pick(USERS), groups: ['system:authenticated'] },
      sourceIPs: ['10.0.1.17'],
      userAgent: pick(AGENTS),
      objectRef: { resource, namespace: ns, name, apiVersion: 'v1' },
    };
    const received = new Date(t / 1000).toISOString().replace('Z', `${String(t % 1000).padStart(3, '0')}Z`);
    t += Math.floor(random() * 2000);
    const completed = new Date(t / 1000).toISOString().replace('Z', `${String(t % 1000).padStart(3, '0')}Z`);
    buffer.push(
      JSON.stringify({
        ...base,
        stage: 'RequestReceived',
        requestReceivedTimestamp: received,
        stageTimestamp: received,
      }),
    );
    if (i + 1 < lines) {
      const code = random() < 0.03 ? 404 : random() < 0.01 ? 403 : 200;
      buffer.push(
        JSON.stringify({
          ...base,
          stage: 'ResponseComplete',
          responseStatus: { metadata: {}, code },
          requestReceivedTimestamp: received,
          stageTimestamp: completed,
          annotations: {
            'authorization.k8s.io/decision': code === 403 ? 'forbid' : 'allow',
            'authorization.k8s.io/reason': '',
          },
        }),
      );
    }
    if (buffer.length >= 10_000) {
      if (!out.write(`${buffer.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      buffer = [];
    }
  }
  out.end(buffer.length > 0 ? `${buffer.join('\n')}\n` : '');
  await new Promise<void>((r) => out.once('finish', () => r()));
}

async function gzipFile(source: string, target: string): Promise<void> {
  const { createReadStream } = await import('node:fs');
  await pipeline(createReadStream(source), createGzip({ level: 6 }), createWriteStream(target));
}

// --- the measured child ------------------------------------------------------------------------

interface ChildReport {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
  rows: number;
  bytes: number;
}

/**
 * Reading, decoding, stage joining, redaction, row building and serialising each row as a spool line,
 * without the writer: the importer's own cost, apart from the Parquet writer it shares with record.
 */
async function child(input: string, report: string): Promise<void> {
  // Modules are loaded before the clock starts: their one-off cost is not a per-line cost.
  const { importInputs } = await import('../src/import/run.ts');
  const { ImportSink } = await import('../src/import/sink.ts');
  const { SpoolLines } = await import('../src/bundle/spool-lines.ts');
  const lines = new SpoolLines(1 << 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  const sink = new ImportSink({
    append(row) {
      bytes += lines.add(row) + 1;
      lines.truncate(0);
      rows++;
    },
  });
  await importInputs([input], sink, {});
  const cpu = process.cpuUsage(cpu0);
  const out: ChildReport = {
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rows,
    bytes,
  };
  writeFileSync(report, JSON.stringify(out));
}

async function measureConversion(input: string, workDir: string, tag: string) {
  const report = path.join(workDir, `import-audit-${tag}.report.json`);
  rmSync(report, { force: true });
  const run = await runTsChild(SELF, ['--child', input, report]);
  const r = JSON.parse(readFileSync(report, 'utf8')) as ChildReport;
  rmSync(report, { force: true });
  return { ...r, peakRssPolledBytes: run.peakRssPolledBytes };
}

interface Runs {
  /** The median run by CPU: the figures shown. */
  median: CliMeasure;
  cpuSeconds: number[];
  wallSeconds: number[];
  peakRssBytes: number;
  /** The 1-minute load average at the start of each run: the machine may be shared. */
  load: number[];
}

async function repeat(
  runs: number,
  once: () => Promise<CliMeasure>,
  log: (line: string) => void,
): Promise<Runs> {
  const all: CliMeasure[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await once();
    log(
      `  run ${i + 1}: ${formatNumber(r.wallSeconds, 2)} s, CPU ${formatNumber(r.cpuSeconds, 2)} s (other processes ${r.otherCpuSeconds === null ? '?' : formatNumber(r.otherCpuSeconds, 1)} s, load ${formatNumber(r.load[0], 1)}), peak RSS ${formatBytes(r.peakRssBytes)}`,
    );
    all.push(r);
  }
  const cpu = median(all.map((r) => r.cpuSeconds));
  return {
    median: all.find((r) => r.cpuSeconds === cpu)!,
    cpuSeconds: all.map((r) => r.cpuSeconds),
    wallSeconds: all.map((r) => r.wallSeconds),
    peakRssBytes: Math.max(...all.map((r) => r.peakRssBytes)),
    load: all.map((r) => r.load[0]),
  };
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const lines = typeof ctx.options.records === 'string' ? parseCount(ctx.options.records) : 1_000_000;
  const seed = Number(ctx.options.seed ?? 1);
  mkdirSync(ctx.workDir, { recursive: true });
  const plain = path.join(ctx.workDir, `audit-metadata-s${seed}-n${lines}.log`);
  const gz = `${plain}.gz`;
  if (!existsSync(plain)) {
    ctx.log(`writing ${formatCount(lines)} audit lines to ${plain}`);
    await writeAuditLog(plain, lines, seed);
  }
  if (!existsSync(gz)) {
    ctx.log('gzipping it');
    await gzipFile(plain, gz);
  }
  const size = statSync(plain).size;
  const runs = Number(ctx.options.runs ?? 3);
  ctx.log('conversion alone, plain and .gz (no bundle writer)');
  const convertPlain = await measureConversion(plain, ctx.workDir, 'convert-plain');
  const convertGz = await measureConversion(gz, ctx.workDir, 'convert-gz');
  const bundle = path.join(ctx.workDir, 'import-audit.parquet');
  const importOf = (input: string) => () =>
    measureCli(CLI, ['import', input, '-o', bundle, '--force', '--no-progress']);
  ctx.log(`kstory import of the plain log, ${runs} runs`);
  const fromPlain = await repeat(runs, importOf(plain), ctx.log);
  const bundleBytes = statSync(bundle).size;
  // The bundle's rows as NDJSON (body as a string, nulls written), compressed as a user would.
  const ndjson = path.join(ctx.workDir, 'import-audit.ndjson');
  await measureDuckDbProcess(
    `COPY (SELECT * FROM read_parquet(${sqlString(bundle)})) TO ${sqlString(ndjson)} (FORMAT json)`,
  );
  const zstd = await zstdSize(ndjson);
  rmSync(ndjson, { force: true });
  ctx.log(`kstory import of the .gz log, ${runs} runs`);
  const fromGz = await repeat(runs, importOf(gz), ctx.log);
  rmSync(bundle, { force: true });
  ctx.log(`DuckDB read_json → Parquet of the plain log in a process of its own, ${runs} runs`);
  const duckParquet = path.join(ctx.workDir, 'import-audit-duckdb.parquet');
  const duck = await repeat(
    runs,
    () =>
      measureDuckDbProcess(
        `COPY (SELECT * FROM read_json(${sqlString(plain)}, format = 'newline_delimited')) TO ${sqlString(duckParquet)} (FORMAT parquet, COMPRESSION zstd)`,
      ),
    ctx.log,
  );
  const duckBytes = statSync(duckParquet).size;
  rmSync(duckParquet, { force: true });

  const perCore = (cpuSeconds: number) => lines / cpuSeconds;
  const importCpu = fromPlain.median.cpuSeconds;
  const peak = Math.max(fromPlain.peakRssBytes, fromGz.peakRssBytes);
  return {
    name: `import-audit-${lines >= 1e6 && lines % 1e6 === 0 ? `${lines / 1e6}m` : lines >= 1e3 && lines % 1e3 === 0 ? `${lines / 1e3}k` : lines}`,
    input: {
      lines,
      bytes: size,
      gzBytes: statSync(gz).size,
      seed,
      level: 'Metadata',
      requests: Math.ceil(lines / 2),
    },
    targets: [
      check(
        'audit import CPU / DuckDB read_json → Parquet CPU',
        'max',
        2.5,
        importCpu / duck.median.cpuSeconds,
        '×',
        `both the median of ${runs} runs, each a process of its own from start to exit`,
      ),
      check(
        'audit import, plain',
        'min',
        150_000,
        perCore(importCpu),
        'lines/s per core',
        'the built CLI from process start to exit, bundle written',
      ),
      check('audit import, .gz', 'min', 120_000, perCore(fromGz.median.cpuSeconds), 'lines/s per core'),
      check(
        'audit conversion, plain',
        'min',
        250_000,
        perCore(convertPlain.cpuSeconds),
        'lines/s per core',
        'read, join stages, redact, build rows, serialise spool lines; no Parquet writer',
      ),
      check('peak RSS', 'max', 600, peak / 2 ** 20, 'MB', 'whole import, highest of all runs'),
      check(
        "audit bundle / DuckDB's plain Parquet of the log",
        'max',
        1.5,
        bundleBytes / duckBytes,
        '×',
        `${formatBytes(bundleBytes)} against ${formatBytes(duckBytes)}`,
      ),
      check(
        'audit bundle / zstd -3 of its rows as NDJSON',
        'max',
        0.7,
        bundleBytes / zstd.bytes,
        '×',
        `${formatBytes(bundleBytes)} against ${formatBytes(zstd.bytes)}`,
      ),
    ],
    figures: {
      runs,
      convertPlain: { ...convertPlain, linesPerCpuSecond: perCore(convertPlain.cpuSeconds) },
      convertGz: { ...convertGz, linesPerCpuSecond: perCore(convertGz.cpuSeconds) },
      plain: fromPlain,
      gz: fromGz,
      duckdbReadJson: duck,
      bytes: { bundle: bundleBytes, duckdbParquet: duckBytes, ndjsonZstd: zstd.bytes },
    },
  };
}

function render(result: BenchResult): string {
  const f = result.figures as {
    runs: number;
    convertPlain: ChildReport & { linesPerCpuSecond: number; peakRssPolledBytes: number };
    convertGz: ChildReport & { linesPerCpuSecond: number; peakRssPolledBytes: number };
    plain: Runs;
    gz: Runs;
    duckdbReadJson: Runs;
    bytes: { bundle: number; duckdbParquet: number; ndjsonZstd: number };
  };
  const input = result.input as { lines: number; bytes: number; gzBytes: number };
  const list = (xs: number[], digits = 2) => xs.map((x) => formatNumber(x, digits)).join(', ');
  const row = (name: string, r: Runs) => [
    name,
    formatNumber(r.median.wallSeconds, 2),
    formatNumber(r.median.cpuSeconds, 2),
    formatCount(input.lines / r.median.cpuSeconds),
    formatBytes(r.peakRssBytes),
    `CPU ${list(r.cpuSeconds)}; load ${list(r.load, 1)}`,
  ];
  const conversion = (name: string, r: typeof f.convertPlain) => [
    name,
    formatNumber(r.wallSeconds, 2),
    formatNumber(r.cpuSeconds, 2),
    formatCount(r.linesPerCpuSecond),
    formatBytes(Math.max(r.maxRssBytes, r.peakRssPolledBytes)),
    'one run, modules loaded first',
  ];
  return [
    `Input: ${formatCount(input.lines)} audit lines at Metadata level (${formatBytes(input.bytes)}, ${formatBytes(input.gzBytes)} gzipped). Machine: ${renderMachine(result.machine)}.`,
    '',
    `Each command is a process of its own, from start to exit (CPU of all its threads from /proc); the median of ${f.runs} runs by CPU is shown, every run in the last column with the 1-minute load average when it began (the machine is shared).`,
    '',
    markdownTable(
      ['what', 'wall s', 'CPU s', 'lines/s per core', 'peak RSS', 'runs'],
      [
        row('kstory import, plain', f.plain),
        row('kstory import, .gz', f.gz),
        row('DuckDB read_json → Parquet', f.duckdbReadJson),
        conversion('conversion only, plain', f.convertPlain),
        conversion('conversion only, .gz', f.convertGz),
      ],
      ['l', 'r', 'r', 'r', 'r', 'l'],
    ),
    '',
    `kstory import takes ${formatNumber(f.plain.median.cpuSeconds / f.duckdbReadJson.median.cpuSeconds, 2)}× the CPU of DuckDB's read_json → Parquet of the same file (which neither joins stages, redacts nor sorts). ` +
      `Sizes: the bundle ${formatBytes(f.bytes.bundle)}, DuckDB's plain Parquet of the log ${formatBytes(f.bytes.duckdbParquet)}, ` +
      `zstd -3 of the bundle's rows as NDJSON ${formatBytes(f.bytes.ndjsonZstd)}.`,
    '',
    // What stands in the way of the CPU target, from the figures above. The conversion child reads line
    // by line; the CLI reads a plain Metadata log on disk whole in DuckDB, so the two are not parts of
    // one another.
    `The conversion rows measure the line-by-line reader alone (reading, stage joining, redaction, rows, spool ` +
      `lines; ${formatNumber(f.convertPlain.cpuSeconds, 2)} s, no writer), which kstory uses for cloud exports, other levels, ` +
      `archives and logs with a damaged line. A plain Metadata log on disk is read whole in DuckDB instead: the ` +
      `import's ${formatNumber(f.plain.median.cpuSeconds, 2)} s are process start, DuckDB parsing the lines and joining ` +
      `the stages of each request, redaction of each distinct user, address and annotation set in JavaScript, and ` +
      `one sort and Parquet write of the bundle. DuckDB's read_json → Parquet alone takes ` +
      `${formatNumber(f.duckdbReadJson.median.cpuSeconds, 2)} s.`,
    '',
    renderTargets(result.targets),
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'import-audit',
  description: 'kstory import of a Metadata-level audit log, plain and .gz, against DuckDB read_json',
  options: { runs: { type: 'string' } },
  usage: [
    '--records N            audit lines to generate (default 1m)',
    '--runs N               runs of each command to take the median of (default 3)',
  ],
  run,
  render,
};

if (
  process.argv[1] &&
  pathToFileURL(process.argv[1]).href === import.meta.url &&
  process.argv[2] === '--child'
) {
  const [, , , input, report] = process.argv;
  await child(input!, report!);
}
