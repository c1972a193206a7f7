// Test runner settings: every test sees UTC, and slow end-to-end tests get room without hiding hangs.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/sequencer.ts';

/**
 * Areas whose tests run in-process (the core on bundles, parsers, the simulator): their files share
 * worker processes instead of each starting its own, which saves loading DuckDB and the code again
 * (about half a second of a core per file). Areas that drive the command line, servers, signals and
 * the terminal keep a process per file.
 */
const SHARED = [
  'analyze',
  'architecture',
  'bench',
  'correlate',
  'eval',
  'import',
  'kube',
  'patterns',
  'simulate',
  'story',
  'views',
  'vocab',
].map((area) => `test/${area}/**/*.test.ts`);

export default defineConfig({
  test: {
    env: { TZ: 'UTC', NO_COLOR: '1' },
    // Room for a slow end-to-end test on a machine busy with other work (two files at once here,
    // and whatever else runs), still short enough to name a hang.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default leaves a core to itself (one worker on two cores), but much of a test's time
    // is spent waiting on a child process, a server or a replay's clock: two files at once keep
    // both cores of a small machine busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: SHARED,
          isolate: false,
          setupFiles: ['test/support/shared-worker.ts'],
        },
      },
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: SHARED } },
    ],
  },
});
