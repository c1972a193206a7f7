// The line long commands redraw in place on stderr: only on a terminal, after its delay, at most ten
// times a second, never wider than the terminal (a wrapped line cannot be redrawn in place).

import { describe, expect, it } from 'vitest';
import { fitToWidth, TerminalLine } from '../../src/report/terminal-line.ts';

const CLEAR = '\r\x1b[2K';

function aTerminal(isTTY: boolean, columns?: number) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns, write: (text: string) => written.push(text) > 0 } };
}

describe('TerminalLine', () => {
  it('draws nothing off a terminal or when turned off', () => {
    for (const [isTTY, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { written, stream } = aTerminal(isTTY);
      const line = new TerminalLine(enabled, { stream });
      line.draw('importing');
      line.writeAbove('a message\n');
      line.clear();
      expect(line.enabled).toBe(false);
      expect(written).toEqual(['a message\n']);
    }
  });

  it('waits for its delay, then draws at most once per interval', () => {
    let now = 0;
    const { written, stream } = aTerminal(true, 80);
    const line = new TerminalLine(true, { stream, now: () => now, delayMs: 500, minIntervalMs: 100 });
    line.draw('early');
    now = 500;
    line.draw('first');
    now = 550;
    line.draw('dropped');
    now = 600;
    line.draw('second');
    expect(written).toEqual([`${CLEAR}first`, `${CLEAR}second`]);
  });

  it('clears itself before a message, and only when something is shown', () => {
    const { written, stream } = aTerminal(true, 80);
    const line = new TerminalLine(true, { stream, minIntervalMs: 0 });
    line.clear();
    expect(written).toEqual([]);
    line.draw('recording 5s | object 10 (2/s)');
    line.writeAbove('warning: watch:pods failed\n');
    line.draw('recording 6s | object 12 (2/s)');
    line.clear();
    expect(written).toEqual([
      `${CLEAR}recording 5s | object 10 (2/s)`,
      CLEAR,
      'warning: watch:pods failed\n',
      `${CLEAR}recording 6s | object 12 (2/s)`,
      CLEAR,
    ]);
  });

  it('fits the text to the terminal, 80 columns when it does not say', () => {
    const wide = 'x'.repeat(200);
    for (const [columns, expected] of [
      [40, 39],
      [undefined, 79],
    ] as const) {
      const { written, stream } = aTerminal(true, columns);
      new TerminalLine(true, { stream }).draw(wide);
      expect(written[0]).toBe(`${CLEAR}${'x'.repeat(expected - 1)}…`);
    }
  });
});

describe('fitToWidth', () => {
  it('keeps a short line, puts a multi-line text on one line, and cuts a long one', () => {
    expect(fitToWidth('loading', 80)).toBe('loading');
    expect(fitToWidth('a\nb\r\nc', 80)).toBe('a b c');
    expect(fitToWidth('abcdefghijklmnop', 12)).toBe('abcdefghij…');
  });
});
