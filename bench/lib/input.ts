// The benchmark input: generated observations saved once as tagged JSON lines, so that every
// measured run reads the same bytes and pays for parsing (as a recorder or importer does) but not
// for generating. A manifest beside the file says what it holds; a matching file is reused.

import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { classOf, type Observation } from './gen/observation.ts';
import { DEFAULT_MIX, generateObservations, type Mix } from './gen/simulation.ts';

/** First character of each line: which kind of observation the JSON after it is. */
export const TAGS = { watch: 'W', event: 'E', audit: 'A', log: 'L', metric: 'M', marker: 'K' } as const;
export type Tag = (typeof TAGS)[keyof typeof TAGS];

export interface InputManifest {
  generator: string;
  seed: number;
  records: number;
  mix: Mix;
  bytes: number;
  generateSeconds: number;
  /** Records and JSON bytes per class (`object:Pod`, `audit:Metadata`, `log`...). */
  classes: Record<string, { records: number; bytes: number }>;
}

/** Bump when the generator changes what it emits, so that cached inputs are regenerated. */
export const GENERATOR_VERSION = 'kstory-bench-gen/2';

export function inputPath(workDir: string, seed: number, records: number): string {
  return path.join(workDir, `input-s${seed}-n${records}.ndjson`);
}

/** One line of the input file; audit entries are kept as their own JSON text, as in an audit log. */
export function encodeObservation(o: Observation): string {
  switch (o.t) {
    case 'watch':
      return `${TAGS.watch}${JSON.stringify({ type: o.type, ts: o.ts, object: o.object })}`;
    case 'event':
      return `${TAGS.event}${JSON.stringify({ ts: o.ts, object: o.object })}`;
    case 'audit':
      return `${TAGS.audit}${JSON.stringify(o.entry)}`;
    case 'log': {
      const { t: _t, ...rest } = o;
      return `${TAGS.log}${JSON.stringify(rest)}`;
    }
    case 'metric': {
      const { t: _t, ...rest } = o;
      return `${TAGS.metric}${JSON.stringify(rest)}`;
    }
    case 'marker': {
      const { t: _t, ...rest } = o;
      return `${TAGS.marker}${JSON.stringify(rest)}`;
    }
  }
}

/** Generate the input unless a file with the same seed, size and generator is already there. */
export function ensureInput(
  workDir: string,
  seed: number,
  records: number,
  log: (m: string) => void,
): { file: string; manifest: InputManifest } {
  const file = inputPath(workDir, seed, records);
  const manifestFile = `${file}.json`;
  if (existsSync(file) && existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as InputManifest;
    if (manifest.generator === GENERATOR_VERSION && manifest.records === records && manifest.seed === seed) {
      log(`input: reusing ${path.relative(process.cwd(), file)}`);
      return { file, manifest };
    }
  }
  log(`input: generating ${records.toLocaleString('en-US')} records (seed ${seed})...`);
  const started = performance.now();
  const temp = `${file}.tmp`;
  const fd = openSync(temp, 'w');
  const classes: InputManifest['classes'] = {};
  let bytes = 0;
  let chunk: string[] = [];
  let chunkBytes = 0;
  try {
    for (const o of generateObservations({ seed, records })) {
      const line = encodeObservation(o);
      const cls = classOf(o);
      const entry = classes[cls] ?? { records: 0, bytes: 0 };
      classes[cls] = entry;
      entry.records++;
      entry.bytes += Buffer.byteLength(line) - 1;
      chunk.push(line);
      chunkBytes += line.length;
      if (chunkBytes > 8 << 20) {
        bytes += writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
        chunkBytes = 0;
      }
    }
    if (chunk.length > 0) bytes += writeSync(fd, `${chunk.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  const manifest: InputManifest = {
    generator: GENERATOR_VERSION,
    seed,
    records,
    mix: DEFAULT_MIX,
    bytes,
    generateSeconds: (performance.now() - started) / 1000,
    classes,
  };
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`input: ${(bytes / 1e9).toFixed(2)} GB in ${manifest.generateSeconds.toFixed(0)} s`);
  return { file, manifest };
}

export function removeInput(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.json`, { force: true });
}

/** Decides from a line's raw bytes whether to decode it at all: per-source runs skip the rest unread. */
export type LineFilter = (buf: Buffer, start: number, end: number) => boolean;

const AUDIT_LEVEL_SNIFF = 120;

/** A filter for classes (`object`, `audit:Metadata`...) that looks only at the tag and, for audit, the level. */
export function classFilter(classes: readonly string[]): LineFilter {
  const tags = new Set<number>();
  const levels: Buffer[] = [];
  for (const cls of classes) {
    const [source, level] = cls.split(':');
    const tag = source === 'object' ? TAGS.watch : TAGS[source as keyof typeof TAGS];
    if (!tag) throw new Error(`unknown class ${cls}`);
    tags.add(tag.charCodeAt(0));
    if (source === 'audit') levels.push(Buffer.from(level ? `"level":"${level}"` : '"level":"'));
  }
  const auditTag = TAGS.audit.charCodeAt(0);
  return (buf, start, end) => {
    const tag = buf[start]!;
    if (!tags.has(tag)) return false;
    if (tag !== auditTag) return true;
    const head = buf.subarray(start, Math.min(end, start + AUDIT_LEVEL_SNIFF));
    return levels.some((l) => head.includes(l));
  };
}

/**
 * The lines of an input file, in order, optionally only those a filter accepts. Reads raw chunks
 * and decodes only accepted lines, so that skipping costs little. Yields to the event loop between
 * chunks, so that timers (memory sampling, the writer's flush) keep running.
 */
export async function* readInputLines(
  file: string,
  filter?: LineFilter,
  chunkBytes = 8 << 20,
): AsyncGenerator<string> {
  const fd = openSync(file, 'r');
  let buf = Buffer.allocUnsafe(chunkBytes);
  let filled = 0;
  try {
    for (;;) {
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      const end = filled + n;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0 || nl >= end) break;
        if (nl > start && (!filter || filter(buf, start, nl))) yield buf.toString('utf8', start, nl);
        start = nl + 1;
      }
      if (n === 0) {
        if (start < end && (!filter || filter(buf, start, end))) yield buf.toString('utf8', start, end);
        return;
      }
      buf.copy(buf, 0, start, end);
      filled = end - start;
      await yieldToLoop();
    }
  } finally {
    closeSync(fd);
  }
}
