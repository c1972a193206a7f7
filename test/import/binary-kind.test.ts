// A binary file is skipped saying what it is, when its first bytes tell: an archive kstory does not
// unpack is named with what to do about it, a Parquet file as what analyze reads.
import { describe, expect, it } from 'vitest';
import { binaryFileReason } from '../../src/import/binary-kind.ts';
import { newStats } from '../../src/import/stats.ts';
import { refusalOf } from '../../src/import/unimported.ts';

describe('binary files', () => {
  it('names zip, 7-Zip, RAR, bzip2 and Parquet from their first bytes', () => {
    const of = (...bytes: number[]) => binaryFileReason(Buffer.from([...bytes, 0, 1, 2, 3, 4, 5, 6, 7]));
    expect(of(0x50, 0x4b, 0x03, 0x04)).toBe('binary file (a zip archive)');
    expect(of(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)).toBe('binary file (a 7-Zip archive)');
    expect(of(0x52, 0x61, 0x72, 0x21, 0x1a, 0x07)).toBe('binary file (a RAR archive)');
    expect(of(0x42, 0x5a, 0x68)).toBe('binary file (a bzip2 file)');
    expect(of(0x50, 0x41, 0x52, 0x31)).toBe('binary file (a Parquet file)');
    expect(of(0x89, 0x50, 0x4e, 0x47)).toBe('binary file');
    expect(binaryFileReason(Buffer.from([0x50]))).toBe('binary file');
  });

  it('tells what to do with an input that was only a 7-Zip archive', () => {
    const stats = newStats('logs.7z');
    stats.files = 1;
    stats.skippedFiles['binary file (a 7-Zip archive)'] = ['logs.7z'];
    expect(refusalOf(stats)?.hint).toMatch(/unpack other archives \(7-Zip/);
  });
});
