// Kubernetes quantities to millicores and bytes: exact for every suffix, rounded up like Kubernetes.
import { describe, expect, it } from 'vitest';
import { quantityMilli, quantityValue } from '../../src/kube/quantity.ts';

describe('quantityMilli', () => {
  it.each([
    ['100m', 100],
    ['1.5', 1500],
    ['0.1', 100],
    ['2', 2000],
    ['250000u', 250],
    ['1n', 1],
    ['2e3', 2_000_000],
    ['2E-3', 2],
    ['.5', 500],
    ['1k', 1_000_000],
  ])('%s → %d millicores', (text, milli) => {
    expect(quantityMilli(text)).toBe(milli);
  });

  it('reads numbers that YAML made of `cpu: 0.1` without float drift', () => {
    expect(quantityMilli(0.1)).toBe(100);
    expect(quantityMilli(3)).toBe(3000);
  });

  it.each(['', 'abc', '1.2.3', '10 Mi', '1Q', 'm', '1e400'])('rejects %j', (text) => {
    expect(quantityMilli(text)).toBeNull();
  });

  it('ignores what is not a string or number', () => {
    expect(quantityMilli(undefined)).toBeNull();
    expect(quantityMilli({ cpu: 1 })).toBeNull();
  });
});

describe('quantityValue', () => {
  it.each([
    ['512Mi', 512 * 1024 * 1024],
    ['1G', 1_000_000_000],
    ['1Gi', 1024 ** 3],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['128974848', 128_974_848],
    ['129e6', 129_000_000],
    ['123M', 123_000_000],
    ['64Ki', 65_536],
    ['1Ti', 1024 ** 4],
    ['100m', 1],
    ['110', 110],
    ['1E', 1e18],
  ])('%s → %d', (text, value) => {
    expect(quantityValue(text)).toBe(value);
  });
});
