// Bundles of different clusters are analysed each on its own unless asked to be read as one: their
// windows and names would merge into incidents no cluster had. Bundles of one cluster are read
// together, each observation once.

import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinClusterReports, joinsClusters } from '../../src/report/cluster-reports.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { rewriteBundle } from '../support/rewrite.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-clusters-');

describe('several bundles in one analyze', () => {
  it('analyses bundles of two clusters each on its own window and says so; --merge reads them as one', async () => {
    const prod = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');
    const staging = path.join(tempDir(), 'staging.parquet');
    // Recorded a month later: read with prod, its window and prod's would become one of a month.
    await rewriteBundle(path.join(ROOT, 'fixtures/missing-secret-key.parquet'), staging, {
      columns: (c) => (c.type === 'TIMESTAMPTZ' ? `"${c.name}" + INTERVAL 30 DAY` : null),
      metadata: (m) => ({
        ...m,
        cluster: { ...(m.cluster as object), name: 'staging-us-2' },
        window: { start: '2026-04-01T09:00:00.000Z', end: '2026-04-01T09:30:00.000Z' },
      }),
    });
    const apart = kstory(['analyze', prod, staging, '--json']);
    expect(apart.code, apart.stderr).toBe(0);
    const { clusters } = JSON.parse(apart.stdout) as {
      clusters: {
        cluster: string;
        files: string[];
        report: { window: { start: string; end: string }; incidents: unknown[] };
      }[];
    };
    expect(clusters.map((c) => [c.cluster, c.files])).toEqual([
      ['prod-eu-1', [prod]],
      ['staging-us-2', [staging]],
    ]);
    // Each on its own window, of half an hour (and some minutes before), not one of a month.
    expect(clusters.map((c) => c.report.window.start.slice(0, 10))).toEqual(['2026-03-02', '2026-04-01']);
    expect(clusters.map((c) => c.report.window.end.slice(0, 10))).toEqual(['2026-03-02', '2026-04-01']);
    for (const c of clusters) expect(c.report.incidents.length, c.cluster).toBeGreaterThan(0);

    // One pattern is enough to show the files read as one.
    const merged = kstory(['analyze', prod, staging, '--merge', '--json', '--only', 'config-changed']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout).bundle.files).toEqual([prod, staging]);

    // A bundle that names no cluster cannot be placed beside two; an HTML page is of one cluster.
    const unnamed = path.join(tempDir(), 'unnamed.parquet');
    await rewriteBundle(prod, unnamed, {
      metadata: (m) => ({ ...m, cluster: { ...(m.cluster as object), name: null } }),
    });
    const refused = kstory(['analyze', prod, staging, unnamed]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`and ${unnamed} names none: which cluster it belongs to cannot be told`);
    expect(refused.stdout).toBe('');
    const page = kstory(['analyze', prod, staging, '--format', 'html', '-o', path.join(tempDir(), 'r.html')]);
    expect(page.code).toBe(2);
    expect(page.stderr).toContain('a html report is of one');
  });

  it('joins the reports of several clusters under their names, inert', () => {
    const parts = [
      { cluster: 'prod\u001b[2J', files: ['/b/prod.parquet'], rendered: 'report one\n' },
      { cluster: 'staging', files: ['/b/s1.parquet', '/b/s2.parquet'], rendered: 'report two\n' },
    ];
    const text = joinClusterReports('text', parts);
    expect(text).toContain('These bundles are of 2 clusters; each is analysed on its own');
    expect(text).toContain('══ cluster prod\\x1b[2J (1 file: /b/prod.parquet)\n\nreport one');
    expect(text).toContain('══ cluster staging (2 files: /b/s1.parquet, /b/s2.parquet)\n\nreport two');
    expect(joinClusterReports('markdown', parts)).toContain('# Cluster prod\\x1b\\[2J');
    expect(joinsClusters('html')).toBe(false);
  });

  it('two bundles of one cluster holding the same requests, object versions, Events, log lines and samples count each once', () => {
    const original = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');
    const copy = path.join(tempDir(), 'same-recording.parquet');
    copyFileSync(original, copy);
    const rows = (files: string[]) =>
      Object.fromEntries(
        (
          JSON.parse(kstory(['bundle', 'info', ...files, '--json']).stdout).by_source as {
            source: string;
            rows: number;
          }[]
        ).map((s) => [s.source, s.rows]),
      );
    const one = rows([original]);
    const both = rows([original, copy]);
    for (const source of ['audit', 'object', 'event', 'log', 'metric']) {
      expect(one[source], source).toBeGreaterThan(0);
      expect(both[source], source).toBe(one[source]);
    }
    // Rows without an identity of their own (markers of each file's window) are read from both.
    expect(both.marker).toBe(2 * (one.marker ?? 0));
  });
});
