// One line redrawn in place on stderr while a command works: what record, import, analyze and
// `patterns test` show. Drawn only on a terminal (never into pipes or CI logs), only once the work
// has taken long enough to wonder about, at most ten times a second, and cut to the terminal's
// width: a line that wraps cannot be redrawn in place, and each redraw would leave a line behind.

import { escapeControl } from './escape.ts';
import { DEFAULT_WIDTH, truncate } from './width.ts';

export type TerminalStream = Pick<NodeJS.WriteStream, 'write' | 'isTTY'> & { columns?: number };

export interface TerminalLineOptions {
  stream?: TerminalStream;
  /** Draw nothing before this much time has passed since the line was made. */
  delayMs?: number;
  /** At most one draw this often; a draw asked for sooner is dropped (the next one shows the news). */
  minIntervalMs?: number;
  now?: () => number;
}

/** Erase the line the cursor is on and go back to its start. */
const CLEAR = '\r\x1b[2K';

export class TerminalLine {
  /** False when the stream is not a terminal or the user asked for no progress: nothing is drawn. */
  readonly enabled: boolean;
  private readonly stream: TerminalStream;
  private readonly delayMs: number;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private drawnAt = Number.NEGATIVE_INFINITY;
  private shown = false;

  constructor(enabled: boolean, options: TerminalLineOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.enabled = enabled && this.stream.isTTY === true;
    this.delayMs = options.delayMs ?? 0;
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** Time since the line was made. */
  get elapsedMs(): number {
    return this.now() - this.started;
  }

  /** Show `text` (unless it is too early, or too soon after the last draw). */
  draw(text: string): void {
    if (!this.enabled) return;
    const now = this.now();
    if (now - this.started < this.delayMs || now - this.drawnAt < this.minIntervalMs) return;
    this.drawnAt = now;
    this.stream.write(`${CLEAR}${fitToWidth(text, this.stream.columns ?? DEFAULT_WIDTH)}`);
    this.shown = true;
  }

  /** Remove the line, so that what is written next starts on a clean one. */
  clear(): void {
    if (this.shown) this.stream.write(CLEAR);
    this.shown = false;
  }

  /** Write whole lines above the status line (log messages), which is drawn again by the next draw.
   * They carry what a cluster or a file said: its control characters are shown, never sent. */
  writeAbove(text: string): void {
    this.clear();
    this.stream.write(escapeControl(text));
  }
}

/** The text on one line of `columns`: the last column is left free, where some terminals wrap. Names
 * in it (a file, a resource, a cluster's message) are shown with their control characters visible. */
export function fitToWidth(text: string, columns: number): string {
  return truncate(
    escapeControl(text.replace(/(\r?\n)+/g, ' '), { singleLine: true }),
    Math.max(columns - 1, 10),
  );
}
