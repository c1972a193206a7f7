// The back-off of what a recording retries: doubling to a cap, jitter between half and all of the
// delay, and a fresh start after a success.

import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/record/backoff.ts';

describe('Backoff', () => {
  it('doubles each delay up to the cap and starts again after a reset', () => {
    const backoff = new Backoff({ initialMs: 2000, maxMs: 10_000 });
    expect([1, 2, 3, 4, 5].map(() => backoff.nextExact())).toEqual([2000, 4000, 8000, 10_000, 10_000]);
    backoff.reset();
    expect(backoff.nextExact()).toBe(2000);
  });

  it('waits between half and all of the delay', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 8000, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 8000, random: () => 0.999 });
    expect([1, 2, 3].map(() => low.next())).toEqual([500, 1000, 2000]);
    const waits = [1, 2, 3].map(() => high.next());
    expect(waits.map((w, i) => w < 1000 * 2 ** i && w > 0.99 * 1000 * 2 ** i)).toEqual([true, true, true]);
  });
});
