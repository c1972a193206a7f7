// A writer killed with SIGKILL loses at most its last second: `kstory bundle repair` turns its spool
// into a bundle holding every row flushed before the kill, without holes.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repairSpool } from '../../src/bundle/repair.ts';
import { openBundle } from '../../src/views/open.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const root = path.resolve(import.meta.dirname, '../..');

/** Rows the child appends between two progress lines (test/support/writer-child.ts). */
const BATCH_ROWS = 500;

interface Progress {
  appended: number;
  at: number;
}

/**
 * Run the child until its own clock says it has been writing for `runMs` (a bounded wait: a loaded
 * machine may give it less time than the test's clock sees pass), then SIGKILL it.
 */
async function runAndKill(output: string, runMs: number): Promise<Progress[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/writer-child.ts', output], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const progress: Progress[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [appended, at] = line.split(' ').map(Number);
      progress.push({ appended: appended ?? 0, at: at ?? 0 });
    }
  });
  // 'close', not 'exit': every progress line the child wrote has been read by then.
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('close', (_code, signal) => resolve(signal)),
  );
  const ranFor = () => (progress.length === 0 ? 0 : progress.at(-1)!.at - progress[0]!.at);
  const deadline = Date.now() + 45_000;
  const ready = () => ranFor() >= runMs && surelyFlushed(progress) > 0;
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(ready()).toBe(true);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return progress;
}

/**
 * Rows the child had certainly flushed: those of the last progress line followed by a whole batch
 * that began more than a second after it. The writer looks at its clock at least once a batch and
 * flushes everything buffered when a second has passed since its last flush, so that batch wrote
 * them (or a flush after the line did). Read on the child's clock: a child starved of CPU for a
 * while has flushed less, not lost what it flushed.
 */
function surelyFlushed(progress: Progress[]): number {
  let safe = 0;
  let later = 0; // the first line more than a second after p (the lines' times never decrease)
  for (const p of progress) {
    while (later < progress.length && progress[later]!.at <= p.at + 1000) later++;
    if (later + 1 >= progress.length) break;
    safe = p.appended;
  }
  return safe;
}

describe('a writer killed with SIGKILL', () => {
  it('leaves a spool that repair turns into a bundle with everything older than one second', async () => {
    const output = path.join(tempDir(), 'killed.parquet');
    const progress = await runAndKill(output, 1500);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(`${output}.spool`)).toBe(true);

    const result = await repairSpool(`${output}.spool`);
    expect(result.path).toBe(output);
    expect(result.metadata.repaired).toBe(true);

    // Rows appended more than a second before the child's last batch must all be there.
    const safe = surelyFlushed(progress);
    expect(safe).toBeGreaterThan(0);
    const bundle = await openBundle([output]);
    try {
      const [stats] = await bundle.query<{ n: number; first: string; last: string }>(
        `SELECT count(*)::INTEGER AS n, min(name) AS first, max(name) AS last FROM logs`,
      );
      expect(stats!.n).toBeGreaterThanOrEqual(safe);
      // No holes: the rows recovered are exactly the first n appended.
      expect(stats!.first).toBe('pod-0000000');
      expect(stats!.last).toBe(`pod-${String(stats!.n - 1).padStart(7, '0')}`);
      // The writer may flush in the middle of a batch (its buffer fills), so the kill can come after
      // rows of a batch reached the spool and before the child printed that batch: at most one batch more.
      expect(stats!.n).toBeLessThanOrEqual(progress.at(-1)!.appended + BATCH_ROWS);
    } finally {
      bundle.close();
    }
    expect(existsSync(`${output}.spool`)).toBe(false);
  });
});
