// When kstory serve gzips a response: a large one, to a client that accepts gzip, across a network.

import { describe, expect, it } from 'vitest';
import { COMPRESS_FROM_BYTES, isLoopback, shouldGzip } from '../../src/serve/compression.ts';

describe('shouldGzip', () => {
  const big = COMPRESS_FROM_BYTES;

  it('compresses a large response for a client elsewhere that accepts gzip', () => {
    expect(shouldGzip('gzip', '10.0.0.7', big)).toBe(true);
    expect(shouldGzip('deflate, gzip;q=0.5', '192.168.1.2', big)).toBe(true);
    expect(shouldGzip('*', '2001:db8::1', big)).toBe(true);
  });

  it('sends plain a small response, one the client did not ask compressed, or one refused with q=0', () => {
    expect(shouldGzip('gzip', '10.0.0.7', big - 1)).toBe(false);
    expect(shouldGzip(undefined, '10.0.0.7', big)).toBe(false);
    expect(shouldGzip('br, deflate', '10.0.0.7', big)).toBe(false);
    expect(shouldGzip('gzip;q=0', '10.0.0.7', big)).toBe(false);
  });

  it('sends plain to a client on this machine, where compressing costs more than it saves', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopback(address)).toBe(true);
      expect(shouldGzip('gzip', address, big)).toBe(false);
    }
    expect(isLoopback('10.0.0.7')).toBe(false);
  });
});
