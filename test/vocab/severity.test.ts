// The one severity order: ranking weights, --fail-on and an incident's severity all follow it.

import { describe, expect, it } from 'vitest';
import { highestSeverity, SEVERITIES, severityAtLeast, severityWeight } from '../../src/vocab/severity.ts';

describe('severity order', () => {
  it('runs from info to critical', () => {
    expect(SEVERITIES).toEqual(['info', 'low', 'medium', 'high', 'critical']);
    expect(SEVERITIES.map(severityWeight)).toEqual([1, 2, 3, 4, 5]);
  });

  it('compares against a threshold', () => {
    expect(severityAtLeast('high', 'high')).toBe(true);
    expect(severityAtLeast('critical', 'high')).toBe(true);
    expect(severityAtLeast('medium', 'high')).toBe(false);
  });

  it('finds the most severe of several', () => {
    expect(highestSeverity(['low', 'critical', 'medium'])).toBe('critical');
    expect(highestSeverity(['low', 'medium'])).toBe('medium');
    expect(highestSeverity([])).toBe('info');
  });
});
