import { describe, expect, it } from 'vitest';
import { parseSelector } from '../../src/analyze/selector.ts';
import { KstoryError } from '../../src/errors.ts';

const labels = { app: 'checkout', tier: 'web', 'app.kubernetes.io/part-of': 'shop' };

describe('label selectors', () => {
  it.each([
    ['app=checkout', true],
    ['app==checkout', true],
    ['app!=checkout', false],
    ['app=checkout,tier!=db', true],
    ['app.kubernetes.io/part-of=shop', true],
    ['tier in (web, api)', true],
    ['tier notin (web)', false],
    ['missing notin (a)', true],
    ['tier in (api)', false],
    ['app', true],
    ['!app', false],
    ['!legacy', true],
    ['app=checkout, tier in (web,api), !legacy', true],
  ])('%s → %s', (selector, expected) => {
    expect(parseSelector(selector)(labels)).toBe(expected);
  });

  it.each(['a=b=c', 'in (x)', 'app in x', ''])('refuses %j with a hint', (selector) => {
    expect(() => parseSelector(selector)).toThrow(KstoryError);
  });
});
