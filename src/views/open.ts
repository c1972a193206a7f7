// Opening a bundle for analysis: its files, read through the bundle's sandboxed connection, with
// every view of the registry created over them.

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
