// The import's progress bar: drawn only on a terminal, only for imports that last, and cleared at the end.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImportProgressBar as Progress } from '../../src/report/import-progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 120, write: (s: string) => writes.push(s) > 0 } };
}

describe('Progress', () => {
  afterEach(() => vi.useRealTimers());

  it('stays silent when stderr is not a terminal, or when turned off', () => {
    for (const [isTTY, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      vi.useFakeTimers({ now: 0 });
      const { writes, stream } = fakeStream(isTTY);
      const progress = new Progress(1000, stream, enabled);
      vi.setSystemTime(5000);
      progress.update(500, 10, 'a.log');
      progress.done();
      expect(writes).toEqual([]);
    }
  });

  it('draws a bar with the share of bytes read after half a second, then clears it', () => {
    vi.useFakeTimers({ now: 0 });
    const { writes, stream } = fakeStream(true);
    const progress = new Progress(1000, stream);
    progress.update(100, 1, 'a.log');
    expect(writes).toEqual([]);
    vi.setSystemTime(600);
    progress.update(500, 12_345, 'audit.log');
    expect(writes).toEqual(['\r\x1b[2K[############............] 50% 12,345 records  audit.log']);
    progress.done();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });
});
