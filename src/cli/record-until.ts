// `kstory record --until <resource> [--timeout 30m] --story out.json`, for CI: record until the
// resource reaches a terminal state (or the timeout), then write the bundle and the resource's story.
// Exit 1 when it failed or did not finish in time.

import type { BundleRow } from '../bundle/row.ts';
import { KstoryError } from '../errors.ts';
import { storyJsonRenderer } from '../report/story-json.ts';
import { terminalWatch } from '../story/termination.ts';
import { renderContextFor, writeRendered } from './output.ts';

export interface UntilFlags {
  until?: string;
  timeout?: number;
  story?: string;
  once?: boolean;
  duration?: number;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** The recording's stop condition and time limit, or null without --until. */
export function untilOptions(
  flags: UntilFlags,
  stop: () => void,
): { onRow: (row: BundleRow) => void; durationMs: number } | null {
  if (flags.until === undefined) {
    const lone = flags.timeout !== undefined ? '--timeout' : flags.story !== undefined ? '--story' : null;
    if (lone)
      throw new KstoryError(`${lone} goes with --until`, {
        hint: 'e.g. --until job/batch/nightly --timeout 30m --story story.json',
      });
    return null;
  }
  if (flags.once)
    throw new KstoryError('--until and --once cannot be used together', {
      hint: '--until records until the resource is done.',
    });
  if (flags.duration !== undefined)
    throw new KstoryError('--until stops at --timeout, not --duration', {
      hint: 'Use --timeout with --until.',
    });
  const done = terminalWatch(flags.until);
  let stopped = false;
  return {
    onRow: (row) => {
      if (!stopped && done(row as Parameters<typeof done>[0])) {
        stopped = true;
        stop();
      }
    },
    durationMs: flags.timeout ?? DEFAULT_TIMEOUT_MS,
  };
}

/** After the recording: the story to --story, and the exit code CI reads. */
export async function finishUntil(
  flags: UntilFlags,
  bundle: string,
  log: (line: string) => void,
): Promise<void> {
  const { buildStory } = await import('../story/build.ts');
  const story = await buildStory([bundle], flags.until!);
  if (flags.story !== undefined)
    writeRendered(
      storyJsonRenderer.render(story, renderContextFor(storyJsonRenderer, flags.story)),
      flags.story,
    );
  const { state, reason } = story.termination;
  log(
    `${flags.until}: ${state === 'window-end' ? 'no terminal state before the timeout' : `${state} (${reason})`}${flags.story ? `; story written to ${flags.story}` : ''}`,
  );
  if (state === 'failed' || state === 'window-end') process.exitCode = 1;
}
