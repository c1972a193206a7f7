// Simulated records to bundle rows, through the same conversion functions the recorder uses
// (src/kube/to-row.ts), so a simulated bundle is shaped exactly like a recorded one.

import type { BundleRow } from '../../bundle/row.ts';
import { logRow, markerRow, metricRow } from '../../kube/sample-rows.ts';
import { auditRow, eventRow, objectRow } from '../../kube/to-row.ts';
import type { SimRecord } from '../engine/records.ts';

export const ORIGIN = 'simulate';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toBundleRow(record: SimRecord): BundleRow {
  switch (record.type) {
    case 'object':
      return objectRow(record.object, { ts: iso(record.ts), origin: ORIGIN, watchEvent: record.watchEvent });
    case 'event':
      return eventRow(record.event, { origin: ORIGIN });
    case 'audit':
      return auditRow(record.entry, { origin: ORIGIN });
    case 'log':
      return logRow({
        ts: iso(record.ts),
        namespace: record.namespace,
        pod: record.pod,
        container: record.container,
        line: record.line,
        stream: record.stream,
        previous: record.previous,
        node: record.node ?? undefined,
        podUid: record.podUid,
        origin: ORIGIN,
      });
    case 'metric':
      return metricRow({
        ts: iso(record.ts),
        name: record.name,
        labels: record.labels,
        value: record.value,
        origin: ORIGIN,
      });
    case 'marker':
      return markerRow({ ts: iso(record.ts), marker: record.marker, detail: record.detail, origin: ORIGIN });
  }
}
