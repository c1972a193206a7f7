// A spool as a kstory of the first spool version left it: its state and JSON-lines segments (segment
// format 1), written by hand, for tests of what reads, repairs and resumes such a spool.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FORMAT_VERSION } from '../../src/bundle/columns.ts';
import { BundleMetadataSchema } from '../../src/bundle/metadata.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { encodeRow, segmentName, writeSpoolState } from '../../src/bundle/spool.ts';

/** `<output>.spool` with one segment per list of rows; returns the spool directory. */
export function writeOldSpool(output: string, producer: string, segments: readonly BundleRow[][]): string {
  const spool = `${output}.spool`;
  mkdirSync(spool);
  writeSpoolState(spool, {
    spool_version: 1,
    output,
    spooled_bytes: 0,
    anonymize: false,
    metadata: BundleMetadataSchema.parse({
      format_version: FORMAT_VERSION,
      tool_version: '0.0.1',
      created_at: '2026-03-01T10:00:00Z',
      producer,
    }),
  });
  segments.forEach((rows, i) => {
    writeFileSync(
      path.join(spool, segmentName(i + 1, 'ndjson')),
      rows.map((r) => `${encodeRow(r)}\n`).join(''),
    );
  });
  return spool;
}
