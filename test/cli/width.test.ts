// Output fits the terminal: the help of every command at any width (80 columns in a pipe), and the
// analysis on a real pseudo-terminal, in colour unless NO_COLOR says otherwise.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { displayWidth } from '../../src/report/width.ts';
import { ROOT } from '../support/cli.ts';

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

/** A line too wide is only one a terminal could not break either: a single word past its indentation. */
function tooWide(text: string, width: number): string[] {
  return text.split('\n').filter((line) => displayWidth(line) > width && line.trim().includes(' '));
}

/** The help of every command, as shown on a stream that is a terminal of `columns` or not one. */
function allHelp(isTTY: boolean, columns: number, only?: string): string {
  let written = '';
  const write = (text: string | Uint8Array) => {
    written += String(text);
    return true;
  };
  const stream = { isTTY, columns, write };
  const commands = allCommands(buildProgram({ stdout: stream, stderr: stream }));
  for (const command of commands) if (only === undefined || command.name() === only) command.outputHelp();
  return written;
}

describe('help', () => {
  it.each([
    [true, 60],
    [true, 120],
    [false, 80],
  ])('of every command fits the terminal (a terminal: %s, %i columns)', (isTTY, columns) => {
    const help = allHelp(isTTY, isTTY ? columns : 200);
    expect(help.match(/^Usage: /gm)?.length).toBeGreaterThan(10);
    expect(help).toContain('Examples:');
    expect(tooWide(help, columns)).toEqual([]);
  });

  it('wraps a paragraph as a paragraph, not line by line as it is written in the source', () => {
    // One paragraph of the source, over several lines there, is on two lines of 120 columns.
    expect(allHelp(true, 120, 'record')).toMatch(
      /\nSecret values never reach the bundle: [^\n]+ redacted\.\n/,
    );
  });
});

describe('kstory analyze on a terminal', () => {
  const fixture = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');
  const onTerminal = (columns: number, env: NodeJS.ProcessEnv = {}) => {
    const command = `stty cols ${columns} rows 50; exec ${process.execPath} ${path.join(ROOT, 'bin/kstory.js')} analyze ${fixture} --no-progress`;
    const result = spawnSync('/usr/bin/script', ['-qfec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm', ...env },
      timeout: 120_000,
    });
    expect(result.status).toBe(0);
    return result.stdout.replaceAll('\r\n', '\n');
  };

  it.skipIf(!existsSync('/usr/bin/script'))(
    'uses the terminal’s width and colours, and no colour with NO_COLOR',
    () => {
      // The first line names the bundle file, whole (it is copied, not read).
      const body = (screen: string) => screen.slice(screen.indexOf('\n') + 1);
      const narrow = onTerminal(60);
      expect(narrow).toContain('\x1b[');
      expect(narrow).toContain('What happened');
      expect(tooWide(body(narrow), 60)).toEqual([]);
      const plain = onTerminal(100, { NO_COLOR: '1' });
      expect(plain).not.toContain('\x1b[');
      expect(tooWide(body(plain), 100)).toEqual([]);
      expect(plain.split('\n').some((line) => displayWidth(line) > 80)).toBe(true);
    },
  );
});
