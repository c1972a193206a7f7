// The recent scrapes of a simulated Prometheus, which its alerting rules read: the newest samples
// and those of the last minutes (PromQL's range selectors), by metric name.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** How far back a rule looks (`changes(x[10m])`, `increase(x[5m])`): the longest range any uses. */
const HISTORY_MS = 10 * 60_000;

/** The samples of the last scrapes, by metric name, for the range functions of the rules. */
export class ScrapeHistory {
  private readonly scrapes: { ts: number; byName: Map<string, Sample[]> }[] = [];

  add(ts: number, samples: readonly Sample[]): void {
    const byName = new Map<string, Sample[]>();
    for (const s of samples) {
      const list = byName.get(s.name);
      if (list) list.push(s);
      else byName.set(s.name, [s]);
    }
    this.scrapes.push({ ts, byName });
    while (this.scrapes.length > 0 && this.scrapes[0]!.ts < ts - HISTORY_MS) this.scrapes.shift();
  }

  /** The samples of `name` in the newest scrape. */
  now(name: string): Sample[] {
    return this.scrapes.at(-1)?.byName.get(name) ?? [];
  }

  /** The samples of `name` in each scrape of the last `rangeMs`, oldest first (PromQL's `name[range]`). */
  range(name: string, rangeMs: number): Sample[][] {
    const newest = this.scrapes.at(-1)?.ts ?? 0;
    return this.scrapes.filter((s) => s.ts > newest - rangeMs).map((s) => s.byName.get(name) ?? []);
  }
}

/** The identity of a series: its labels but those named, in a stable order. */
export function seriesKey(labels: Record<string, string>, without: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !without.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}
