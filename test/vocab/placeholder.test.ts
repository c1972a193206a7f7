// The placeholder grammar of narrative templates: what the pattern loader accepts is exactly what
// detection fills.

import { describe, expect, it } from 'vitest';
import { fillPlaceholders, placeholderProblem, placeholdersOf } from '../../src/vocab/placeholder.ts';

describe('placeholders', () => {
  it('are found with their signal and format', () => {
    expect(placeholdersOf('{{name}} used {{ value.usage|bytes }} of {{value.limit}}.')).toEqual([
      { key: 'name', head: 'name', signal: undefined, format: undefined },
      { key: 'value.usage', head: 'value', signal: 'usage', format: 'bytes' },
      { key: 'value.limit', head: 'value', signal: 'limit', format: undefined },
    ]);
  });

  it('are refused when nothing fills them or their format is unknown', () => {
    const signals = new Set(['usage']);
    const problem = (t: string) => placeholderProblem(placeholdersOf(t)[0]!, signals);
    expect(problem('{{name}}')).toBeNull();
    expect(problem('{{count.usage}}')).toBeNull();
    expect(problem('{{pod_name}}')).toMatch(/\{\{pod_name\}\} is not filled by anything/);
    expect(problem('{{value.other}}')).toMatch(/not filled/);
    expect(problem('{{value.usage|hex}}')).toMatch(/unknown format "hex" \(use bytes, percent, days\)/);
  });

  it('are filled, formatted, and shown as ? when the value is missing', () => {
    const values = { name: 'web-1', 'value.usage': '268435456', 'value.ratio': '0.25', 'value.age': '-1' };
    expect(fillPlaceholders('{{name}} used {{value.usage|bytes}}', values)).toBe('web-1 used 256 MB');
    expect(fillPlaceholders('{{value.ratio|percent}} after {{value.age|days}}', values)).toBe(
      '25% after 1 day',
    );
    expect(fillPlaceholders('{{container}} of {{name}} ', values)).toBe('? of web-1');
    expect(fillPlaceholders('{{name|bytes}}', values)).toBe('web-1');
  });
});
