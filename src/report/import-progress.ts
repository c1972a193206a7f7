// How far a long import has got, as a bar on one line of stderr (see TerminalLine for when it shows).

import type { ImportProgress } from '../import/progress.ts';
import { TerminalLine, type TerminalStream } from './terminal-line.ts';

const BAR_WIDTH = 24;

export class ImportProgressBar implements ImportProgress {
  private readonly line: TerminalLine;

  constructor(
    private readonly totalBytes: number,
    stream: TerminalStream = process.stderr,
    enabled = true,
  ) {
    // Small imports finish before a bar would help.
    this.line = new TerminalLine(enabled, { stream, delayMs: 500 });
  }

  update(bytesRead: number, records: number, file: string): void {
    if (!this.line.enabled) return;
    const fraction = this.totalBytes > 0 ? Math.min(1, bytesRead / this.totalBytes) : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const name = file.length > 50 ? `…${file.slice(-49)}` : file;
    this.line.draw(
      `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.round(fraction * 100)}% ${records.toLocaleString('en-US')} records  ${name}`,
    );
  }

  done(): void {
    this.line.clear();
  }
}
