// The served instant: still by default, moving at --speed times real time until the end of the
// recording, and moved on demand (listeners hear of it).

import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/serve/clock.ts';

describe('Clock', () => {
  const window = { start: 1_000_000_000, end: 1_000_000_000 + 600_000_000 };

  it('stands still without a speed', () => {
    let wall = 0;
    const clock = new Clock(window, window.start, null, () => wall);
    wall = 60_000;
    expect(clock.now()).toBe(window.start);
    expect(clock.delayUntil(window.start + 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('moves at N recording seconds per second, and stops at the end', () => {
    let wall = 0;
    const clock = new Clock(window, window.start, 10, () => wall);
    wall = 2_000;
    expect(clock.now()).toBe(window.start + 20_000_000);
    expect(clock.delayUntil(window.start + 30_000_000)).toBe(1_000);
    wall = 3_600_000;
    expect(clock.now()).toBe(window.end);
    expect(clock.playing).toBe(false);
  });

  it('tells its listeners when it is moved', () => {
    const clock = new Clock(window, window.end, null);
    const heard: number[] = [];
    const stop = clock.onMove((at) => heard.push(at));
    clock.set(window.start);
    stop();
    clock.set(window.end);
    expect(heard).toEqual([window.start]);
    expect(clock.now()).toBe(window.end);
  });
});
