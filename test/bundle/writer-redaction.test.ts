// The writer redacts every row it is given, whatever the producer did, and keeps its spool and its
// bundle to their owner: a producer that forgets to redact cannot leak.

import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RawJson } from '../../src/bundle/spool.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { openBundle } from '../../src/views/open.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const TOKEN_RE = /‹redacted:hmac:[0-9a-f]{12}›/;

describe('BundleWriter redaction', () => {
  it('replaces credentials in typed columns and bodies, the same value by the same token', async () => {
    const output = path.join(tempDir(), 'b.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
    expect(statSync(writer.spoolDir).mode & 0o777).toBe(0o700);
    const secret = 'hunter2-planted';
    writer.append(aLogRow({ log_line: `login ok password=${secret}` }));
    const configMap = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'app', namespace: 'shop', uid: 'cm-1', resourceVersion: '5' },
      data: { db_password: secret },
    };
    // A body as a producer that parsed it hands it over: text plus the value.
    writer.append({
      ...aPodRow(),
      kind: 'ConfigMap',
      name: 'app',
      uid: 'cm-1',
      containers: null,
      body: new RawJson(JSON.stringify(configMap), configMap),
    });
    writer.append(
      aPodRow({
        status_message: `connect postgres://app:${secret}@db/x`,
        labels: { app: 'checkout' },
      }),
    );
    await writer.finish();
    expect(statSync(output).mode & 0o777).toBe(0o600);

    const bundle = await openBundle([output]);
    try {
      const rows = await bundle.query<{
        log_line: string | null;
        body: string | null;
        status_message: string | null;
      }>('SELECT log_line, CAST(body AS VARCHAR) AS body, status_message FROM bundle');
      const text = JSON.stringify(rows);
      expect(text).not.toContain(secret);
      const tokens = new Set(text.match(new RegExp(TOKEN_RE, 'g')));
      expect(tokens.size).toBe(1);
      expect(bundle.metadata.redaction).toContain('hmac-sha256-tokens');
    } finally {
      bundle.close();
    }
  });

  it('gives a second bundle other tokens: the key is per bundle and not stored', async () => {
    const tokens: string[] = [];
    for (const name of ['a.parquet', 'b.parquet']) {
      const output = path.join(tempDir(), name);
      const writer = await BundleWriter.create({ output, metadata: { producer: 'test' } });
      writer.append(aLogRow({ log_line: 'token=planted-token-1234' }));
      await writer.finish();
      const bundle = await openBundle([output]);
      const [row] = await bundle.query<{ log_line: string }>('SELECT log_line FROM logs');
      bundle.close();
      tokens.push(row?.log_line ?? '');
      expect(JSON.stringify(bundle.metadata)).not.toMatch(/"key"/i);
    }
    expect(tokens[0]).toMatch(TOKEN_RE);
    expect(tokens[0]).not.toBe(tokens[1]);
  });
});
