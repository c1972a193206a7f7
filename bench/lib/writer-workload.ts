// The measured workload of the writer benchmark, run in a child process of its own so that its RSS
// and CPU time are its own: `write` appends the input's rows to a BundleWriter and finishes the
// bundle; `convert` only parses and converts, and pipes the rows as NDJSON into `zstd -3`.
// Usage (by bench/writer.ts): tsx bench/lib/writer-workload.ts '<WorkloadSpec JSON>'

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeRow } from '../../src/bundle/spool.ts';
import { BundleWriter, type WriterOptions } from '../../src/bundle/writer.ts';
import { classOfParsed, parseLine, toRow } from './convert.ts';
import { classFilter, readInputLines } from './input.ts';

export type WriterTuning = Pick<
  WriterOptions,
  'rowGroupSize' | 'compressionLevel' | 'memoryLimit' | 'segmentMaxBytes'
>;

export interface WorkloadSpec {
  mode: 'write' | 'convert';
  input: string;
  /** The bundle to write (write mode). */
  output: string;
  /** Only rows of these classes (`object`, `audit:Metadata`...); null for all. */
  classes: string[] | null;
  writer: WriterTuning;
  resultFile: string;
  /** Also compress each class apart (convert mode). */
  perClassZstd: boolean;
  /** Delete the input once appended, before finish(): frees its disk space for the final sort's spill (10M runs). */
  deleteInputAfterAppend?: boolean;
}

export interface Cpu {
  user: number;
  system: number;
  total: number;
}

export interface Phase {
  wallSeconds: number;
  cpu: Cpu;
}

export interface Checkpoint {
  records: number;
  wallSeconds: number;
  cpuSeconds: number;
  rssBytes: number;
}

export interface WriteReport {
  mode: 'write';
  records: number;
  recordsByClass: Record<string, number>;
  append: Phase;
  /** From finish() until the final COPY starts writing: compaction of segments still queued. */
  finishBacklog: Phase | null;
  /** The final sort and write (and fsync, rename). */
  finishSort: Phase | null;
  finish: Phase;
  total: Phase;
  bundleBytes: number;
  rowsBySource: Record<string, number>;
  peakRssSampledBytes: number;
  vmHwmBytes: number | null;
  peakHeapUsedBytes: number;
  checkpoints: Checkpoint[];
}

export interface ClassConvert {
  records: number;
  parseSeconds: number;
  convertSeconds: number;
  encodeSeconds: number;
  ndjsonBytes: number;
  zstdBytes: number | null;
}

export interface ConvertReport {
  mode: 'convert';
  records: number;
  wallSeconds: number;
  cpu: Cpu;
  ndjsonBytes: number;
  zstdBytes: number;
  classes: Record<string, ClassConvert>;
}

const SAMPLE_MS = 100;
const CHECKPOINT_MS = 5000;

function cpuSince(start: NodeJS.CpuUsage): Cpu {
  const d = process.cpuUsage(start);
  return { user: d.user / 1e6, system: d.system / 1e6, total: (d.user + d.system) / 1e6 };
}

function phase(wallStart: number, cpuStart: NodeJS.CpuUsage): Phase {
  return { wallSeconds: (performance.now() - wallStart) / 1000, cpu: cpuSince(cpuStart) };
}

/** Peak resident set of this process as the kernel counts it (VmHWM), in bytes. */
export function readVmHwm(pid: number | 'self' = 'self'): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function runWrite(spec: WorkloadSpec): Promise<WriteReport> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const only = spec.classes ? new Set(spec.classes) : null;
  const filter = spec.classes ? classFilter(spec.classes) : undefined;
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const writer = await BundleWriter.create({
    output: spec.output,
    metadata: { producer: 'bench' },
    ...spec.writer,
  });
  const recordsByClass: Record<string, number> = {};
  const checkpoints: Checkpoint[] = [];
  let records = 0;
  let nextCheckpoint = wall0 + CHECKPOINT_MS;
  for await (const line of readInputLines(spec.input, filter)) {
    const parsed = parseLine(line);
    const cls = classOfParsed(parsed);
    if (only && !only.has(cls)) continue;
    writer.append(toRow(parsed));
    recordsByClass[cls] = (recordsByClass[cls] ?? 0) + 1;
    records++;
    if ((records & 1023) === 0 && performance.now() >= nextCheckpoint) {
      nextCheckpoint += CHECKPOINT_MS;
      sample();
      checkpoints.push({
        records,
        wallSeconds: (performance.now() - wall0) / 1000,
        cpuSeconds: cpuSince(cpu0).total,
        rssBytes: process.memoryUsage().rss,
      });
    }
  }
  sample();
  const append = phase(wall0, cpu0);
  if (spec.deleteInputAfterAppend) rmSync(spec.input, { force: true });

  // finish() first waits for queued compactions, then sorts into a temp file beside the output:
  // its appearance splits the two.
  const wall1 = performance.now();
  const cpu1 = process.cpuUsage();
  const temp = path.join(
    path.dirname(path.resolve(spec.output)),
    `.${path.basename(spec.output)}.${process.pid}.tmp`,
  );
  let backlog: Phase | null = null;
  let sortWall = 0;
  let sortCpu: NodeJS.CpuUsage | null = null;
  const watcher = setInterval(() => {
    if (backlog === null && existsSync(temp)) {
      backlog = phase(wall1, cpu1);
      sortWall = performance.now();
      sortCpu = process.cpuUsage();
    }
  }, 20);
  const result = await writer.finish();
  clearInterval(watcher);
  const finish = phase(wall1, cpu1);
  sample();
  clearInterval(sampler);
  return {
    mode: 'write',
    records,
    recordsByClass,
    append,
    finishBacklog: backlog,
    finishSort: sortCpu ? phase(sortWall, sortCpu) : null,
    finish,
    total: phase(wall0, cpu0),
    bundleBytes: result.bytes,
    rowsBySource: result.rowsBySource,
    peakRssSampledBytes: peakRss,
    vmHwmBytes: readVmHwm(),
    peakHeapUsedBytes: peakHeap,
    checkpoints,
  };
}

/** A `zstd -3` process that counts the compressed bytes it produces. */
class ZstdCounter {
  private readonly child = spawn('zstd', ['-3', '-T1', '-q', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
  private compressed = 0;
  private readonly done: Promise<number>;
  private chunks: string[] = [];
  private pending = 0;

  constructor() {
    this.child.stdout.on('data', (b: Buffer) => {
      this.compressed += b.length;
    });
    this.done = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code) =>
        code === 0 ? resolve(this.compressed) : reject(new Error(`zstd exited with ${code}`)),
      );
    });
  }

  /** Buffer a line; returns a promise to await when the pipe is full. */
  write(line: string): Promise<void> | null {
    this.chunks.push(line);
    this.pending += line.length + 1;
    if (this.pending < 1 << 20) return null;
    return this.flush();
  }

  flush(): Promise<void> | null {
    if (this.chunks.length === 0) return null;
    const text = `${this.chunks.join('\n')}\n`;
    this.chunks = [];
    this.pending = 0;
    if (this.child.stdin.write(text)) return null;
    return new Promise((resolve) => this.child.stdin.once('drain', resolve));
  }

  async end(): Promise<number> {
    await this.flush();
    this.child.stdin.end();
    return this.done;
  }
}

async function runConvert(spec: WorkloadSpec): Promise<ConvertReport> {
  const only = spec.classes ? new Set(spec.classes) : null;
  const all = new ZstdCounter();
  const perClass = new Map<string, ZstdCounter>();
  const classes: Record<string, ClassConvert> = {};
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  let records = 0;
  let ndjsonBytes = 0;
  for await (const line of readInputLines(spec.input)) {
    const t0 = performance.now();
    const parsed = parseLine(line);
    const t1 = performance.now();
    const cls = classOfParsed(parsed);
    if (only && !only.has(cls)) continue;
    const row = toRow(parsed);
    const t2 = performance.now();
    const encoded = encodeRow(row);
    const t3 = performance.now();
    const c = classes[cls] ?? {
      records: 0,
      parseSeconds: 0,
      convertSeconds: 0,
      encodeSeconds: 0,
      ndjsonBytes: 0,
      zstdBytes: null,
    };
    classes[cls] = c;
    c.records++;
    c.parseSeconds += (t1 - t0) / 1000;
    c.convertSeconds += (t2 - t1) / 1000;
    c.encodeSeconds += (t3 - t2) / 1000;
    const bytes = Buffer.byteLength(encoded) + 1;
    c.ndjsonBytes += bytes;
    ndjsonBytes += bytes;
    records++;
    const wait = all.write(encoded);
    if (wait) await wait;
    if (spec.perClassZstd) {
      let z = perClass.get(cls);
      if (!z) {
        z = new ZstdCounter();
        perClass.set(cls, z);
      }
      const w = z.write(encoded);
      if (w) await w;
    }
  }
  const zstdBytes = await all.end();
  for (const [cls, z] of perClass) classes[cls]!.zstdBytes = await z.end();
  return {
    mode: 'convert',
    records,
    wallSeconds: (performance.now() - wall0) / 1000,
    cpu: cpuSince(cpu0),
    ndjsonBytes,
    zstdBytes,
    classes,
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as WorkloadSpec;
  const report = spec.mode === 'write' ? await runWrite(spec) : await runConvert(spec);
  writeFileSync(spec.resultFile, JSON.stringify(report));
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]).endsWith(path.join('bench', 'lib', 'writer-workload.ts'))
) {
  main().catch((error: unknown) => {
    console.error(error);
    try {
      const spec = JSON.parse(process.argv[2] ?? '') as WorkloadSpec;
      writeFileSync(
        spec.resultFile,
        JSON.stringify({ error: error instanceof Error ? error.message : String(error) }),
      );
    } catch {
      // The spec itself was unreadable: stderr has the error.
    }
    process.exit(1);
  });
}
