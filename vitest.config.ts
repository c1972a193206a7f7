// Test runner settings: every test sees UTC, and slow end-to-end tests get room without hiding hangs.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
  },
});
