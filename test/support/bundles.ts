// Writes small bundles from rows for tests that need a real bundle on disk.

import path from 'node:path';
import type { MetadataPatch } from '../../src/bundle/metadata.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { openBundle } from '../../src/views/open.ts';

export async function writeBundle(
  dir: string,
  name: string,
  rows: BundleRow[],
  metadata: MetadataPatch = {},
): Promise<string> {
  const output = path.join(dir, name);
  const writer = await BundleWriter.create({ output, metadata: { producer: 'test', ...metadata } });
  for (const row of rows) writer.append(row);
  await writer.finish();
  return output;
}

export async function openRows(
  dir: string,
  name: string,
  rows: BundleRow[],
  metadata: MetadataPatch = {},
): Promise<Bundle> {
  return openBundle([await writeBundle(dir, name, rows, metadata)]);
}
