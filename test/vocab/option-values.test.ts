// The option values several commands share: one grammar, refused with what was expected.

import { describe, expect, it } from 'vitest';
import { KstoryError } from '../../src/errors.ts';
import {
  compileRegex,
  filtersAsWritten,
  passesFilter,
  RECORD_FILTER_NAMES,
  type RecordFilters,
} from '../../src/vocab/log-filter.ts';
import { readFraction, readPositiveInt, readRegex } from '../../src/vocab/option-values.ts';

describe('option values', () => {
  it('reads a positive whole number, and refuses anything else', () => {
    expect(readPositiveInt('32')).toBe(32);
    for (const text of ['0', '-1', '1.5', 'x', ''])
      expect(() => readPositiveInt(text), text).toThrow(new KstoryError('expected a positive whole number'));
  });

  it('reads a number between 0 and 1', () => {
    expect(readFraction('0.7')).toBe(0.7);
    expect(readFraction('1')).toBe(1);
    for (const text of ['1.1', '-0.1', 'high'])
      expect(() => readFraction(text), text).toThrow(/expected a number between 0 and 1/);
  });

  it('reads a regular expression, (?i) for any case, and says why one is not', () => {
    expect(readRegex('(?i)^web-').test('WEB-1')).toBe(true);
    expect(() => readRegex('(unclosed')).toThrow(/^expected a regular expression: .*unclosed/i);
  });
});

describe('record filters', () => {
  it('keep what the filter matches and its exclusion does not', () => {
    expect(passesFilter(/^web-/, /-canary$/, 'web-1')).toBe(true);
    expect(passesFilter(/^web-/, /-canary$/, 'web-canary')).toBe(false);
    expect(passesFilter(/^web-/, undefined, null)).toBe(false);
    expect(passesFilter(undefined, undefined, null)).toBe(true);
  });

  it('are said as the user wrote them', () => {
    const filters: RecordFilters = {
      excludePods: compileRegex('(?i)^Load-'),
      logMatch: compileRegex('timeout'),
    };
    expect(filtersAsWritten(filters, RECORD_FILTER_NAMES)).toEqual({
      exclude_pods: '(?i)^Load-',
      log_match: 'timeout',
    });
  });
});
