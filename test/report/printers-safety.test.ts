// Every printer of cluster text goes through the same neutraliser as analyze: the live status line
// and its messages (record, import, analyze), record's and import's summaries, bundle scan and
// patterns test. A screen clear, a window title and a bidi override are shown, never sent.

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/bundle/scan.ts';
import { newStats } from '../../src/import/stats.ts';
import type { RecordResult } from '../../src/record/run.ts';
import { renderImportSummary } from '../../src/report/import-summary.ts';
import { forMarkdown, forTerminal } from '../../src/report/neutralize.ts';
import { renderRecordSummary, renderStatusLine } from '../../src/report/record-summary.ts';
import { renderScanText } from '../../src/report/scan-text.ts';
import { TerminalLine } from '../../src/report/terminal-line.ts';

const plain = new Chalk({ level: 0 });
/** Clears the screen, retitles the window, rings, returns to the line start, reverses the text. */
const HOSTILE = 'x\u001b[2J\u001b]0;pwned\u0007\r\u202eevil';
const SHOWN = 'x\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\u202eevil';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('cluster text printed outside analyze', () => {
  it('the redrawn line and the messages above it show control characters', () => {
    const written: string[] = [];
    const stream = { isTTY: true, columns: 200, write: (text: string) => written.push(text) > 0 };
    const line = new TerminalLine(true, { stream, minIntervalMs: 0 });
    line.draw(`importing pods/${HOSTILE}.yaml`);
    line.writeAbove(`warning: watch:pods: ${HOSTILE} (retrying)\nnext line\n`);
    const CLEAR = '\r\x1b[2K';
    const text = written.map((w) => w.replaceAll(CLEAR, '')).join('');
    expect(text).not.toMatch(RAW);
    expect(text).toContain(`importing pods/${SHOWN}.yaml`);
    // Messages keep their lines; only the redrawn line is kept on one.
    expect(text).toContain(`warning: watch:pods: ${SHOWN} (retrying)\nnext line\n`);
    expect(
      renderStatusLine(
        {
          elapsedMs: 1000,
          rows: 1,
          rowsBySource: { object: 1 },
          watches: 1,
          watchesRetrying: 0,
          logStreams: 0,
          relists: 0,
          gaps: 0,
          spoolBytes: 0,
        },
        null,
      ),
    ).not.toMatch(RAW);
  });

  it("record's summary: gap reasons, watch scopes and discovery errors", () => {
    const result: RecordResult = {
      bundle: {
        path: '/tmp/incident.parquet',
        rows: 1,
        bytes: 10,
        rowsBySource: { object: 1 },
        metadata: {} as RecordResult['bundle']['metadata'],
      },
      resources: ['pods'],
      discoveryFailures: [{ groupVersion: `evil.example/${HOSTILE}`, error: `503 ${HOSTILE}` }],
      relists: 0,
      gaps: [{ start: '2026-03-01T10:00:00Z', end: null, reason: `closed: ${HOSTILE}`, scope: 'watch:pods' }],
      watchErrors: { [`watch:${HOSTILE}`]: { count: 2, last: HOSTILE } },
    };
    const text = renderRecordSummary(result, plain);
    expect(text).not.toMatch(RAW);
    expect(text).toContain(`gap watch:pods 2026-03-01T10:00:00Z → end: closed: ${SHOWN}`);
    expect(text).toContain(`watch:${SHOWN} ×2`);
    expect(text).toContain(`not recorded evil.example/${SHOWN}: 503 ${SHOWN}`);
  });

  it("import's summary: member names and the reasons of damaged lines", () => {
    const stats = newStats('dump.tar.gz');
    stats.records = { object: 1 };
    stats.skippedFiles = { 'not a format kstory reads': [`dump.tar.gz!${HOSTILE}.bin`] };
    stats.issues = [{ file: `dump.tar.gz!pods/${HOSTILE}.yaml`, line: 3, reason: `bad value ${HOSTILE}` }];
    stats.issueCount = 1;
    const text = renderImportSummary(
      {
        inputs: [{ ...stats, format: `kube-yaml ${HOSTILE}`, clusterNames: [`gke ${HOSTILE}`] }],
        bundle: null,
        snapshot: true,
        refused: [],
      },
      plain,
    );
    expect(text).not.toMatch(RAW);
    expect(text).toContain(`(${SHOWN}.bin)`);
    expect(text).toContain(`pods/${SHOWN}.yaml:3: bad value ${SHOWN}`);
  });

  it('bundle scan: the subject of a finding and the file', () => {
    const result: ScanResult = {
      files: [`/tmp/${HOSTILE}.parquet`],
      rows: 10,
      rowsWithFindings: 1,
      total: 1,
      findings: [
        {
          file: `/tmp/${HOSTILE}.parquet`,
          row: 4,
          column: 'body',
          rule: 'password-in-url',
          source: 'object',
          kind: 'ConfigMap',
          namespace: 'shop',
          name: HOSTILE,
          ts: '2026-03-01T10:00:00Z',
        },
      ],
    };
    const text = renderScanText(result, plain);
    expect(text).not.toMatch(RAW);
    expect(text).toContain(`ConfigMap shop/${SHOWN}`);
    expect(text).toContain(`of /tmp/${SHOWN}.parquet`);
  });

  it('keys are neutralised as values are, and escaping twice changes nothing', () => {
    const value = { [HOSTILE]: [HOSTILE, 1, null] };
    const once = forTerminal(value);
    expect(once).toEqual({ [SHOWN]: [SHOWN, 1, null] });
    expect(forTerminal(once)).toEqual(once);
    expect(JSON.stringify(forMarkdown({ [`<b>${HOSTILE}`]: 'x' }))).not.toMatch(/<b>/);
  });
});
