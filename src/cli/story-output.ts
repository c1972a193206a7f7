// Where `kstory story --all` writes: one file per story and index.json in a directory, or every
// story on a line of its own (--ndjson) in one file or on stdout. Each file is whole or absent.

import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { KstoryError } from '../errors.ts';
import { toJson } from '../report/json.ts';
import type { Renderer } from '../report/renderer.ts';
import { buildAllStories } from '../story/build.ts';
import type { StoryOptions } from '../story/context.ts';
import { indexEntry, STORY_INDEX_SCHEMA, type StoryIndex, storyFileName } from '../story/index-doc.ts';
import type { Story } from '../story/schema.ts';
import { renderContextFor, writeRendered } from './output.ts';

const EXTENSIONS: Record<string, string> = { json: '.json', ndjson: '.ndjson', text: '.txt' };

/** Writes every story; returns a line for stderr saying what was written. */
export async function writeAllStories(
  inputs: readonly string[],
  renderer: Renderer<Story>,
  output: string | undefined,
  options: StoryOptions & { force: boolean },
): Promise<string> {
  if (renderer.name === 'ndjson') return writeLines(inputs, renderer, output, options);
  if (output === undefined)
    throw new KstoryError('--all writes one file per story: name the directory with -o', {
      hint: 'e.g. kstory story incident.parquet --all -o stories/, or --ndjson to print every story on a line.',
    });
  prepareDirectory(output, options.force);
  const context = renderContextFor(renderer, output);
  const taken = new Set<string>(['index.json']);
  const index: StoryIndex = { schema: STORY_INDEX_SCHEMA, bundle: [...inputs], stories: [] };
  for await (const story of buildAllStories(inputs, options)) {
    const file = storyFileName(story, taken, EXTENSIONS[renderer.name] ?? '.txt');
    writeRendered(renderer.render(story, context), path.join(output, file));
    index.stories.push(indexEntry(story, file));
  }
  writeRendered(toJson(index), path.join(output, 'index.json'));
  return `wrote ${index.stories.length} stories and index.json to ${output}`;
}

async function writeLines(
  inputs: readonly string[],
  renderer: Renderer<Story>,
  output: string | undefined,
  options: StoryOptions,
): Promise<string> {
  const context = renderContextFor(renderer, output);
  if (output === undefined) {
    let count = 0;
    for await (const story of buildAllStories(inputs, options)) {
      process.stdout.write(renderer.render(story, context));
      count++;
    }
    return `wrote ${count} stories`;
  }
  // Written beside the target and renamed at the end, so that a kill leaves no half a file.
  const temporary = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', 0o600);
  let count = 0;
  try {
    for await (const story of buildAllStories(inputs, options)) {
      const line = renderer.render(story, context);
      if (typeof line === 'string') writeSync(fd, line);
      else writeSync(fd, line);
      count++;
    }
    closeSync(fd);
    renameSync(temporary, output);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {}
    rmSync(temporary, { force: true });
    throw error;
  }
  return `wrote ${count} stories to ${output}`;
}

/** The directory for `--all`: created if missing; one that holds files only with --force. */
function prepareDirectory(dir: string, force: boolean): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new KstoryError(`-o ${dir} is a file; --all writes one file per story into a directory`, {
      hint: 'Name a directory, or use --ndjson to write every story into one file.',
    });
  if (existsSync(dir) && readdirSync(dir).length > 0 && !force)
    throw new KstoryError(`-o ${dir} is not empty`, {
      hint: 'Name a new or empty directory, or add --force to write into it (files of the same name are replaced).',
    });
  mkdirSync(dir, { recursive: true });
}
