// The one duration grammar and the one way durations are printed, as every command, pattern and
// scenario meets them.

import { describe, expect, it } from 'vitest';
import { DurationSchema, formatDuration, isDuration, parseDuration } from '../../src/vocab/duration.ts';

describe('parseDuration', () => {
  it('reads single units, sums of parts and fractions', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(' 2h ')).toBe(7_200_000);
  });

  it('refuses anything else, saying what a duration looks like', () => {
    for (const text of ['', '5', '5 minutes', 'h', '1h 30m', '-5m', '5w', '1h30', 'yesterday']) {
      expect(isDuration(text)).toBe(false);
      expect(() => parseDuration(text)).toThrow(/is not a duration/);
    }
    expect(() => parseDuration('5 minutes')).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('90s, 15m or 2h') }),
    );
  });

  it('is the grammar of the schemas that hold durations', () => {
    expect(DurationSchema.safeParse('1h30m').success).toBe(true);
    expect(DurationSchema.safeParse('1.5h').success).toBe(true);
    expect(DurationSchema.safeParse('90 s').success).toBe(false);
  });
});

describe('formatDuration', () => {
  it('prints the two largest units', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(7_380_000)).toBe('2h 3m');
    expect(formatDuration(7_383_000)).toBe('2h 3m');
    expect(formatDuration(273_600_000)).toBe('3d 4h');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(-1)).toBe('?');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('rounds to the smallest unit asked for, or to seconds below it', () => {
    expect(formatDuration(1_221_000, { smallest: 'm' })).toBe('20m');
    expect(formatDuration(1_250_000, { smallest: 'm' })).toBe('21m');
    expect(formatDuration(5_400_000, { smallest: 'm' })).toBe('1h 30m');
    expect(formatDuration(20_000, { smallest: 'm' })).toBe('20s');
    expect(formatDuration(1_499)).toBe('1s');
  });

  it('prints what parseDuration reads back', () => {
    for (const ms of [90_000, 300_000, 7_200_000, 172_800_000]) {
      expect(parseDuration(formatDuration(ms).replace(' ', ''))).toBe(ms);
    }
  });
});
