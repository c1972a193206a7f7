// The boolean language of pattern conditions.

import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  parseCondition,
  positiveSignalsOf,
  signalsOf,
} from '../../src/patterns/condition.ts';

const holds = (text: string, ...present: string[]) =>
  evaluateCondition(parseCondition(text), new Set(present));

describe('pattern conditions', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(holds('a or b and c', 'a')).toBe(true);
    expect(holds('a or b and c', 'b')).toBe(false);
    expect(holds('(a or b) and c', 'b', 'c')).toBe(true);
    expect(holds('a and not b', 'a')).toBe(true);
    expect(holds('a and not b', 'a', 'b')).toBe(false);
    expect(holds('not not a', 'a')).toBe(true);
  });

  it('lists the signals it names, and those that must be present', () => {
    const condition = parseCondition('backoff or (event and restarts) and not completed');
    expect(signalsOf(condition).sort()).toEqual(['backoff', 'completed', 'event', 'restarts']);
    expect(positiveSignalsOf(condition).sort()).toEqual(['backoff', 'event', 'restarts']);
  });

  it.each([
    ['', /empty/],
    ['a and', /ends too early/],
    ['(a or b', /not closed/],
    ['a b', /unexpected "b"/],
    ['a & b', /unexpected "& b"/],
    ['and a', /unexpected "and"/],
  ])('rejects %j with a clear message', (text, message) => {
    expect(() => parseCondition(text)).toThrow(message);
  });
});
