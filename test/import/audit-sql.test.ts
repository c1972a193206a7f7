// Plain audit logs read in DuckDB (src/import/audit-sql/) write the rows the line-by-line reader
// writes, byte for byte: the same log imported both ways, with the same redaction key, gives bundles
// whose rows are the same (EXCEPT ALL both ways), credentials redacted alike; a log DuckDB does not
// take whole is read line by line, its bad lines named.

import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { orderBy } from '../../src/bundle/compaction.ts';
import { Database } from '../../src/bundle/duckdb.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { SqlAuditLogs } from '../../src/import/audit-sql/logs.ts';
import { importInputs } from '../../src/import/run.ts';
import { ImportSink } from '../../src/import/sink.ts';
import { readCounter } from '../../src/import/sources.ts';
import type { InputStats } from '../../src/import/stats.ts';
import { fixedRedactionKey } from '../../src/kube/redact.ts';
import { PLANTED } from '../support/planted.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-audit-sql-');

const base = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  user: {
    username: 'system:serviceaccount:kube-system:deployment-controller',
    groups: ['system:serviceaccounts'],
  },
  sourceIPs: ['10.0.1.17'],
  userAgent: 'kube-controller-manager/v1.34.1 (linux/amd64) kubernetes/abcdef0',
};

function at(second: number, micros = '000000'): string {
  return `2026-03-01T10:00:${String(second).padStart(2, '0')}.${micros}Z`;
}

/** One request as kube-apiserver logs it: RequestReceived, then ResponseComplete. */
function request(
  id: string,
  second: number,
  fields: Record<string, unknown>,
  answer: Record<string, unknown> = {},
) {
  const head = { ...base, auditID: id, stage: 'RequestReceived', ...fields };
  const received = { requestReceivedTimestamp: at(second), stageTimestamp: at(second) };
  return [
    { ...head, ...received },
    {
      ...head,
      stage: 'ResponseComplete',
      responseStatus: { metadata: {}, code: 200 },
      ...received,
      stageTimestamp: at(second, '004512'),
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
      ...answer,
    },
  ];
}

/** The members of an audit event in the order kube-apiserver writes them (its Go struct's). */
const GO_ORDER = [
  'kind',
  'apiVersion',
  'level',
  'auditID',
  'stage',
  'requestURI',
  'verb',
  'user',
  'impersonatedUser',
  'sourceIPs',
  'userAgent',
  'objectRef',
  'responseStatus',
  'requestReceivedTimestamp',
  'stageTimestamp',
  'annotations',
];

/** The line kube-apiserver writes: its members in order, and `\u0026` for & as Go's encoder escapes it. */
function goJson(entry: Record<string, unknown>): string {
  const ordered = Object.fromEntries(GO_ORDER.filter((k) => k in entry).map((k) => [k, entry[k]]));
  return JSON.stringify(ordered).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

function auditLines(): string[] {
  const entries = [
    ...request('r-1', 1, {
      verb: 'update',
      requestURI: '/apis/apps/v1/namespaces/shop/deployments/checkout',
      objectRef: {
        resource: 'deployments',
        namespace: 'shop',
        name: 'checkout',
        uid: 'u-1',
        apiGroup: 'apps',
        apiVersion: 'v1',
        resourceVersion: '812',
      },
    }),
    // A name only in the URI, a subresource, a refusal with its reason and message.
    ...request(
      'r-2',
      2,
      {
        verb: 'patch',
        user: {
          username: 'alice@example.com',
          groups: ['devs', 'system:authenticated'],
          extra: { 'authentication.kubernetes.io/credential-id': ['JTI=1c2d'] },
        },
        impersonatedUser: { username: 'system:serviceaccount:shop:checkout' },
        requestURI:
          '/apis/apps/v1/namespaces/shop/deployments/checkout%2Dv2/scale?fieldManager=kubectl&dryRun=All',
        objectRef: {
          resource: 'deployments',
          subresource: 'scale',
          namespace: 'shop',
          apiGroup: 'apps',
          apiVersion: 'v1',
        },
      },
      {
        responseStatus: {
          metadata: {},
          status: 'Failure',
          message: 'deployments.apps "checkout-v2" is forbidden: User cannot patch',
          reason: 'Forbidden',
          code: 403,
        },
        annotations: {
          'authorization.k8s.io/decision': 'forbid',
          'authorization.k8s.io/reason': 'RBAC: no rule',
        },
      },
    ),
    // Credentials where an audit line carries them: the URI, the user agent, an annotation.
    ...request('r-3', 3, {
      verb: 'watch',
      requestURI: `/api/v1/namespaces/shop/pods?watch=true&access_token=${PLANTED.auditUriToken}`,
      userAgent: `curl/8.5 Authorization: Bearer ${PLANTED.auditUriToken}`,
      objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
    }),
    // A request on a resource kstory does not know, cluster-scoped, and one without objectRef.
    ...request('r-4', 4, {
      verb: 'get',
      requestURI: '/apis/example.com/v1/widgets/w-1',
      objectRef: { resource: 'widgets', name: 'w-1', apiGroup: 'example.com', apiVersion: 'v1' },
    }),
    ...request('r-5', 5, { verb: 'get', requestURI: '/healthz' }),
    // A watch: RequestReceived, ResponseStarted, then ResponseComplete; the same line twice.
    {
      ...base,
      auditID: 'r-6',
      stage: 'RequestReceived',
      verb: 'watch',
      requestURI: '/api/v1/nodes?watch=1',
      objectRef: { resource: 'nodes', apiVersion: 'v1' },
      requestReceivedTimestamp: at(6),
      stageTimestamp: at(6),
    },
    {
      ...base,
      auditID: 'r-6',
      stage: 'ResponseStarted',
      verb: 'watch',
      requestURI: '/api/v1/nodes?watch=1',
      objectRef: { resource: 'nodes', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
      requestReceivedTimestamp: at(6),
      stageTimestamp: at(6, '000100'),
    },
    {
      ...base,
      auditID: 'r-6',
      stage: 'ResponseStarted',
      verb: 'watch',
      requestURI: '/api/v1/nodes?watch=1',
      objectRef: { resource: 'nodes', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
      requestReceivedTimestamp: at(6),
      stageTimestamp: at(6, '000100'),
    },
    {
      ...base,
      auditID: 'r-6',
      stage: 'ResponseComplete',
      verb: 'watch',
      requestURI: '/api/v1/nodes?watch=1',
      objectRef: { resource: 'nodes', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
      requestReceivedTimestamp: at(6),
      stageTimestamp: at(9),
    },
    // A request that never completes, and a completed one logged again after.
    {
      ...base,
      auditID: 'r-7',
      stage: 'RequestReceived',
      verb: 'delete',
      requestURI: '/api/v1/namespaces/shop/pods/checkout-1',
      objectRef: { resource: 'pods', namespace: 'shop', name: 'checkout-1', apiVersion: 'v1' },
      requestReceivedTimestamp: at(10),
      stageTimestamp: at(10),
    },
    ...request('r-1', 1, {
      verb: 'update',
      requestURI: '/apis/apps/v1/namespaces/shop/deployments/checkout',
    }).slice(1),
    // Non-ASCII text, an empty namespace, an entry without an auditID, a Panic.
    ...request('r-8', 11, {
      verb: 'create',
      requestURI: '/api/v1/namespaces/café/configmaps',
      objectRef: { resource: 'configmaps', namespace: 'café', name: 'réglages', apiVersion: 'v1' },
    }),
    {
      ...base,
      stage: 'ResponseComplete',
      verb: 'list',
      requestURI: '/api/v1/pods',
      objectRef: { resource: 'pods', namespace: '', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
      requestReceivedTimestamp: at(12),
      stageTimestamp: at(12),
    },
    {
      ...base,
      auditID: 'r-9',
      stage: 'Panic',
      verb: 'get',
      requestURI: '/api/v1/namespaces/shop/secrets/db',
      objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 500 },
      requestReceivedTimestamp: at(13),
      stageTimestamp: at(13),
    },
  ];
  return entries.map(goJson);
}

interface Imported {
  file: string;
  stats: InputStats;
}

/** The log imported into a bundle with a fixed key: in DuckDB, or line by line (a target without SQL). */
async function importLog(input: string | string[], output: string, lineByLine: boolean): Promise<Imported> {
  const writer = await BundleWriter.create({
    output,
    metadata: { producer: 'import' },
    redactionKey: fixedRedactionKey('audit-sql-test'),
  });
  const sink = new ImportSink(lineByLine ? { append: (row) => writer.append(row) } : writer);
  const [stats] = await importInputs(typeof input === 'string' ? [input] : input, sink, {});
  await writer.finish();
  return { file: output, stats: stats! };
}

async function differing(a: string, b: string): Promise<number[]> {
  const db = await Database.open({ threads: 1 });
  try {
    const count = async (x: string, y: string) =>
      (
        await db.all<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM (SELECT * FROM read_parquet('${x}') EXCEPT ALL SELECT * FROM read_parquet('${y}'))`,
        )
      )[0]!.n;
    return [await count(a, b), await count(b, a)];
  } finally {
    db.close();
  }
}

/** Rows of `file` out of the format's order (the file's row order against the same rows sorted). */
async function outOfOrder(file: string): Promise<number> {
  const db = await Database.open({ threads: 1 });
  try {
    const [row] = await db.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM (
         SELECT file_row_number AS place, row_number() OVER (ORDER BY ${orderBy()}, file_row_number) - 1 AS sorted_at
         FROM read_parquet('${file}', file_row_number = true)) WHERE place <> sorted_at`,
    );
    return row!.n;
  } finally {
    db.close();
  }
}

describe('audit logs read in DuckDB', () => {
  let inSql: Imported;
  let lineByLine: Imported;
  const read = vi.spyOn(SqlAuditLogs.prototype, 'read');
  beforeAll(async () => {
    const dir = tempDir();
    const log = path.join(dir, 'audit.log');
    writeFileSync(log, `${auditLines().join('\n')}\n\n`);
    inSql = await importLog(log, path.join(dir, 'sql.parquet'), false);
    // Read in DuckDB indeed: the comparison is not of the line-by-line reader with itself.
    expect(await read.mock.results[0]?.value).toBe(true);
    lineByLine = await importLog(log, path.join(dir, 'lines.parquet'), true);
  });

  it('writes the rows the line-by-line reader writes, counted alike', async () => {
    expect(await differing(inSql.file, lineByLine.file)).toEqual([0, 0]);
    expect(await outOfOrder(inSql.file)).toBe(0);
    expect(inSql.stats.records).toEqual(lineByLine.stats.records);
    expect(inSql.stats.records.audit).toBe(10);
    expect(inSql.stats.duplicates).toBe(lineByLine.stats.duplicates);
    expect(inSql.stats.duplicates).toBeGreaterThan(0);
    expect(inSql.stats.formats).toEqual({ 'audit-log': 1 });
  });

  it('writes them beside the rows of other inputs (as a segment of the spool) the same', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'audit.log');
    writeFileSync(log, `${auditLines().join('\n')}\n`);
    const pod = path.join(dir, 'pod.json');
    writeFileSync(
      pod,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', resourceVersion: '5' },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        status: { phase: 'Running', startTime: at(1) },
      }),
    );
    const both = await importLog([log, pod], path.join(dir, 'both-sql.parquet'), false);
    const bothByLine = await importLog([log, pod], path.join(dir, 'both-lines.parquet'), true);
    expect(await differing(both.file, bothByLine.file)).toEqual([0, 0]);
    expect(await outOfOrder(both.file)).toBe(0);
    const db = await Database.open({ threads: 1 });
    try {
      const rows = await db.all<{ source: string; n: number }>(
        `SELECT source, count(*)::INTEGER AS n FROM read_parquet('${both.file}') GROUP BY source ORDER BY source`,
      );
      expect(rows).toContainEqual({ source: 'audit', n: 10 });
      expect(rows).toContainEqual({ source: 'object', n: 1 });
    } finally {
      db.close();
    }
  });

  it('reads a log DuckDB took no further in JavaScript, plain or gzip: the file is closed unread', async () => {
    const dir = tempDir();
    // Requests enough for a file of several of the reader's 256 KB chunks.
    const lines = Array.from({ length: 2000 }, (_, i) =>
      request(`r-${i}`, i % 60, {
        verb: 'get',
        requestURI: `/api/v1/namespaces/shop/pods/web-${i}`,
        objectRef: { resource: 'pods', namespace: 'shop', name: `web-${i}`, apiVersion: 'v1' },
      }),
    )
      .flat()
      .map(goJson);
    const log = path.join(dir, 'big.log');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const gz = path.join(dir, 'big-gz.log.gz');
    writeFileSync(gz, gzipSync(`${lines.join('\n')}\n`));
    for (const file of [log, gz]) {
      read.mockClear();
      const before = readCounter.bytes;
      const imported = await importLog(file, `${file}.parquet`, false);
      expect(await read.mock.results[0]?.value).toBe(true);
      expect(imported.stats.records.audit).toBe(2000);
      // Its head only (what detection looks at), not the whole file a second time.
      expect(readCounter.bytes - before).toBeLessThanOrEqual(Math.min(statSync(file).size, 512 << 10));
      if (file === log) expect(statSync(file).size).toBeGreaterThan(4 * (256 << 10));
    }
  });

  it('redacts what the line-by-line reader redacts', async () => {
    const db = await Database.open({ threads: 1 });
    try {
      const [row] = await db.all<{ uri: string; agent: string }>(
        `SELECT audit_uri AS uri, audit_user_agent AS agent FROM read_parquet('${inSql.file}') WHERE audit_id = 'r-3'`,
      );
      expect(row?.uri).toMatch(/access_token=‹redacted:hmac:[0-9a-f]{12}›/);
      expect(row?.agent).not.toContain(PLANTED.auditUriToken);
    } finally {
      db.close();
    }
  });

  it('leaves a log with a damaged line to the line-by-line reader, which names the line', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'audit.log');
    const lines = auditLines();
    lines.splice(3, 0, '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"cut');
    writeFileSync(log, `${lines.join('\n')}\n`);
    read.mockClear();
    const { stats } = await importLog(log, path.join(dir, 'damaged.parquet'), false);
    expect(await read.mock.results[0]?.value).toBe(false);
    expect(stats.records.audit).toBe(10);
    expect(stats.issues).toEqual([{ file: log, line: 4, reason: 'invalid JSON (truncated line)' }]);
  });
});
