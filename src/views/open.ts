// Opening a bundle for analysis: its files, read through the bundle's sandboxed connection, with
// every view of the registry created over them; or many bundles in turn through one instance.

import { BatchReader, type BatchReaderOptions } from '../bundle/batch-reader.ts';
import { type Bundle, type OpenOptions, openBundleFiles } from '../bundle/reader.ts';
import { createViews } from './create.ts';

export async function openBundle(inputs: readonly string[], options: OpenOptions = {}): Promise<Bundle> {
  const bundle = await openBundleFiles(inputs, options);
  try {
    await createViews(bundle.db);
    return bundle;
  } catch (error) {
    bundle.close();
    throw error;
  }
}

/** A reader of each of the inputs in turn, every view created over each (see BatchReader). */
export function openBundleBatch(
  inputs: readonly string[],
  options: Omit<BatchReaderOptions, 'prepare'> = {},
): Promise<BatchReader> {
  return BatchReader.open(inputs, { ...options, prepare: (db) => createViews(db) });
}
