// Runs a measured workload in a child process (so its memory and CPU are its own) and watches its
// resident set from outside as well, in case the child's own sampling misses a short peak.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface ChildRun {
  wallSeconds: number;
  /** Highest VmRSS seen by polling /proc/<pid>/status from the parent. */
  peakRssPolledBytes: number;
  /** CPU seconds the whole machine was busy during the run (all processes, from /proc/stat): minus
   * the child's own CPU, what other processes took; the machine may be shared. */
  machineBusySeconds: number | null;
}

/** Busy CPU seconds of the whole machine since boot (user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
    return busy / 100;
  } catch {
    return null;
  }
}

/** Resident set of a running process, from /proc; 0 when it is gone. */
export function readRss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU seconds a running process has used so far, from /proc; null when it is gone. */
export function readCpuSeconds(pid: number): number | null {
  try {
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Run `script` (TypeScript) with tsx in a fresh Node process; rejects when it exits non-zero. */
export function runTsChild(
  script: string,
  args: string[],
  options: { pollMs?: number } = {},
): Promise<ChildRun> {
  const started = performance.now();
  const busy0 = machineBusySeconds();
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let peak = 0;
  const poll = setInterval(() => {
    if (child.pid) peak = Math.max(peak, readRss(child.pid));
  }, options.pollMs ?? 200);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearInterval(poll);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(poll);
      const busy1 = machineBusySeconds();
      const machine = busy0 === null || busy1 === null ? null : busy1 - busy0;
      if (code === 0) {
        resolve({
          wallSeconds: (performance.now() - started) / 1000,
          peakRssPolledBytes: peak,
          machineBusySeconds: machine,
        });
      } else reject(new Error(`${script} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Compressed size of a file under `zstd -3` (single thread), without writing the output anywhere. */
export function zstdSize(file: string, level = 3): Promise<{ bytes: number; seconds: number }> {
  const started = performance.now();
  const child = spawn('zstd', [`-${level}`, '-T1', '-q', '-c', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let bytes = 0;
  child.stdout.on('data', (b: Buffer) => {
    bytes += b.length;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ bytes, seconds: (performance.now() - started) / 1000 })
        : reject(new Error(`zstd exited with ${code}`)),
    );
  });
}

export interface CliMeasure {
  wallSeconds: number;
  /** User + system CPU of the command, sampled every 20 ms (the last few ms are not seen). */
  cpuSeconds: number;
  /** CPU seconds other processes took meanwhile: the machine may be shared, which slows the wall clock. */
  otherCpuSeconds: number | null;
  peakRssBytes: number;
  /** What the command printed, when asked for (`stdout: 'keep'`). */
  stdout: string;
  /** The machine's 1-minute load average when the run began and when it ended. */
  load: [number, number];
}

/**
 * Run the built kstory CLI with `args`, timed from spawn to exit, its RSS and CPU polled from /proc
 * every 20 ms; rejects when it exits non-zero. The benchmarks of whole commands share it.
 */
export function measureCli(
  cli: string,
  args: string[],
  options: { stdout?: 'keep' | 'ignore' } = {},
): Promise<CliMeasure> {
  const keep = options.stdout === 'keep';
  const started = performance.now();
  const busyBefore = machineBusySeconds();
  const loadBefore = loadavg()[0] ?? 0;
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', keep ? 'pipe' : 'ignore', 'inherit'],
  });
  let peak = 0;
  let cpu = 0;
  const poll = setInterval(() => {
    if (!child.pid) return;
    peak = Math.max(peak, readRss(child.pid));
    cpu = readCpuSeconds(child.pid) ?? cpu;
  }, 20);
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearInterval(poll);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(poll);
      const wallSeconds = (performance.now() - started) / 1000;
      const busyAfter = machineBusySeconds();
      if (code !== 0) {
        reject(new Error(`kstory ${args[0] ?? ''} failed (${signal ?? `exit ${code}`})`));
        return;
      }
      resolve({
        wallSeconds,
        cpuSeconds: cpu,
        otherCpuSeconds:
          busyBefore === null || busyAfter === null ? null : Math.max(0, busyAfter - busyBefore - cpu),
        peakRssBytes: peak,
        stdout: Buffer.concat(chunks).toString('utf8'),
        load: [loadBefore, loadavg()[0] ?? 0],
      });
    });
  });
}

/** Path of the yardstick runner: DuckDB alone, one SQL statement, in a process of its own. */
export const DUCKDB_SQL_SCRIPT = new URL('./duckdb-sql.js', import.meta.url).pathname;

/** `sql` run by DuckDB alone in a process of its own, measured as measureCli measures kstory. */
export function measureDuckDbProcess(sql: string): Promise<CliMeasure> {
  return measureCli(DUCKDB_SQL_SCRIPT, [sql]);
}

/** The median of some numbers (the upper one of an even count). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
