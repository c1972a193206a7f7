// What an output format of a command is (`kstory analyze`'s report, `kstory eval`'s result): a name
// for --format, a line for its help, what kind of output it makes, and a function from the command's
// result to that output. Renderers compute nothing.

import type { ChalkInstance } from 'chalk';
import type { Report } from '../analyze/report.ts';
import type { Timeline } from '../analyze/timeline/timeline.ts';

export interface RenderContext {
  /** Colours: level 0 (none) off a terminal, with NO_COLOR, and for files. */
  chalk: ChalkInstance;
  /** Columns to fit a terminal renderer's lines into. */
  width: number;
  /** Show how each confidence was reached (--explain). */
  explain: boolean;
  /** The bundle's timeline, built for a renderer that draws one (`timeline: true`). */
  timeline?: Timeline;
}

/** An output format of a command: `T` is what it renders (an analysis Report by default). */
export interface Renderer<T = Report> {
  /** Its --format name. */
  name: string;
  /** What it prints, for the help of --format: one short clause. */
  description: string;
  /**
   * `terminal`: lines for a person at a terminal, in colour there and wrapped to its width (plain
   * and 80 columns in a pipe or a file). `document`: a file's content (JSON, Markdown, HTML), the
   * same wherever it is written.
   */
  produces: 'terminal' | 'document';
  /** A flag of its own, same as `--format <name>` (`--json`), for the scripts that use it. */
  flag?: `--${string}`;
  /** It draws the bundle's timeline: the command builds it and passes it in the context. */
  timeline?: true;
  render(input: T, context: RenderContext): string | Uint8Array;
}
