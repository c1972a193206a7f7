// Where a scaled bundle's rows go: counted, with a pause for the event loop every 100,000 rows so
// that the bundle writer compacts its spool while rows are still being made, and a wait whenever
// the writer says compaction is behind (its back-pressure: the spool's backlog stays bounded).

import type { BundleRow } from '../../bundle/row.ts';
import type { SqlRowsTarget } from './telemetry.ts';

/**
 * What the rows go to (the bundle writer): a row at a time, rows built in SQL, and a wait while the
 * writer is behind (BundleWriter.room).
 */
export interface ScaleSink extends SqlRowsTarget {
  append(row: BundleRow): void;
  readonly throttled?: boolean;
  room?(): Promise<void>;
}

export class ScaleOutput {
  rows = 0;
  private lastYield = 0;

  constructor(private readonly sink: ScaleSink) {}

  emit(row: BundleRow): void {
    this.sink.append(row);
    this.rows++;
  }

  async breathe(): Promise<void> {
    if (this.sink.throttled && this.sink.room) {
      this.lastYield = this.rows;
      await this.sink.room();
      return;
    }
    if (this.rows - this.lastYield < 100_000) return;
    this.lastYield = this.rows;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
