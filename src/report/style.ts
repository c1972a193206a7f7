// Terminal styling that respects the user's terminal: colour only on a TTY, never with NO_COLOR
// (https://no-color.org), always with FORCE_COLOR.

import { Chalk, type ChalkInstance } from 'chalk';

export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function chalkFor(stream: { isTTY?: boolean }): ChalkInstance {
  return new Chalk({ level: wantsColor(stream) ? 1 : 0 });
}

/** No colours: for files and for tests. */
export const plainChalk: ChalkInstance = new Chalk({ level: 0 });
