// The status line of long commands: nothing off a terminal or before the delay, then the stage and
// the time spent, redrawn in place and cleared at the end.

import { describe, expect, it } from 'vitest';
import { StatusLine } from '../../src/cli/status-line.ts';

function aTerminal(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 60, write: (text: string) => written.push(text) > 0 } };
}

describe('StatusLine', () => {
  it('shows the stage with the time spent once the delay has passed, then clears it', () => {
    let now = 1_000;
    const { written, stream } = aTerminal(true);
    const status = new StatusLine(true, { stream, now: () => now, delayMs: 500, intervalMs: 60_000 });
    status.set('loading');
    expect(written).toEqual([]);
    now += 700;
    status.set('detecting: 3 of 43 patterns');
    expect(written).toEqual(['\r\x1b[2Kdetecting: 3 of 43 patterns (0.7s)']);
    status.done();
    expect(written.at(-1)).toBe('\r\x1b[2K');
    status.done();
    expect(written).toHaveLength(2);
  });

  it('writes nothing when stderr is not a terminal, or when turned off', () => {
    let now = 0;
    for (const [isTTY, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { written, stream } = aTerminal(isTTY);
      const status = new StatusLine(enabled, { stream, now: () => now, delayMs: 0 });
      now += 5_000;
      status.set('loading');
      status.done();
      expect(written).toEqual([]);
    }
  });

  it('cuts a long line to the width of the terminal', () => {
    let now = 0;
    const { written, stream } = aTerminal(true);
    const status = new StatusLine(true, { stream, now: () => now, delayMs: 0, intervalMs: 60_000 });
    now = 1_000;
    status.set('x'.repeat(300));
    expect(written[0]).toBe(`\r\x1b[2K${'x'.repeat(58)}…`);
    status.done();
  });
});
