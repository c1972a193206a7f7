// The live status line and the closing summary of `kstory record`.

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { RecordResult, RecordStatus } from '../../src/record/run.ts';
import { recordSummaryJson, renderRecordSummary, renderStatusLine } from '../../src/report/record-summary.ts';

const plain = new Chalk({ level: 0 });

function aStatus(overrides: Partial<RecordStatus> = {}): RecordStatus {
  return {
    elapsedMs: 65_000,
    rows: 1200,
    rowsBySource: { object: 1000, event: 200 },
    watches: 41,
    watchesRetrying: 0,
    logStreams: 0,
    relists: 0,
    gaps: 0,
    spoolBytes: 3 * 1024 * 1024,
    ...overrides,
  };
}

describe('renderStatusLine', () => {
  it('shows rows and rates per source, watches, gaps and size', () => {
    const previous = aStatus({ elapsedMs: 64_000, rowsBySource: { object: 900, event: 190 } });
    const line = renderStatusLine(aStatus({ watchesRetrying: 2, gaps: 1 }), previous);
    expect(line).toBe(
      'recording 1m 5s | event 200 (10/s) · object 1000 (100/s) | 41 watches, 2 retrying | 1 gaps | 3.0 MB',
    );
  });
});

describe('renderRecordSummary', () => {
  const result: RecordResult = {
    bundle: {
      path: '/tmp/incident.parquet',
      rows: 1202,
      bytes: 52_000,
      rowsBySource: { object: 1000, event: 200, marker: 2 },
      metadata: {} as RecordResult['bundle']['metadata'],
    },
    resources: ['pods', 'events'],
    discoveryFailures: [
      { groupVersion: 'metrics.k8s.io/v1beta1', error: 'GET /apis/metrics.k8s.io/v1beta1: 503' },
    ],
    relists: 1,
    gaps: [
      {
        start: '2026-03-01T10:00:00Z',
        end: '2026-03-01T10:00:05Z',
        reason: 'watch expired (410 Gone)',
        scope: 'watch:pods',
      },
    ],
    watchErrors: { 'watch:pods': { count: 3, last: 'connection closed mid-stream' } },
  };

  it('says where the bundle is, what it holds, and every gap and failure', () => {
    expect(renderRecordSummary(result, plain)).toBe(
      [
        'recorded 1202 rows (event 200, marker 2, object 1000) from 2 resources into /tmp/incident.parquet (51 KB)',
        '1 relists after expired watches',
        'gap watch:pods 2026-03-01T10:00:00Z → 2026-03-01T10:00:05Z: watch expired (410 Gone)',
        '1 watches had errors (retried): watch:pods ×3',
        'not recorded metrics.k8s.io/v1beta1: GET /apis/metrics.k8s.io/v1beta1: 503',
        '',
      ].join('\n'),
    );
    expect(recordSummaryJson(result)).toMatchObject({
      rows: 1202,
      relists: 1,
      resources: ['pods', 'events'],
    });
  });
});

describe('renderStatusLine at the first tick', () => {
  it('rates over the whole recording so far', () => {
    expect(renderStatusLine(aStatus({ elapsedMs: 2000 }), null)).toContain('object 1000 (500/s)');
  });
});
