// Fitting text to the terminal: the width of a stream, wrapping, cutting and padding measured in the
// columns a terminal gives each character.

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WIDTH,
  displayWidth,
  fitLines,
  padEnd,
  terminalWidth,
  truncate,
  wrap,
} from '../../src/report/width.ts';

const red = new Chalk({ level: 1 }).red;

describe('terminalWidth', () => {
  it('is the terminal’s width, 80 in a pipe or when the terminal does not say', () => {
    expect(terminalWidth({ isTTY: true, columns: 132 })).toBe(132);
    expect(terminalWidth({ isTTY: true })).toBe(DEFAULT_WIDTH);
    expect(terminalWidth({ isTTY: false, columns: 132 })).toBe(80);
    expect(terminalWidth({})).toBe(80);
  });
});

describe('wrap', () => {
  it('fills lines up to the width, the first after its prefix, the others under the text', () => {
    expect(wrap('one two three four five six', 2, 24, '- ')).toEqual([
      '  - one two three four',
      '    five six',
    ]);
  });

  it('keeps a word longer than the line whole', () => {
    const url = `https://${'x'.repeat(40)}`;
    expect(wrap(`see ${url} now`, 0, 20)).toEqual(['see', url, 'now']);
  });

  it('counts wide characters as two columns and colour codes as none', () => {
    const lines = wrap('設定 変更 された 設定 変更 された 設定 変更 された', 0, 20);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(20);
    expect(lines.length).toBeGreaterThan(1);
    expect(wrap(red('error'), 0, 20)).toEqual([red('error')]);
  });
});

describe('truncate and padEnd', () => {
  it('cut to the width with an ellipsis, and pad by columns, not characters', () => {
    expect(truncate('abcdefghij', 6)).toBe('abcde…');
    expect(truncate('abc', 6)).toBe('abc');
    expect(displayWidth(truncate('設定変更された', 7))).toBeLessThanOrEqual(7);
    expect(padEnd('設定', 6)).toBe('設定  ');
    expect(padEnd(red('ok'), 4)).toBe(`${red('ok')}  `);
  });
});

describe('fitLines', () => {
  it('leaves lines that fit as they are, and wraps an indented one under itself, a paragraph at the margin', () => {
    const text = [
      'short',
      '  a line that is far too long for a terminal of this width',
      'a paragraph of words that goes on for too long',
      '',
    ].join('\n');
    expect(fitLines(text, 30)).toBe(
      [
        'short',
        '  a line that is far too long',
        '    for a terminal of this',
        '    width',
        'a paragraph of words that goes',
        'on for too long',
        '',
      ].join('\n'),
    );
  });

  it('keeps the runs of spaces that align columns', () => {
    expect(fitLines('  ok    pattern-one  finds a thing in a bundle somewhere', 40)).toBe(
      '  ok    pattern-one  finds a thing in a\n    bundle somewhere',
    );
  });
});
