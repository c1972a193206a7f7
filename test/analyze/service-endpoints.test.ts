// A Service with no ready endpoint, told apart from one whose Endpoints and pods disagree: pods that
// were ready with no endpoint listed point at the Service's ports or at captures of different
// times, not at pods failing their readiness; and a name that does not resolve named in the logs.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const WINDOW = { start: '2026-03-01T10:00:00Z', end: '2026-03-01T11:00:00Z', snapshot: false };

const object = (ts: string, kind: string, name: string, extra: Partial<BundleRow>): BundleRow => ({
  source: 'object',
  ts,
  api_version: 'v1',
  kind,
  namespace: 'shop',
  name,
  uid: `uid-${kind}-${name}`,
  watch_event: 'MODIFIED',
  created_at: '2026-03-01T10:00:00Z',
  body: {},
  ...extra,
});

/** A Service `name` selecting one pod whose readiness is `ready`, with an Endpoints listing none. */
function service(name: string, ready: 'True' | 'False'): BundleRow[] {
  return [
    object('2026-03-01T10:00:00Z', 'Service', name, { selector: { app: name } }),
    object('2026-03-01T10:00:00Z', 'Pod', `${name}-1`, {
      labels: { app: name },
      node: 'node-a',
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready }],
    }),
    object('2026-03-01T10:01:00Z', 'Endpoints', name, {
      attrs: { ready_addresses: '0', not_ready_addresses: ready === 'True' ? '0' : '1' },
    }),
  ];
}

let bundle: Bundle;
beforeAll(async () => {
  bundle = await openRows(tempDir(), 'services.parquet', [
    ...service('cart', 'False'),
    ...service('metrics', 'True'),
    ...['10:20:01', '10:20:02', '10:20:03'].map((at) =>
      aLogRow({
        ts: `2026-03-01T${at}Z`,
        log_previous: false,
        log_line: `Failed to resolve 'ordres-db' ([Errno -2] Name or service not known)`,
      }),
    ),
    aLogRow({
      ts: '2026-03-01T10:20:04Z',
      log_previous: false,
      log_line: 'Traceback (most recent call last):',
    }),
  ]);
});
afterAll(() => bundle.close());

describe('service-no-ready-endpoints', () => {
  const pattern = loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, 'service-no-ready-endpoints.yaml'));

  it('says pods not ready, at high, when they are; Endpoints and pods disagreeing, at medium, when the pods were ready', async () => {
    const findings = await detectPattern(bundle, pattern, WINDOW);
    expect(findings.map((f) => [f.subject.name, f.variant, f.severity])).toEqual([
      ['cart', null, 'high'],
      ['metrics', 'pods-ready', 'medium'],
    ]);
    const [cart, metrics] = findings;
    expect(metrics!.confidence).toBeLessThan(cart!.confidence);
    expect(metrics!.summary).toContain('though pods it selects were ready');
  });
});

describe('app-errors-in-logs', () => {
  it('names a name that does not resolve before the stack traces it causes, quoting the line', async () => {
    const pattern = loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, 'app-errors-in-logs.yaml'));
    const [finding] = await detectPattern(bundle, pattern, WINDOW);
    expect(finding?.variant).toBe('dns-failure');
    expect(finding?.summary).toContain("Failed to resolve 'ordres-db'");
  });
});
