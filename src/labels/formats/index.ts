// Every output format of `kstory labels`, in the order --format's help lists them; the first is the
// default when the output's extension names none. A new format is one file here and one line below.

import { arrowFormat } from './arrow.ts';
import { csvFormat } from './csv.ts';
import type { LabelFormat } from './format.ts';
import { jsonFormat } from './json.ts';
import { jsonlFormat } from './jsonl.ts';
import { parquetFormat } from './parquet.ts';
import { yamlFormat } from './yaml.ts';

export const LABEL_FORMATS: readonly LabelFormat[] = [
  jsonlFormat,
  jsonFormat,
  csvFormat,
  yamlFormat,
  parquetFormat,
  arrowFormat,
];

/** The format --format names, or the one the file's extension chooses, or JSON lines. */
export function labelFormatFor(format: string | undefined, file: string | undefined): LabelFormat {
  if (format !== undefined) return LABEL_FORMATS.find((f) => f.name === format)!;
  const lower = file?.toLowerCase() ?? '';
  return LABEL_FORMATS.find((f) => f.extensions.some((e) => lower.endsWith(e))) ?? LABEL_FORMATS[0]!;
}
