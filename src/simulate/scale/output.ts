// Where a scaled bundle's rows go: counted, with a pause for the event loop every 100,000 rows so
// that the bundle writer compacts its spool while rows are still being made.

import type { BundleRow } from '../../bundle/row.ts';

export class ScaleOutput {
  rows = 0;
  private lastYield = 0;

  constructor(private readonly onRow: (row: BundleRow) => void) {}

  emit(row: BundleRow): void {
    this.onRow(row);
    this.rows++;
  }

  async breathe(): Promise<void> {
    if (this.rows - this.lastYield < 100_000) return;
    this.lastYield = this.rows;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
