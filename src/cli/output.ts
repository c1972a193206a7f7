// Where the commands' output goes: text for a person fitted to the width of the stream it goes to
// (80 columns in a pipe), JSON for scripts, and a rendered report to stdout or to the file of -o.

import { existsSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkOutputPath } from '../bundle/output-path.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { toJson } from '../report/json.ts';
import type { RenderContext, Renderer } from '../report/renderer.ts';
import { chalkFor, plainChalk } from '../report/style.ts';
import { DEFAULT_WIDTH, fitLines, terminalWidth } from '../report/width.ts';

export type OutputStream = Pick<NodeJS.WriteStream, 'write' | 'isTTY'> & { columns?: number };

/** Text for a person on `stream`: drawn for the stream's width when given as a function of it, and
 * each line still too wide for it wrapped at spaces. */
export function writeText(stream: OutputStream, text: string | ((width: number) => string)): void {
  const width = terminalWidth(stream);
  stream.write(fitLines(typeof text === 'string' ? text : text(width), width));
}

/**
 * A listing, one record a line (patterns, scenarios, test results): drawn for the terminal's width
 * on a terminal, but whole lines in a pipe, where grep and scripts read it a line at a time (as ls
 * and kubectl do).
 */
export function writeListing(stream: OutputStream, text: (width: number) => string): void {
  if (stream.isTTY === true) writeText(stream, text);
  else stream.write(text(Number.POSITIVE_INFINITY));
}

/** A value as JSON on stdout, for scripts (`--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(toJson(value));
}

/** What a renderer draws for: the terminal for terminal text on stdout; otherwise (a file, or a
 * document, which is the same wherever it goes) plain text in 80 columns. */
export function renderContextFor(
  renderer: Pick<Renderer<unknown>, 'produces'>,
  file: string | undefined,
  options: { explain?: boolean } = {},
): RenderContext {
  const explain = options.explain === true;
  return renderer.produces === 'terminal' && file === undefined
    ? { chalk: chalkFor(process.stdout), width: terminalWidth(process.stdout), explain }
    : { chalk: plainChalk, width: DEFAULT_WIDTH, explain };
}

/** A report's -o checked before any work: not a directory, in a directory that can be written
 * (an existing file is replaced, as reports are). */
export function checkReportOutput(file: string | undefined, example = 'report.md'): void {
  if (file !== undefined) checkOutputPath(file, { force: true, example });
}

/** Write what a renderer made to stdout, or to `file` (replaced if it exists). */
export function writeRendered(output: string | Uint8Array, file: string | undefined): void {
  if (file === undefined) process.stdout.write(output);
  else writeFileAtomically(file, output);
}

/** The whole file or none of it: a report cut short by a full disk or a kill is not left behind. */
function writeFileAtomically(file: string, data: string | Uint8Array): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new KstoryError(
      `cannot write ${file}: ${code === 'ENOENT' ? `directory ${path.dirname(file)} does not exist` : code === 'EISDIR' ? 'it is a directory' : messageOf(error)}`,
      { hint: 'Choose a file in a directory you can write to.' },
    );
  }
}

/** `-o incident.parquet` would replace a bundle being read with what is written from it. */
export function refuseToOverwriteInputs(output: string | undefined, inputs: readonly string[]): void {
  if (output === undefined) return;
  const real = (file: string) => (existsSync(file) ? realpathSync(file) : path.resolve(file));
  if (inputs.some((input) => real(input) === real(output)))
    throw new KstoryError(`-o ${output} is a bundle being read: it would be replaced`, {
      hint: 'Write to another file, e.g. -o story.json',
    });
}
