// Bundles of different clusters are not read as one unless asked: their windows and names would
// merge into incidents no cluster had. Bundles of one cluster are read together as before.

import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kstory, ROOT } from '../support/cli.ts';
import { rewriteBundle } from '../support/rewrite.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-clusters-');

describe('several bundles in one analyze', () => {
  it('refuses bundles of two clusters with both named, reads them with --merge, and one cluster as before', async () => {
    const prod = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');
    const staging = path.join(tempDir(), 'staging.parquet');
    await rewriteBundle(path.join(ROOT, 'fixtures/missing-secret-key.parquet'), staging, {
      metadata: (m) => ({ ...m, cluster: { ...(m.cluster as object), name: 'staging-us-2' } }),
    });
    const refused = kstory(['analyze', prod, staging]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `kstory: error: these bundles are of 2 different clusters: prod-eu-1 (${prod}); staging-us-2 (${staging})`,
    );
    expect(refused.stderr).toContain('Pass --merge');
    expect(refused.stdout).toBe('');

    const merged = kstory(['analyze', prod, staging, '--merge', '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout).bundle.files).toEqual([prod, staging]);

    const sameCluster = kstory([
      'analyze',
      prod,
      path.join(ROOT, 'fixtures/missing-secret-key.parquet'),
      '--json',
    ]);
    expect(sameCluster.code, sameCluster.stderr).toBe(0);
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
