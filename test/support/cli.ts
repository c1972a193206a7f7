// Runs the real `kstory` executable (bin/kstory.js → dist/) as a user would, capturing its output.

import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kstory(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): CliResult {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/kstory.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: cleanEnv(options.env),
    // A bound against a hung process, not a speed check: a loaded machine may take minutes.
    timeout: options.timeoutMs ?? 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The test runner's own colour settings are not the user's: start from neither. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return { ...env, ...extra };
}
