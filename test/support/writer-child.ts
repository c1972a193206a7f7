// A writer process for the kill -9 test: appends numbered log rows as fast as it can, in batches,
// and after each batch prints how many rows it has appended and when. It never finishes by itself.

import { BundleWriter } from '../../src/bundle/writer.ts';
import { numberedRows } from './rows.ts';

const output = process.argv[2];
if (!output) throw new Error('usage: writer-child.ts <output.parquet>');
const writer = await BundleWriter.create({ output, metadata: { producer: 'test-child' } });
let next = 0;
function batch(): void {
  for (const row of numberedRows(500, next)) writer.append(row);
  next += 500;
  process.stdout.write(`${next} ${Date.now()}\n`);
  setImmediate(batch);
}
batch();
