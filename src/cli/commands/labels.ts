// `kstory labels`: training labels for LLMs from the incidents of bundles (troubleshooting questions
// with their root cause, chain, evidence and action plan). Wiring only; the core is src/labels/.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { KstoryError, messageOf } from '../../errors.ts';
import { DEFAULT_SHARES, type SplitShares } from '../../labels/dataset.ts';
import { LABEL_FORMATS, labelFormatFor } from '../../labels/formats/index.ts';
import { LABEL_TYPES, type LabelType } from '../../labels/schema.ts';
import { commaList, fraction, positiveInt } from '../options.ts';

interface LabelsFlags {
  output?: string;
  format?: string;
  questions?: number;
  minQuality?: number;
  type?: string[];
  dataset?: string;
  split?: SplitShares;
  force?: boolean;
  mask: boolean;
  maskNames?: boolean;
  maskKey?: string;
  progress: boolean;
}

export function defineLabelsCommand(program: Command): void {
  program
    .command('labels')
    .description(
      'training labels for LLMs from the incidents of bundles: question, root cause, chain, evidence, fix',
    )
    .argument('<bundle...>', 'bundle files, directories of them or globs; each bundle is labelled on its own')
    .option(
      '-o, --output <file>',
      'write the labels to this file (replaced if it exists); its extension chooses the format',
    )
    .addOption(
      new Option(
        '--format <name>',
        `${LABEL_FORMATS.map((f) => `${f.name} (${f.description})`).join(', ')}; default: from the extension of -o, else ${LABEL_FORMATS[0]!.name}`,
      ).choices(LABEL_FORMATS.map((f) => f.name)),
    )
    .option('--questions <n>', 'phrasings of each troubleshooting question (default 3)', positiveInt)
    .option('--min-quality <n>', 'leave out labels whose overall quality is below this (0..1)', fraction)
    .option(
      '--type <types>',
      `label types to make (comma-separated): ${LABEL_TYPES.join(', ')}; default all`,
      commaList,
    )
    .option(
      '--dataset <dir>',
      'write a dataset instead of one file: train, validation and test files (split by scenario family) and a README.md card',
    )
    .option(
      '--split <train,validation>',
      'with --dataset: percentages of groups in train and validation (default 80,10; test has the rest)',
      shares,
    )
    .option('--force', 'with --dataset: write into a directory that is not empty')
    .option('--no-mask', 'keep e-mail addresses, IP addresses, audit user names and host names as they are')
    .option('--mask-names', 'also replace namespaces and object names by stable pseudonyms')
    .option(
      '--mask-key <file>',
      'key the pseudonyms and redaction tokens with this secret file (16+ random bytes): the same key, the same labels; default: a random key per run',
    )
    .option('--no-progress', 'do not show what it is doing on stderr')
    .addHelpText(
      'after',
      `
Each label is validated against its schema (docs/labels.schema.json) before it is written; one that
fails is reported, not written. Labels hold no credential: every text is redacted again. E-mail and
IP addresses, audit user names and host names are replaced by pseudonyms that stay the same across
the labels of a run (--no-mask keeps them; --mask-names replaces namespaces and object names too). Each
run draws a new random key for them unless --mask-key gives one: keep that file as secret as the data,
since whoever holds it can test a guessed name against its pseudonym. The fields,
the quality score and its formula are described in docs/labels.md.

Examples:
  kstory labels incident.parquet -o labels.jsonl
  kstory labels 'corpus/*.parquet' -o dataset.json --questions 5 --min-quality 0.6
  kstory labels incident.parquet | jq -r .question
  kstory simulate --batch 200 -o corpus/ && kstory labels corpus/ --dataset dataset/ --format parquet`,
    )
    .action(async (inputs: string[], flags: LabelsFlags) => {
      const types = checkedTypes(flags.type);
      if (flags.maskNames && flags.mask === false)
        throw new KstoryError('--mask-names and --no-mask contradict each other', {
          hint: 'Give one of them.',
        });
      const format = labelFormatFor(flags.format, flags.output);
      if (
        flags.format === undefined &&
        flags.output !== undefined &&
        !format.extensions.some((e) => flags.output!.toLowerCase().endsWith(e))
      )
        throw new KstoryError(`cannot tell the format of ${flags.output} from its extension`, {
          hint: `Give --format (${LABEL_FORMATS.map((f) => f.name).join(', ')}) or a file ending in ${LABEL_FORMATS.flatMap((f) => f.extensions).join(', ')}.`,
        });
      if (flags.dataset !== undefined && flags.output !== undefined)
        throw new KstoryError('give either -o or --dataset', {
          hint: '--dataset writes a directory of files; -o one file.',
        });
      if ((flags.split !== undefined || flags.force) && flags.dataset === undefined)
        throw new KstoryError('--split and --force go with --dataset', { hint: 'Add --dataset <dir>.' });
      if (flags.output === undefined && flags.dataset === undefined && format.binary)
        throw new KstoryError(`--format ${format.name} writes a binary file`, { hint: 'Add -o <file>.' });
      const { MAX_QUESTIONS } = await import('../../labels/questions.ts');
      if ((flags.questions ?? 0) > MAX_QUESTIONS)
        throw new KstoryError(`--questions ${flags.questions}: there are ${MAX_QUESTIONS} phrasings`, {
          hint: `Give --questions between 1 and ${MAX_QUESTIONS}.`,
        });
      const { refuseToOverwriteInputs } = await import('../output.ts');
      refuseToOverwriteInputs(flags.output, inputs);
      // Said before the bundles are analysed, not after.
      if (flags.output !== undefined && !existsSync(path.dirname(path.resolve(flags.output))))
        throw new KstoryError(
          `cannot write ${flags.output}: directory ${path.dirname(flags.output)} does not exist`,
          {
            hint: 'Choose a file in a directory you can write to.',
          },
        );
      const { readRunKey } = await import('../../labels/run-key.ts');
      const key = flags.maskKey === undefined ? undefined : readRunKey(flags.maskKey);
      const { generateLabels } = await import('../../labels/run.ts');
      const { openSpool, writeDataset, writeLabels } = await import('../labels-output.ts');
      const { StatusLine } = await import('../status-line.ts');
      const status = new StatusLine(flags.progress !== false);
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'kstory-labels-'));
      try {
        const { spool, append, close } = openSpool(scratch);
        const run = await generateLabels(
          inputs,
          {
            questions: flags.questions,
            minQuality: flags.minQuality,
            types,
            mask: flags.mask === false ? false : { names: flags.maskNames === true },
            key,
            onProgress: (s) => status.set(s),
          },
          append,
        );
        await close();
        // Not one bundle could be read: nothing is written, and the first reason is the error.
        if (run.bundles === 0 && run.failed.length > 0)
          throw new KstoryError(
            `${run.failed[0]!.error}${run.failed.length > 1 ? ` (and ${run.failed.length - 1} more bundles not read)` : ''}`,
            {
              hint: 'Give bundle files written by kstory record, import or simulate, a directory of them, or a glob.',
            },
          );
        status.set(`writing ${run.written} labels`);
        const { labelRunSummary } = await import('../../report/labels/summary.ts');
        if (flags.dataset !== undefined) {
          const counts = await writeDataset(format, spool, flags.dataset, {
            shares: flags.split ?? DEFAULT_SHARES,
            force: flags.force === true,
            bundles: run.bundles,
          });
          status.done();
          process.stderr.write(labelRunSummary(run, flags.dataset, format.name));
          process.stderr.write(
            `dataset: train ${counts.bySplit.train}, validation ${counts.bySplit.validation}, test ${counts.bySplit.test} labels; card in ${path.join(flags.dataset, 'README.md')}\n`,
          );
        } else {
          await writeLabels(format, spool, flags.output);
          status.done();
          process.stderr.write(labelRunSummary(run, flags.output, format.name));
        }
        if (run.failed.length > 0 || run.invalid.length > 0) process.exitCode = 2;
      } catch (error) {
        if (error instanceof KstoryError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code) throw new KstoryError(`cannot write the labels: ${messageOf(error)}`);
        throw error;
      } finally {
        status.done();
        rmSync(scratch, { recursive: true, force: true });
      }
    });
}

function shares(value: string): SplitShares {
  const [train, validation, ...rest] = value.split(',').map(Number);
  if (
    rest.length > 0 ||
    !Number.isInteger(train) ||
    !Number.isInteger(validation) ||
    train! < 1 ||
    validation! < 0 ||
    train! + validation! > 99
  )
    throw new InvalidArgumentError(
      'expected two whole percentages, train and validation, that leave some for test: e.g. 80,10',
    );
  return { train: train!, validation: validation! };
}

function checkedTypes(given: string[] | undefined): LabelType[] | undefined {
  if (given === undefined) return undefined;
  const unknown = given.filter((t) => !(LABEL_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new KstoryError(`--type ${unknown.join(',')}: no such label type`, {
      hint: `Label types: ${LABEL_TYPES.join(', ')}.`,
    });
  return given as LabelType[];
}
