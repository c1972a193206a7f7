// Spool lines assembled as bytes (SpoolLines) are encodeRow's lines, byte for byte: the spool's
// format does not depend on how a row's body reached the writer.

import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BundleRow } from '../../src/bundle/row.ts';
import { encodeRow, RawJson, SpoolLines } from '../../src/bundle/spool.ts';
import { aLogRow, aMetricRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();

describe('SpoolLines', () => {
  it('writes the lines encodeRow gives, whatever form the body takes', () => {
    const body = { kind: 'Pod', metadata: { name: 'ünïcode-日本' }, note: 'quote " and \\ backslash' };
    const text = JSON.stringify(body);
    const bytes = Buffer.from(text);
    const rows: BundleRow[] = [
      aPodRow({ body }),
      aPodRow({ body: new RawJson(text) }),
      aPodRow({ body: new RawJson([bytes.subarray(0, 7), bytes.subarray(7)]) }),
      aPodRow({ body: null, name: 'ünïcode-日本' }),
      aLogRow({ log_line: 'line with \u2028 and \u{1F600}' }),
      aMetricRow({ metric_value: Number.NaN }),
    ];
    const file = path.join(tempDir(), 'lines.ndjson');
    // Small to begin with: the buffer grows for a long row and shrinks back after writing.
    const lines = new SpoolLines(16);
    const fd = openSync(file, 'w');
    for (const row of rows) {
      const start = lines.length;
      expect(lines.add(row)).toBe(Buffer.byteLength(encodeRow(row)));
      expect(lines.length - start).toBe(Buffer.byteLength(encodeRow(row)) + 1);
    }
    // A row taken back (the writer does so with a row too long to spool).
    const before = lines.length;
    lines.add(aLogRow({ log_line: 'taken back' }));
    lines.truncate(before);
    lines.writeTo(fd);
    expect(lines.length).toBe(0);
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(rows.map((row) => `${encodeRow(row)}\n`).join(''));
  });
});
