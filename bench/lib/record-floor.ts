// The least a recorder built like kstory's can spend per watch event of an input, measured without
// the recorder: V8's JSON.parse of each event line alone, the recorder's own conversion of it
// (managedFields cut, parse, redaction, row, spool line) and DuckDB's compaction of those spool
// lines into a sorted Parquet segment, as the writer does it. A per-event target has to leave room
// for at least these; what the recorder spends beyond them is the HTTP stream, watch bookkeeping,
// writing and syncing the spool.

import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BundleRow, WatchEvent } from '../../src/bundle/row.ts';
import type { RawJson } from '../../src/bundle/spool.ts';
import type { KubeObject } from '../../src/kube/to-row.ts';
import type { RecordInput } from './record-input.ts';

type Modules = typeof import('../../src/bundle/spool.ts') &
  typeof import('../../src/bundle/writer.ts') &
  typeof import('../../src/bundle/compaction.ts') &
  typeof import('../../src/kube/raw-body.ts') &
  typeof import('../../src/kube/to-row.ts') &
  typeof import('../../src/bundle/spool-lines.ts') &
  Partial<typeof import('../../src/bundle/segment-format.ts')> &
  Partial<typeof import('../../src/kube/redact.ts')>;

/**
 * The build the recorder runs: code compiled on the fly by tsx converts a third slower (it keeps
 * function names, a call for every closure made). Null for an earlier build (`--recorder DIR`)
 * that does not export what the floor needs.
 */
async function modulesOf(kstoryDir: string): Promise<Modules | null> {
  // A module an earlier build does not have (its spool lines lived in spool.js) is left out.
  const load = (file: string) =>
    import(pathToFileURL(path.join(kstoryDir, 'dist', 'src', file)).href).catch(() => ({}));
  const loaded = await Promise.all(
    [
      'bundle/spool.js',
      'bundle/writer.js',
      'bundle/compaction.js',
      'kube/raw-body.js',
      'kube/to-row.js',
      'bundle/spool-lines.js',
      'bundle/segment-format.js',
      'kube/redact.js',
    ].map(load),
  );
  const modules = Object.assign({}, ...loaded) as Modules;
  return typeof modules.compactSegment === 'function' && typeof modules.openCompactionDatabase === 'function'
    ? modules
    : null;
}

export interface RecordFloor {
  /** Events of the input: every one is parsed and converted. */
  events: number;
  /** CPU per event, reading the input excluded. */
  parseMicros: number;
  /** The conversion as the recorder and its writer do it, redaction included. */
  convertMicros: number;
  /** Of which redaction (the writer's Redactor.row on every row); absent for a build without it. */
  redactMicros?: number;
  /** Events of the compacted sample: the first segment's worth of spool lines. */
  compactedEvents: number;
  /** Spool line bytes per event of the sample (the row's typed columns and its body). */
  spoolBytesPerEvent: number;
  /** CPU per event of compacting the sample, DuckDB's threads included. */
  compactMicros: number;
}

const TS = '2026-03-01T10:00:00.000Z';
const CHUNK_BYTES = 16 << 20;

/** Null when the build in `kstoryDir` predates what the floor measures. */
export async function measureFloor(
  input: RecordInput,
  dir: string,
  kstoryDir: string,
): Promise<RecordFloor | null> {
  const modules = await modulesOf(kstoryDir);
  if (modules === null) return null;
  const {
    compactSegment,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_SEGMENT_BYTES,
    eventRow,
    objectRow,
    openCompactionDatabase,
    parseWatchLine,
    SEGMENT_HEADER,
    segmentName,
    SpoolLines,
    Redactor,
  } = modules;
  /** As the recorder converts a watch event (src/record/recorder.ts, Recorder.object). */
  const rowOf = (event: { type: WatchEvent; object: KubeObject }, raw: RawJson | undefined): BundleRow =>
    event.object.kind === 'Event'
      ? eventRow(event.object, { origin: 'watch:events', raw })
      : objectRow(event.object, { ts: TS, origin: 'watch:bench', watchEvent: event.type, raw });
  mkdirSync(dir, { recursive: true });
  const ndjson = path.join(dir, segmentName(1, 'ndjson'));
  // Reading and splitting the input is the recorder's socket work, not part of the floor.
  const reading = cpuOf(() => forEachLine(input.stream, () => {}));
  const parsing = cpuOf(() => forEachLine(input.stream, (line) => JSON.parse(line.toString('utf8'))));

  // Converted as the recorder does it (the writer redacts every row before its spool line), spool
  // lines flushed at a megabyte as the writer does; the first segment's worth of them is kept for
  // the compaction. Converted once more without redaction, to tell its share.
  const convert = (redacted: boolean): { cpu: number; events: number; kept: number; keptEvents: number } => {
    const redactor = redacted && Redactor ? new Redactor() : null;
    const spool = new SpoolLines(2 << 20);
    const fd = openSync(ndjson, 'w');
    // Segments say their format first (where the build has more than one).
    if (SEGMENT_HEADER) writeSync(fd, SEGMENT_HEADER);
    let kept = 0;
    let keptEvents = 0;
    let converted = 0;
    const cpu = cpuOf(() =>
      forEachLine(input.stream, (line) => {
        const parsed = parseWatchLine(line);
        if (parsed === null) return;
        const row = rowOf(
          parsed.event as { type: WatchEvent; object: KubeObject },
          parsed.object ?? undefined,
        );
        spool.add(redactor ? redactor.row(row) : row);
        converted++;
        if (spool.length < 1 << 20) return;
        if (kept < DEFAULT_SEGMENT_BYTES) {
          kept += spool.writeTo(fd);
          keptEvents = converted;
        } else spool.truncate(0);
      }),
    );
    closeSync(fd);
    return { cpu, events: converted, kept, keptEvents };
  };
  const unredacted = Redactor ? convert(false) : null;
  const { cpu: converting, events: converted, kept, keptEvents } = convert(true);

  const db = await openCompactionDatabase(DEFAULT_MEMORY_LIMIT, path.join(dir, 'tmp'));
  let compacting: number;
  try {
    const before = process.cpuUsage();
    await compactSegment(db, dir, 1, ndjson);
    compacting = cpuSecondsSince(before);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    events: converted,
    parseMicros: (1e6 * (parsing - reading)) / converted,
    convertMicros: (1e6 * (converting - reading)) / converted,
    ...(unredacted ? { redactMicros: (1e6 * (converting - unredacted.cpu)) / converted } : {}),
    compactedEvents: keptEvents,
    spoolBytesPerEvent: kept / keptEvents,
    compactMicros: (1e6 * compacting) / keptEvents,
  };
}

/** Each event line of the input (`<resource>\t<json>`), the JSON only, read in chunks. */
function forEachLine(file: string, onLine: (json: Buffer) => void): void {
  const fd = openSync(file, 'r');
  try {
    let carry = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, start)) {
        onLine(data.subarray(data.indexOf(0x09, start) + 1, newline));
        start = newline + 1;
      }
      carry = data.subarray(start);
    }
  } finally {
    closeSync(fd);
  }
}

function cpuOf(work: () => void): number {
  const before = process.cpuUsage();
  work();
  return cpuSecondsSince(before);
}

function cpuSecondsSince(before: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1e6;
}
