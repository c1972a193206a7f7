// Benchmark of `kstory import` on API-server audit logs at Metadata level (the common production
// policy): lines/s per core from plain text and from .gz, peak RSS, and the time DuckDB's own
// read_json takes to turn the same file into Parquet, as a yardstick. Targets from the import
// issue: ≥ 250,000 lines/s per core, ≥ 200,000 from .gz, peak RSS ≤ 600 MB.
//   npm run bench -- import-audit --records 1m
// This file is also the measured child process (run with --child), so that its CPU time and
// memory are the import's alone.

import { createWriteStream, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';
import { Database, sqlString } from '../src/bundle/duckdb.ts';
import { runTsChild } from './lib/child.ts';
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
  renderMachine,
  renderTargets,
} from './lib/harness.ts';
import { parseCount } from './writer.ts';

const SELF = path.resolve(import.meta.dirname, 'import-audit.ts');

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
 * `full`: `kstory import` as the user runs it, bundle file included. `convert`: reading, decoding,
 * stage joining, redaction, row building and serialising each row as the writer's spool line,
 * without the writer: the importer's own cost, apart from the Parquet writer it shares with record.
 */
async function child(mode: string, input: string, output: string, report: string): Promise<void> {
  // Modules are loaded before the clock starts: their one-off cost is not a per-line cost.
  const { runImport, importInputs } = await import('../src/import/run.ts');
  const { ImportSink } = await import('../src/import/sink.ts');
  const { encodeRow } = await import('../src/bundle/spool.ts');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  if (mode === 'full') {
    const result = await runImport({ inputs: [input], output, force: true, progress: false });
    rows = result.bundle?.rows ?? 0;
    bytes = result.bundle?.bytes ?? 0;
  } else {
    const sink = new ImportSink({
      append(row) {
        bytes += encodeRow(row).length + 1;
        rows++;
      },
    });
    await importInputs([input], sink, {});
  }
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

async function measureImport(mode: 'full' | 'convert', input: string, workDir: string, tag: string) {
  const output = path.join(workDir, `import-audit-${tag}.parquet`);
  const report = path.join(workDir, `import-audit-${tag}.report.json`);
  rmSync(report, { force: true });
  const run = await runTsChild(SELF, ['--child', mode, input, output, report]);
  const { readFileSync } = await import('node:fs');
  const r = JSON.parse(readFileSync(report, 'utf8')) as ChildReport;
  rmSync(output, { force: true });
  rmSync(report, { force: true });
  return { ...r, peakRssPolledBytes: run.peakRssPolledBytes, processWallSeconds: run.wallSeconds };
}

/** DuckDB's own JSON reader over the same file, into Parquet, all threads: the yardstick. */
async function measureDuckDb(input: string, workDir: string): Promise<{ wallSeconds: number; rows: number }> {
  const db = await Database.open({ memoryLimit: '2GB' });
  const output = path.join(workDir, 'import-audit-duckdb.parquet');
  try {
    const t0 = performance.now();
    await db.run(
      `COPY (SELECT * FROM read_json(${sqlString(input)}, format = 'newline_delimited')) TO ${sqlString(output)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const wallSeconds = (performance.now() - t0) / 1000;
    const [row] = await db.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(output)})`,
    );
    return { wallSeconds, rows: row?.n ?? 0 };
  } finally {
    db.close();
    rmSync(output, { force: true });
  }
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
  ctx.log('converting the plain log (no bundle file)');
  const convertPlain = await measureImport('convert', plain, ctx.workDir, 'convert-plain');
  ctx.log('converting the .gz log (no bundle file)');
  const convertGz = await measureImport('convert', gz, ctx.workDir, 'convert-gz');
  ctx.log('importing the plain log');
  const fromPlain = await measureImport('full', plain, ctx.workDir, 'plain');
  ctx.log('importing the .gz log');
  const fromGz = await measureImport('full', gz, ctx.workDir, 'gz');
  ctx.log('DuckDB read_json over the plain log');
  const duck = await measureDuckDb(plain, ctx.workDir);
  const perCore = (r: { cpuSeconds: number }) => lines / r.cpuSeconds;
  const withRates = <T extends { wallSeconds: number; cpuSeconds: number }>(r: T) => ({
    ...r,
    linesPerSecondWall: lines / r.wallSeconds,
    linesPerCpuSecond: perCore(r),
  });
  const peak = Math.max(
    fromPlain.maxRssBytes,
    fromPlain.peakRssPolledBytes,
    fromGz.maxRssBytes,
    fromGz.peakRssPolledBytes,
  );
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
        'audit conversion, plain',
        'min',
        250_000,
        perCore(convertPlain),
        'lines/s per core',
        'read, join stages, redact, build rows, serialise spool lines; no Parquet writer',
      ),
      check(
        'audit conversion, .gz',
        'min',
        200_000,
        perCore(convertGz),
        'lines/s per core',
        'the same from .gz',
      ),
      check(
        'audit import, plain',
        'min',
        250_000,
        perCore(fromPlain),
        'lines/s per core',
        'whole process, with the bundle writer and its DuckDB threads',
      ),
      check(
        'audit import, .gz',
        'min',
        200_000,
        perCore(fromGz),
        'lines/s per core',
        'whole process, from .gz',
      ),
      check('peak RSS', 'max', 600, peak / 2 ** 20, 'MB', 'whole import'),
    ],
    figures: {
      convertPlain: withRates(convertPlain),
      convertGz: withRates(convertGz),
      plain: withRates(fromPlain),
      gz: withRates(fromGz),
      duckdbReadJson: { ...duck, linesPerSecondWall: lines / duck.wallSeconds },
      ratioToDuckDb: fromPlain.wallSeconds / duck.wallSeconds,
    },
  };
}

function render(result: BenchResult): string {
  const f = result.figures as {
    convertPlain: ChildReport & {
      linesPerSecondWall: number;
      linesPerCpuSecond: number;
      peakRssPolledBytes: number;
    };
    convertGz: ChildReport & {
      linesPerSecondWall: number;
      linesPerCpuSecond: number;
      peakRssPolledBytes: number;
    };
    plain: ChildReport & {
      linesPerSecondWall: number;
      linesPerCpuSecond: number;
      peakRssPolledBytes: number;
    };
    gz: ChildReport & { linesPerSecondWall: number; linesPerCpuSecond: number; peakRssPolledBytes: number };
    duckdbReadJson: { wallSeconds: number; linesPerSecondWall: number };
    ratioToDuckDb: number;
  };
  const input = result.input as { lines: number; bytes: number; gzBytes: number };
  const row = (name: string, r: typeof f.plain) => [
    name,
    formatNumber(r.wallSeconds, 2),
    formatNumber(r.cpuSeconds, 2),
    formatCount(r.linesPerSecondWall),
    formatCount(r.linesPerCpuSecond),
    formatBytes(Math.max(r.maxRssBytes, r.peakRssPolledBytes)),
  ];
  return [
    `Input: ${formatCount(input.lines)} audit lines at Metadata level (${formatBytes(input.bytes)}, ${formatBytes(input.gzBytes)} gzipped). Machine: ${renderMachine(result.machine)}.`,
    '',
    markdownTable(
      ['input', 'wall s', 'CPU s', 'lines/s (wall)', 'lines/s per core (CPU)', 'peak RSS'],
      [
        row('conversion only, plain', f.convertPlain),
        row('conversion only, .gz', f.convertGz),
        row('import, plain', f.plain),
        row('import, .gz', f.gz),
        [
          'DuckDB read_json → Parquet',
          formatNumber(f.duckdbReadJson.wallSeconds, 2),
          '',
          formatCount(f.duckdbReadJson.linesPerSecondWall),
          '',
          '',
        ],
      ],
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `kstory import takes ${formatNumber(f.ratioToDuckDb, 2)}× the wall time of DuckDB's read_json over the same file (which neither joins stages nor redacts).`,
    '',
    renderTargets(result.targets),
  ].join('\n');
}

export const benchmark: Benchmark = {
  name: 'import-audit',
  description: 'kstory import of a Metadata-level audit log, plain and .gz, against DuckDB read_json',
  options: {},
  usage: ['--records N            audit lines to generate (default 1m)'],
  run,
  render,
};

if (
  process.argv[1] &&
  pathToFileURL(process.argv[1]).href === import.meta.url &&
  process.argv[2] === '--child'
) {
  const [, , , mode, input, output, report] = process.argv;
  await child(mode!, input!, output!, report!);
}
