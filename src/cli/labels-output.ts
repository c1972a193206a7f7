// Where `kstory labels` puts its labels: appended to a JSON-lines spool as they are made (a dataset
// of any size is never held whole), then written in the chosen format to the file of -o, all of it
// or nothing (a temporary file renamed into place), or to stdout; or, as a dataset, split into
// train, validation and test files beside its card.

import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { KstoryError, messageOf } from '../errors.ts';
import {
  DatasetCounter,
  type DatasetCounts,
  groupOf,
  SPLITS,
  type Split,
  type SplitShares,
  splitOf,
} from '../labels/dataset.ts';
import type { LabelFormat } from '../labels/formats/format.ts';
import { spooledLabels } from '../labels/formats/spool.ts';
import { LABEL_SCHEMA, type Label, labelJsonSchema } from '../labels/schema.ts';
import { renderDatasetCard } from '../report/labels/card.ts';
import { TOOL_VERSION } from '../version.ts';

export function openSpool(scratch: string): {
  spool: string;
  append: (label: Label) => Promise<void>;
  close: () => Promise<void>;
} {
  const spool = path.join(scratch, 'labels.jsonl');
  const out = createWriteStream(spool);
  return {
    spool,
    append: async (label) => {
      if (!out.write(`${JSON.stringify(label)}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
    },
    close: async () => {
      out.end();
      await finished(out);
    },
  };
}

export async function writeLabels(
  format: LabelFormat,
  spool: string,
  output: string | undefined,
): Promise<void> {
  if (output === undefined) {
    const file = `${spool}.${format.name}`;
    await format.write(spool, file);
    await pipeline(createReadStream(file), process.stdout, { end: false });
    return;
  }
  const temporary = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  try {
    await format.write(spool, temporary);
    renameSync(temporary, output);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof KstoryError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (!code && !String(messageOf(error)).includes('IO Error')) throw error;
    throw new KstoryError(
      `cannot write ${output}: ${code === 'ENOENT' ? `directory ${path.dirname(output)} does not exist` : code === 'EISDIR' ? 'it is a directory' : messageOf(error)}`,
      { hint: 'Choose a file in a directory you can write to.' },
    );
  }
}

/** `--dataset DIR`: the labels of the spool split into train, validation and test, with the card and schema. */
export async function writeDataset(
  format: LabelFormat,
  spool: string,
  dir: string,
  options: { shares: SplitShares; force: boolean; bundles: number },
): Promise<DatasetCounts> {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || (readdirSync(dir).length > 0 && !options.force)))
    throw new KstoryError(
      `--dataset ${dir} ${statSync(dir).isDirectory() ? 'is not empty' : 'is not a directory'}`,
      {
        hint: 'Choose a new or empty directory, or pass --force to replace the files of a dataset in it.',
      },
    );
  mkdirSync(dir, { recursive: true });
  const counter = new DatasetCounter();
  const parts = Object.fromEntries(
    SPLITS.map((split) => [split, openSpool(mkdtempSync(path.join(path.dirname(spool), `${split}-`)))]),
  ) as Record<Split, ReturnType<typeof openSpool>>;
  for await (const label of spooledLabels(spool)) {
    const split = splitOf(groupOf(label), options.shares);
    counter.add(label, split);
    await parts[split].append(label);
  }
  const files = {} as Record<Split, string>;
  for (const split of SPLITS) {
    await parts[split].close();
    files[split] = `${split}${format.extensions[0]}`;
    await writeLabels(format, parts[split].spool, path.join(dir, files[split]));
  }
  const counts = counter.result();
  writeFileSync(path.join(dir, 'labels.schema.json'), `${JSON.stringify(labelJsonSchema(), null, 2)}\n`);
  writeFileSync(
    path.join(dir, 'README.md'),
    renderDatasetCard(counts, {
      files,
      shares: options.shares,
      bundles: options.bundles,
      tool: `kstory ${TOOL_VERSION}`,
      schema: LABEL_SCHEMA,
    }),
  );
  return counts;
}
