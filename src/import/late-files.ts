// Files whose rows depend on the rest of the import are read after every other file: a log whose
// pod is described elsewhere (its node and uid), a log whose times lack a year (the year comes from
// the newest time the import holds). A file on disk is simply read again; a file inside an archive
// or a compressed file is kept in memory, gzipped, up to a bound beyond which it is read at once.

import { createGunzip, createGzip } from 'node:zlib';
import type { FileEntry } from './sources.ts';
import type { InputStats } from './stats.ts';

/** Compressed bytes kept for archive members read late; beyond it they are read in archive order. */
const MAX_HELD_BYTES = 256 << 20;

export interface LateFile {
  entry: FileEntry;
  stats: InputStats;
  /** `undated` files are read after the `dated` ones, whose times they may need. */
  order: 'dated' | 'undated';
}

export class LateFiles {
  private files: LateFile[] = [];
  private held = 0;

  /**
   * Keep a file for later; `bytes` is its whole content (head included). False when it cannot be
   * kept: the caller reads it now.
   */
  async hold(
    entry: FileEntry,
    bytes: AsyncIterable<Buffer>,
    stats: InputStats,
    order: LateFile['order'],
  ): Promise<boolean> {
    if (entry.reopen) {
      const reopen = entry.reopen;
      this.files.push({ entry: { ...entry, bytes: lazily(reopen) }, stats, order });
      return true;
    }
    if (this.held >= MAX_HELD_BYTES) return false;
    const gzip = createGzip({ level: 1 });
    const chunks: Buffer[] = [];
    const collected = (async () => {
      for await (const chunk of gzip) chunks.push(chunk as Buffer);
    })();
    for await (const chunk of bytes) {
      if (!gzip.write(chunk)) await new Promise<void>((resolve) => gzip.once('drain', () => resolve()));
    }
    gzip.end();
    await collected;
    const kept = Buffer.concat(chunks);
    this.held += kept.length;
    this.files.push({ entry: { ...entry, bytes: gunzipped(kept) }, stats, order });
    return true;
  }

  get size(): number {
    return this.files.length;
  }

  /** The files kept, `dated` ones first, each group in the order they came; each is handed out once. */
  *take(): Generator<LateFile> {
    for (const order of ['dated', 'undated'] as const) {
      const group = this.files.filter((f) => f.order === order);
      this.files = this.files.filter((f) => f.order !== order);
      while (group.length > 0) yield group.shift()!;
    }
  }
}

/** A file opened only when it is read: many may wait, none holds a descriptor meanwhile. */
async function* lazily(open: () => AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield* open();
}

async function* gunzipped(kept: Buffer): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  gunzip.end(kept);
  for await (const chunk of gunzip) yield chunk as Buffer;
}
