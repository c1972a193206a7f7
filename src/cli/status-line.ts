// What analyze is doing, on one line of stderr while it runs (see TerminalLine for when it shows),
// with the time spent, which keeps counting while a stage runs.

import { TerminalLine, type TerminalLineOptions } from '../report/terminal-line.ts';

export interface StatusLineOptions extends Omit<TerminalLineOptions, 'minIntervalMs'> {
  /** Redraw this often, so that the time spent moves during a long stage. */
  intervalMs?: number;
}

export class StatusLine {
  private readonly line: TerminalLine;
  private readonly timer: NodeJS.Timeout | null = null;
  private text = '';

  constructor(enabled: boolean, options: StatusLineOptions = {}) {
    // A quick run shows nothing; a burst of stages (patterns done in quick succession) is drawn ten
    // times a second at most.
    this.line = new TerminalLine(enabled, { delayMs: 500, ...options, minIntervalMs: 100 });
    if (this.line.enabled) {
      this.timer = setInterval(() => this.draw(), options.intervalMs ?? 200);
      // The work, not the status line, decides when the process ends.
      this.timer.unref();
    }
  }

  /** What is being done now. */
  set(text: string): void {
    this.text = text;
    this.draw();
  }

  /** Clear the line (and stop redrawing it). */
  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.line.clear();
  }

  private draw(): void {
    if (this.text !== '') this.line.draw(`${this.text} (${(this.line.elapsedMs / 1000).toFixed(1)}s)`);
  }
}
