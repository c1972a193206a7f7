// A one-line progress display on stderr for long imports, only when stderr is a terminal (never in
// pipes or CI logs), redrawn at most ten times a second.

export class Progress {
  private last = 0;
  private shown = false;
  private readonly started = Date.now();

  constructor(
    private readonly totalBytes: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = process.stderr.isTTY === true,
  ) {}

  update(bytesRead: number, records: number, file: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    // Small imports finish before a bar would help.
    if (now - this.started < 500) return;
    const width = 24;
    const fraction = this.totalBytes > 0 ? Math.min(1, bytesRead / this.totalBytes) : 0;
    const filled = Math.round(fraction * width);
    const name = file.length > 50 ? `…${file.slice(-49)}` : file;
    this.stream.write(
      `\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${records.toLocaleString('en-US')} records  ${name}`,
    );
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
