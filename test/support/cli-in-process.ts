// Runs kstory's command line inside the test process (no child, no build needed), capturing what it
// writes: for tests of a command's messages and exit codes that need not pay for a process each.

import { vi } from 'vitest';
import { run } from '../../src/cli/main.ts';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `kstory <args...>` as `run` of src/cli/main.ts sees it; the exit code it sets is put back after. */
export async function kstoryInProcess(...args: string[]): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  // run() listens for a closed pipe on stdout each time: many runs in one process would pile up
  // listeners (and Node's warning about them, on the stderr a test reads).
  const stdoutListeners = new Set(process.stdout.listeners('error'));
  try {
    const code = await run(['node', 'kstory', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    for (const listener of process.stdout.listeners('error'))
      if (!stdoutListeners.has(listener)) process.stdout.off('error', listener as (error: Error) => void);
  }
}
