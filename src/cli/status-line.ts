// One line of status on stderr while long work runs: only on a terminal (never in pipes or CI
// logs), only once the work has taken long enough to wonder about (a quick command shows
// nothing), redrawn in place with the time spent, and cleared before the command's output.

export interface StatusLineOptions {
  stream?: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  /** Show nothing before this much time has passed. */
  delayMs?: number;
  /** Redraw this often (the time spent keeps counting while a stage runs). */
  intervalMs?: number;
  now?: () => number;
}

export class StatusLine {
  private readonly stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  private readonly enabled: boolean;
  private readonly delayMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private readonly timer: NodeJS.Timeout | null = null;
  private text = '';
  private shown = false;
  private drawnAt = Number.NEGATIVE_INFINITY;

  constructor(enabled: boolean, options: StatusLineOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.enabled = enabled && this.stream.isTTY === true;
    this.delayMs = options.delayMs ?? 500;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    if (this.enabled) {
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
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  private draw(): void {
    if (!this.enabled || this.text === '') return;
    const now = this.now();
    const elapsed = now - this.started;
    // A burst of stages (patterns done in quick succession) is drawn ten times a second at most.
    if (elapsed < this.delayMs || now - this.drawnAt < 100) return;
    this.drawnAt = now;
    const line = `${this.text} (${(elapsed / 1000).toFixed(1)}s)`;
    this.stream.write(`\r\x1b[2K${line.length > 100 ? `${line.slice(0, 99)}…` : line}`);
    this.shown = true;
  }
}
