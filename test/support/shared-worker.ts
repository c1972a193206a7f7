// Set up before each test file that shares its worker process with other files (`isolate: false`
// in vitest.config.ts): what a file may leave behind in the process is put back after it.

import { afterAll, vi } from 'vitest';

afterAll(() => {
  // Set by commands run in-process (`run` of src/cli/main.ts); the next file's would read it.
  process.exitCode = undefined;
  vi.useRealTimers();
  vi.restoreAllMocks();
});
