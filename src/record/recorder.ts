// Where everything a recording receives goes: watched objects and Events become rows through the
// recording's filters, pods hand their containers to the log collector, and every row, gap, relist
// and watch failure is written and counted for the live status and the summary.

import type { Gap } from '../bundle/metadata.ts';
import type { BundleRow, WatchEvent } from '../bundle/row.ts';
import type { RawJson } from '../bundle/spool.ts';
import type { BundleWriter } from '../bundle/writer.ts';
import { KstoryError, messageOf } from '../errors.ts';
import { markerRow } from '../kube/sample-rows.ts';
import { tsKey } from '../kube/time.ts';
import { eventRow, type KubeObject, objectRow } from '../kube/to-row.ts';
import type { RecordFilters } from '../vocab/log-filter.ts';
import { monotonicClock } from './clock.ts';
import type { ApiResource } from './discovery.ts';
import { acceptsEvent, acceptsPod } from './filters.ts';
import type { LogCollector } from './logs.ts';
import type { RelistReport, ResourceWatcher, WatchSink } from './watcher.ts';

export interface RecorderOptions {
  filters?: RecordFilters;
  /** With --once --since: Events that last occurred before this are outside the window. */
  eventsSince: Date | null;
  log: (line: string) => void;
  /** Told every row written (`record --until` watches its resource with it). */
  onRow?: (row: BundleRow) => void;
}

export class Recorder implements WatchSink {
  readonly watchErrors: Record<string, { count: number; last: string }> = {};
  relists = 0;
  gapCount = 0;
  readonly rowsBySource: Record<string, number> = {};
  /** Followed containers of the pods recorded, when logs are recorded. */
  logs: LogCollector | null = null;
  private conversionErrors = 0;
  private readonly clock = monotonicClock();
  private readonly eventsSinceKey: string | null;

  constructor(
    private readonly writer: BundleWriter,
    private readonly o: RecorderOptions,
  ) {
    this.eventsSinceKey = o.eventsSince === null ? null : tsKey(o.eventsSince.toISOString());
  }

  append(row: BundleRow): void {
    this.writer.append(row);
    this.o.onRow?.(row);
    this.rowsBySource[row.source] = (this.rowsBySource[row.source] ?? 0) + 1;
  }

  addGap(gap: Gap): void {
    this.gapCount++;
    this.writer.addGap(gap);
  }

  // ---- WatchSink -------------------------------------------------------------------------------

  object(
    resource: ApiResource,
    object: KubeObject,
    watchEvent: WatchEvent,
    origin: string,
    raw?: RawJson,
  ): void {
    const isPod = resource.kind === 'Pod' && resource.group === '';
    // Left out at the source: neither written nor its logs followed.
    if (isPod && !acceptsPod(this.o.filters, object.metadata?.name)) return;
    const ts = this.clock();
    let row: BundleRow;
    try {
      if (resource.kind === 'Event' && (resource.group === '' || resource.group === 'events.k8s.io')) {
        // An event deleted by its TTL is housekeeping, not something that happened.
        if (watchEvent === 'DELETED') return;
        if (!acceptsEvent(this.o.filters, object)) return;
        // Events keep their own time (when it happened), not when the recorder saw them.
        row = eventRowOrNow(object, origin, ts, raw);
        if (this.eventsSinceKey !== null && tsKey(row.event_last ?? row.ts) < this.eventsSinceKey) return;
      } else {
        row = objectRow(object, { ts, origin, watchEvent, raw });
      }
    } catch (error) {
      // One odd object must not stop a recording; say so the first few times.
      if (++this.conversionErrors <= 10)
        this.o.log(`warning: ${origin}: skipped an object: ${messageOf(error)}`);
      return;
    }
    this.append(row);
    if (this.logs && isPod) {
      // A deleted pod's logs went with it: asking for them again would only fail.
      if (watchEvent === 'DELETED') this.logs.podDeleted(object);
      else this.logs.observePod(object);
    }
  }

  relisted(watcher: ResourceWatcher, report: RelistReport): void {
    this.relists++;
    this.o.log(
      `${watcher.scope}: ${report.reason} (${report.added} added, ${report.modified} modified, ${report.deleted} deleted)`,
    );
    this.writer.append(
      markerRow({
        ts: report.end,
        marker: 'relist',
        origin: watcher.scope,
        detail: `${report.added} added, ${report.modified} modified, ${report.deleted} deleted`,
      }),
    );
    this.addGap({ start: report.start, end: report.end, reason: report.reason, scope: watcher.scope });
  }

  failed(watcher: ResourceWatcher, message: string): void {
    const entry = this.watchErrors[watcher.scope];
    // Logged when it changes, counted always: a watch retrying for an hour prints one line, not 120.
    if (entry?.last !== message) this.o.log(`warning: ${watcher.scope}: ${message} (retrying)`);
    this.watchErrors[watcher.scope] = { count: (entry?.count ?? 0) + 1, last: message };
  }
}

/** An Event that carries no time of its own at all is dated when it was seen. */
function eventRowOrNow(object: KubeObject, origin: string, now: string, raw?: RawJson): BundleRow {
  try {
    return eventRow(object, { origin, raw });
  } catch (error) {
    if (error instanceof KstoryError) return eventRow(object, { origin, ts: now, raw });
    throw error;
  }
}
