// The audit sources of `kstory record`: an audit log followed across appends, rotation and
// truncation; the rotated backlog of a snapshot; the HTTPS webhook receiver with its kubeconfig,
// token and limits; and a recording through the real CLI whose audit row names who made a change.

import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  readFileSync,
  renameSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Chalk } from 'chalk';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Gap } from '../../src/bundle/metadata.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { KstoryError } from '../../src/errors.ts';
import { Redactor } from '../../src/kube/redact.ts';
import { type AuditSourceOptions, AuditSources } from '../../src/record/audit.ts';
import { parseListenAddress } from '../../src/record/audit-webhook.ts';
import type { RecordResult, RecordStatus } from '../../src/record/run.ts';
import { renderRecordSummary, renderStatusLine } from '../../src/report/record-summary.ts';
import { openBundle } from '../../src/views/open.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';
import { spoolText, until, untilWhileRunning, writeKubeconfig } from './helpers.ts';

const tempDir = useTempDir('kstory-record-audit-');
const cleanups: (() => unknown)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One audit entry as kube-apiserver writes it. */
function anEntry(
  id: string,
  stage: 'RequestReceived' | 'ResponseComplete',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const ts = (overrides.stageTimestamp as string | undefined) ?? new Date().toISOString();
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage,
    requestURI: '/api/v1/namespaces/shop/configmaps/checkout-config',
    verb: 'patch',
    user: { username: 'alice' },
    userAgent: 'kubectl/v1.34.0',
    objectRef: { resource: 'configmaps', namespace: 'shop', name: 'checkout-config', apiVersion: 'v1' },
    ...(stage === 'ResponseComplete' ? { responseStatus: { metadata: {}, code: 200 } } : {}),
    requestReceivedTimestamp: ts,
    stageTimestamp: ts,
    ...overrides,
  };
}

const line = (entry: Record<string, unknown>) => `${JSON.stringify(entry)}\n`;

interface Running {
  sources: AuditSources;
  rows: BundleRow[];
  logs: string[];
  gaps: Gap[];
  stop: () => Promise<void>;
}

/** Audit sources running as a recording runs them, their rows collected. */
async function runSources(
  options: Partial<AuditSourceOptions>,
  windowStart: string | null,
): Promise<Running> {
  const logs: string[] = [];
  const rows: BundleRow[] = [];
  const gaps: Gap[] = [];
  const sources = await AuditSources.open({ pollMs: 50, log: (l) => logs.push(l), ...options });
  sources.attach(
    (row) => rows.push(row),
    windowStart,
    (gap) => gaps.push(gap),
  );
  const controller = new AbortController();
  const done = sources.run(controller.signal);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    controller.abort();
    await done;
  };
  cleanups.push(stop);
  return { sources, rows, logs, gaps, stop };
}

/**
 * Holds the follower between two looks at the file: a look reads in libuv's threads, beside the
 * test's own synchronous writes, so "all at once" is only all at once while the follower is held.
 */
class Gate {
  private held: { parked: () => void; opened: Promise<void>; release: () => void } | null = null;

  readonly beforeStep = async (): Promise<void> => {
    const held = this.held;
    if (!held) return;
    held.parked();
    await held.opened;
  };

  /** Resolves once the follower waits at the gate; it reads nothing until open(). */
  async close(): Promise<void> {
    let parked!: () => void;
    let release!: () => void;
    const isParked = new Promise<void>((resolve) => {
      parked = resolve;
    });
    const opened = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held = { parked, opened, release };
    await isParked;
  }

  open(): void {
    const held = this.held;
    this.held = null;
    held?.release();
  }
}

const ids = (rows: BundleRow[]) => rows.map((r) => r.audit_id);

describe('following an audit log file', () => {
  it('reads what is there, then appended lines; a partial line waits for its newline', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const old = anEntry('old', 'ResponseComplete', { stageTimestamp: '2020-01-01T00:00:00Z' });
    writeFileSync(file, line(old) + line(anEntry('a-1', 'ResponseComplete')));
    const gate = new Gate();
    const run = await runSources(
      { logFile: file, beforeStep: gate.beforeStep },
      new Date(Date.now() - 60_000).toISOString(),
    );
    await until(() => run.rows.length === 1, 'the first entry');
    // Stages of one request become one row, written when it completes.
    appendFileSync(file, line(anEntry('a-2', 'RequestReceived')));
    const complete = line(anEntry('a-2', 'ResponseComplete', { responseStatus: { code: 201 } }));
    appendFileSync(file, complete.slice(0, 40));
    // Two looks at the file later (the second begun after the append), the partial line still waits.
    for (let look = 0; look < 2; look++) {
      await gate.close();
      gate.open();
    }
    expect(ids(run.rows)).toEqual(['a-1']);
    appendFileSync(file, complete.slice(40));
    await until(() => run.rows.length === 2, 'the completed line');
    await run.stop();
    expect(run.rows[1]).toMatchObject({
      audit_id: 'a-2',
      audit_stage: 'ResponseComplete',
      audit_code: 201,
      audit_user: 'alice',
      kind: 'ConfigMap',
      namespace: 'shop',
      name: 'checkout-config',
      origin: `audit-log:${file}`,
    });
    // Before the window: read, counted, not written.
    expect(run.sources.summary()).toMatchObject({ rows: 2, before_window: 1 });
    expect(run.logs).toEqual([]);
  });

  it('finishes the old file after a rename rotation, then follows the new one', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, line(anEntry('r-1', 'ResponseComplete')));
    const gate = new Gate();
    const run = await runSources({ logFile: file, beforeStep: gate.beforeStep }, null);
    await until(() => run.rows.length === 1, 'the first entry');
    // What lumberjack does, all at once: a last line, rename, a new file.
    await gate.close();
    appendFileSync(file, line(anEntry('r-2', 'ResponseComplete')));
    renameSync(file, path.join(dir, 'audit-2026-03-02T09-10-00.000.log'));
    writeFileSync(file, line(anEntry('r-3', 'ResponseComplete')));
    gate.open();
    await until(() => run.rows.length === 3, 'the entries of both files');
    appendFileSync(file, line(anEntry('r-4', 'ResponseComplete')));
    await until(() => run.rows.length === 4, 'an entry appended to the new file');
    // Deleted and not yet created again: it waits, then picks the new file up.
    renameSync(file, path.join(dir, 'audit-2026-03-02T09-20-00.000.log'));
    await until(() => run.sources.status().waiting, 'noticing the file is gone');
    writeFileSync(file, line(anEntry('r-5', 'ResponseComplete')));
    await until(() => run.rows.length === 5, 'the file created again');
    await run.stop();
    expect(ids(run.rows)).toEqual(['r-1', 'r-2', 'r-3', 'r-4', 'r-5']);
    expect(run.sources.summary().log).toMatchObject({ rotations: 2, invalid_lines: 0 });
  });

  it('reads a file truncated by copytruncate again from its start', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, line(anEntry('t-1', 'ResponseComplete')) + line(anEntry('t-2', 'ResponseComplete')));
    const gate = new Gate();
    const run = await runSources({ logFile: file, beforeStep: gate.beforeStep }, null);
    await until(() => run.rows.length === 2, 'the first entries');
    await gate.close();
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    appendFileSync(file, line(anEntry('t-3', 'ResponseComplete')));
    gate.open();
    await until(() => run.rows.length === 3, 'the entry after the truncation');
    await run.stop();
    expect(ids(run.rows)).toEqual(['t-1', 't-2', 't-3']);
    expect(run.sources.summary().log).toMatchObject({ truncations: 1 });
    expect(run.logs).toEqual([`audit log ${file} was truncated: reading it again from the start`]);
    expect(run.gaps).toEqual([]);
  });

  it('after a copytruncate, reads what was written before it from the copy, gzipped or not', async () => {
    for (const compressed of [false, true]) {
      const dir = tempDir();
      const file = path.join(dir, 'audit.log');
      writeFileSync(file, line(anEntry('c-1', 'ResponseComplete')));
      const gate = new Gate();
      const run = await runSources({ logFile: file, beforeStep: gate.beforeStep }, null);
      await until(() => run.rows.length === 1, 'the first entry');
      // In one go, before the follower looks again: c-2 and the start of c-3 are written, the file is
      // copied and truncated, and c-3 is finished in the copy only.
      await gate.close();
      const c3 = line(anEntry('c-3', 'ResponseComplete'));
      appendFileSync(file, line(anEntry('c-2', 'ResponseComplete')) + c3.slice(0, 40));
      const copied = `${readFileSync(file, 'utf8')}${c3.slice(40)}`;
      if (compressed) writeFileSync(`${file}.1.gz`, gzipSync(copied));
      else writeFileSync(`${file}.1`, copied);
      truncateSync(file, 0);
      appendFileSync(file, line(anEntry('c-4', 'ResponseComplete')));
      gate.open();
      await until(() => run.rows.length === 4, 'the entries of the copy and the one after');
      await run.stop();
      expect(ids(run.rows)).toEqual(['c-1', 'c-2', 'c-3', 'c-4']);
      expect(run.sources.summary().log).toMatchObject({ truncations: 1, recovered_lines: 2 });
      expect(run.logs).toContain(
        `audit log: read 2 entries written before the truncation from ${file}.1${compressed ? '.gz' : ''}`,
      );
      expect(run.gaps).toEqual([]);
    }
  });

  it('notes a gap when a copytruncate leaves no copy holding what was not read yet', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, line(anEntry('g-1', 'ResponseComplete')));
    const gate = new Gate();
    const run = await runSources({ logFile: file, beforeStep: gate.beforeStep }, null);
    await until(() => run.rows.length === 1, 'the first entry');
    await gate.close();
    const before = new Date().toISOString();
    // The copy went elsewhere: g-2 is lost.
    appendFileSync(file, line(anEntry('g-2', 'ResponseComplete')));
    truncateSync(file, 0);
    appendFileSync(file, line(anEntry('g-3', 'ResponseComplete')));
    gate.open();
    await until(() => run.rows.length === 2, 'the entry after the truncation');
    await run.stop();
    expect(ids(run.rows)).toEqual(['g-1', 'g-3']);
    expect(run.gaps).toHaveLength(1);
    expect(run.gaps[0]).toMatchObject({
      scope: 'audit-log',
      reason: expect.stringContaining('was truncated (copytruncate) and no copy beside it holds'),
    });
    expect(run.gaps[0]!.start <= before).toBe(true);
    expect(run.gaps[0]!.end! >= before).toBe(true);
  });

  it('skips invalid lines, warning once with file and line, and goes on', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, `${line(anEntry('b-1', 'ResponseComplete'))}{"kind":"Event","apiV\n`);
    const run = await runSources({ logFile: file }, null);
    await until(() => run.rows.length === 1, 'the valid entry');
    appendFileSync(file, `not json at all\n${line(anEntry('b-2', 'ResponseComplete'))}`);
    await until(() => run.rows.length === 2, 'the entry after the bad lines');
    await run.stop();
    expect(run.sources.summary().log).toMatchObject({ invalid_lines: 2 });
    expect(run.logs).toEqual([
      `warning: audit log ${file}:2: invalid JSON (truncated line) (skipped; further ones are counted in the summary)`,
    ]);
  });

  it('with --once, reads the rotated files (gzip too) of the window, then the current one', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    // Rotated three hours ago: outside a two-hour window, not even opened.
    const ancient = path.join(dir, 'audit-2026-03-01T06-00-00.000.log.gz');
    writeFileSync(ancient, 'not gzip at all');
    utimesSync(ancient, new Date(Date.now() - 3 * 3600_000), new Date(Date.now() - 3 * 3600_000));
    const gz = path.join(dir, 'audit-2026-03-01T08-00-00.000.log.gz');
    writeFileSync(
      gz,
      gzipSync(
        line(anEntry('g-0', 'ResponseComplete', { stageTimestamp: at(150) })) +
          line(anEntry('g-1', 'ResponseComplete', { stageTimestamp: at(90) })) +
          line(anEntry('g-2', 'RequestReceived', { stageTimestamp: at(61) })),
      ),
    );
    utimesSync(gz, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    const plain = path.join(dir, 'audit-2026-03-01T09-00-00.000.log');
    // The request that began in the gzip file completes here.
    writeFileSync(plain, line(anEntry('g-2', 'ResponseComplete', { stageTimestamp: at(59) })));
    utimesSync(plain, new Date(Date.now() - 1800_000), new Date(Date.now() - 1800_000));
    writeFileSync(file, line(anEntry('g-3', 'ResponseComplete', { stageTimestamp: at(1) })));
    appendFileSync(file, JSON.stringify(anEntry('g-4', 'ResponseComplete'))); // no final newline
    const rows: BundleRow[] = [];
    const logs: string[] = [];
    const sources = await AuditSources.open({ logFile: file, once: true, log: (l) => logs.push(l) });
    sources.attach(
      (row) => rows.push(row),
      at(120),
      () => {},
    );
    await sources.readOnce();
    expect(rows.map((r) => [r.audit_id, r.audit_stage])).toEqual([
      ['g-1', 'ResponseComplete'],
      ['g-2', 'ResponseComplete'],
      ['g-3', 'ResponseComplete'],
      ['g-4', 'ResponseComplete'],
    ]);
    expect(rows[0]?.origin).toBe(`audit-log:${gz}`);
    expect(sources.summary()).toMatchObject({ before_window: 1, log: { files_read: 3, invalid_lines: 0 } });
    expect(logs).toEqual([]);
  });

  it('refuses a missing directory, and with --once a missing file, before recording anything', async () => {
    const dir = tempDir();
    await expect(
      AuditSources.open({ logFile: path.join(dir, 'nope/audit.log'), log: () => {} }),
    ).rejects.toThrow(/the directory .* does not exist/);
    await expect(
      AuditSources.open({ logFile: path.join(dir, 'audit.log'), once: true, log: () => {} }),
    ).rejects.toBeInstanceOf(KstoryError);
  });

  it('redacts the data of Secrets in RequestResponse entries', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const secret = {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 'db', namespace: 'shop' },
      data: { password: 'aHVudGVyMg==' },
    };
    writeFileSync(
      file,
      line(
        anEntry('s-1', 'ResponseComplete', {
          level: 'RequestResponse',
          verb: 'create',
          objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
          requestObject: secret,
          responseObject: secret,
        }),
      ) +
        line(
          anEntry('s-2', 'ResponseComplete', {
            level: 'RequestResponse',
            objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
            requestObject: { data: { password: 'c3dvcmRmaXNo' } },
          }),
        ),
    );
    const rows: BundleRow[] = [];
    const sources = await AuditSources.open({ logFile: file, once: true, log: () => {} });
    sources.attach(
      (row) => rows.push(row),
      null,
      () => {},
    );
    await sources.readOnce();
    // As the bundle writer redacts every row it is given.
    const redactor = new Redactor();
    const bodies = rows.map((r) => JSON.stringify(redactor.row(r).body));
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body).not.toContain('aHVudGVyMg==');
      expect(body).not.toContain('c3dvcmRmaXNo');
      expect(body).toMatch(/‹redacted:hmac:[0-9a-f]{12}›/);
    }
  });
});

interface Posted {
  status: number;
  body: string;
}

/** POST with node's HTTPS client, trusting only the CA of the printed kubeconfig. */
function post(
  url: string,
  ca: string | undefined,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Posted> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers, timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end(body);
  });
}

/** The server URL, CA and token from the kubeconfig the webhook printed. */
function fromKubeconfig(text: string): { url: string; ca: string; token: string } {
  const config = parseYaml(text) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = config.clusters[0]!.cluster;
  return {
    url: cluster.server,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    token: config.users[0]!.user.token,
  };
}

const eventList = (items: Record<string, unknown>[]) =>
  JSON.stringify({
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    metadata: {},
    // The API server's EventList items carry no kind or apiVersion of their own.
    items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
  });

describe('the audit webhook receiver', () => {
  it('reads listen addresses: a bare port is 127.0.0.1', () => {
    expect(parseListenAddress('8443')).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(parseListenAddress(':8443')).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(parseListenAddress('0.0.0.0:8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(parseListenAddress('[::1]:9443')).toEqual({ host: '::1', port: 9443 });
    expect(parseListenAddress('kstory.example:8443')).toEqual({ host: 'kstory.example', port: 8443 });
    expect(() => parseListenAddress('8443:')).toThrow(/expected \[HOST:\]PORT/);
    expect(() => parseListenAddress(':99999')).toThrow(/expected \[HOST:\]PORT/);
  });

  it('takes EventList batches over HTTPS with the kubeconfig it prints, and refuses what is not one', async () => {
    const dir = tempDir();
    const configFile = path.join(dir, 'webhook.kubeconfig');
    const run = await runSources(
      { webhook: { listen: '127.0.0.1:0', configFile, maxBodyBytes: 64 * 1024 } },
      new Date().toISOString(),
    );
    // Printed: where it listens and the API server flags, then the kubeconfig itself.
    expect(run.logs[0]).toMatch(
      /^audit webhook: listening on https:\/\/127\.0\.0\.1:\d+\/ \(self-signed certificate\)\. Give kube-apiserver --audit-webhook-config-file=.*webhook\.kubeconfig --audit-webhook-mode=batch/,
    );
    const printed = run.logs[1]!;
    expect(readFileSync(configFile, 'utf8').trimEnd()).toBe(printed);
    const { url, ca, token } = fromKubeconfig(printed);
    expect(new X509Certificate(ca).checkIP('127.0.0.1')).toBe('127.0.0.1');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // One batch: two stages of one request and another request.
    const batch = eventList([
      anEntry('w-1', 'RequestReceived'),
      anEntry('w-1', 'ResponseComplete'),
      anEntry('w-2', 'ResponseComplete', { verb: 'delete', user: { username: 'bob' } }),
    ]);
    expect(await post(url, ca, batch, auth)).toEqual({ status: 200, body: '{}' });
    expect(run.rows.map((r) => [r.audit_id, r.audit_user, r.origin])).toEqual([
      ['w-1', 'alice', 'audit-webhook'],
      ['w-2', 'bob', 'audit-webhook'],
    ]);
    // The body is the entry's own (at Metadata level what its columns do not hold), not the list's.
    expect(run.rows[0]?.body).toHaveProperty('requestReceivedTimestamp');
    expect(run.rows[0]?.body).not.toHaveProperty('items');

    expect((await post(url, ca, batch, {})).status).toBe(401);
    expect((await post(url, ca, batch, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(url, ca, '{"kind":"EventList",', auth)).status).toBe(400);
    expect((await post(url, ca, '{"kind":"PodList","apiVersion":"v1","items":[]}', auth)).status).toBe(400);
    const big = eventList(
      Array.from({ length: 200 }, (_, i) => anEntry(`big-${i}`, 'ResponseComplete', { level: 'Request' })),
    );
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect((await post(url, ca, big, auth)).status).toBe(413);
    // Without a Content-Length the body is counted as it comes.
    expect((await post(url, ca, big, { ...auth, 'transfer-encoding': 'chunked' })).status).toBe(413);
    // A batch the API server resends is written once.
    expect((await post(url, ca, batch, auth)).status).toBe(200);
    await run.stop();
    expect(run.rows).toHaveLength(2);
    expect(run.sources.summary()).toMatchObject({
      duplicates: 3,
      webhook: { requests: 8, events: 6, rejected: 6 },
    });
    // One warning per kind of refusal, not one per request.
    expect(run.logs.slice(2)).toEqual([
      'audit webhook: refused a request (401): no or wrong bearer token',
      expect.stringMatching(/^audit webhook: refused a request \(400\): invalid JSON/),
      expect.stringMatching(/^audit webhook: refused a request \(413\): body of \d+ bytes/),
    ]);
  });

  it('answers curl --cacert with the printed CA, and keeps its certificate and token for the next recording', async () => {
    const dir = tempDir();
    const configFile = path.join(dir, 'webhook.kubeconfig');
    const first = await runSources({ webhook: { listen: '127.0.0.1:0', configFile } }, null);
    const firstConfig = fromKubeconfig(first.logs[1]!);
    await first.stop();

    const second = await runSources({ webhook: { listen: '127.0.0.1:0', configFile } }, null);
    expect(second.logs[0]).toContain(`(the certificate of ${configFile})`);
    const { url, ca, token } = fromKubeconfig(second.logs[1]!);
    expect({ ca, token }).toEqual({ ca: firstConfig.ca, token: firstConfig.token });
    // A client that does not trust the certificate: the receiver says so, once.
    await expect(post(url, undefined, '{}')).rejects.toThrow(/certificate/);
    await until(() => second.logs.some((l) => l.includes('TLS handshake failed')), 'the TLS warning');

    if (!(await hasCurl())) return;
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, ca);
    const body = path.join(dir, 'batch.json');
    writeFileSync(body, eventList([anEntry('c-1', 'ResponseComplete')]));
    const out = await execFileText('curl', [
      '-sS',
      '--max-time',
      '10',
      '--cacert',
      caFile,
      '-H',
      `Authorization: Bearer ${token}`,
      '-H',
      'Content-Type: application/json',
      '--data-binary',
      `@${body}`,
      '-w',
      ' %{http_code}',
      url,
    ]);
    expect(out).toBe('{} 200');
    await second.stop();
    expect(ids(second.rows)).toEqual(['c-1']);
  });

  it('refuses a port in use with a hint', async () => {
    const run = await runSources({ webhook: { listen: '127.0.0.1:0' } }, null);
    const port = new URL(fromKubeconfig(run.logs[1]!).url).port;
    const error = await AuditSources.open({ webhook: { listen: `127.0.0.1:${port}` }, log: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KstoryError);
    expect((error as KstoryError).message).toContain('cannot listen on 127.0.0.1:');
    await run.stop();
  });
});

function execFileText(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { timeout: 15_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}: ${stderr}`)) : resolve(stdout),
    ),
  );
}

async function hasCurl(): Promise<boolean> {
  return execFileText('curl', ['--version']).then(
    () => true,
    () => false,
  );
}

describe('the audit figures of kstory record', () => {
  it('shows trouble in the live status line and what each source received in the summary', () => {
    const status = {
      elapsedMs: 2000,
      rows: 5,
      rowsBySource: { audit: 5 },
      watches: 1,
      watchesRetrying: 0,
      logStreams: 0,
      relists: 0,
      gaps: 0,
      spoolBytes: 1024,
    } as RecordStatus;
    expect(
      renderStatusLine({ ...status, audit: { rows: 5, invalid: 0, rejected: 0, waiting: false } }, null),
    ).toContain('| audit ok |');
    expect(
      renderStatusLine({ ...status, audit: { rows: 5, invalid: 2, rejected: 1, waiting: true } }, null),
    ).toContain('| audit: log file missing, 2 invalid, 1 refused |');
    const summary = renderRecordSummary(
      {
        bundle: { path: 'x.parquet', rows: 9, bytes: 2048, rowsBySource: { audit: 9 }, metadata: {} },
        resources: ['pods'],
        discoveryFailures: [],
        relists: 0,
        gaps: [],
        watchErrors: {},
        audit: {
          rows: 9,
          duplicates: 2,
          before_window: 4,
          log: {
            file: 'audit.log',
            lines: 20,
            invalid_lines: 1,
            files_read: 2,
            rotations: 1,
            truncations: 0,
            recovered_lines: 0,
          },
          webhook: {
            url: 'https://127.0.0.1:8443/',
            certificate: 'generated',
            requests: 3,
            events: 5,
            rejected: 1,
          },
        },
      } as unknown as RecordResult,
      new Chalk({ level: 0 }),
    );
    expect(summary).toContain(
      [
        'audit log audit.log: 20 lines from 2 files; 1 invalid line skipped, 1 rotation, 4 entries before the window left out',
        'audit webhook https://127.0.0.1:8443/: 5 entries in 2 requests; 1 request refused',
        '9 audit rows, one per request (2 repeated entries dropped)',
      ].join('\n'),
    );
  });
});

describe('kstory record with --audit-log and --audit-webhook, on the command line', () => {
  it('records the audit rows until SIGINT, Secrets redacted, and analyze names who changed the ConfigMap', async () => {
    const api = await FakeApiServer.start({ bookmarkIntervalMs: 200 });
    cleanups.push(() => api.close());
    api.apply({ kind: 'Namespace', metadata: { name: 'shop' } });
    api.apply({
      kind: 'ConfigMap',
      metadata: { name: 'checkout-config', namespace: 'shop' },
      data: { DATABASE_URL: 'postgres://orders-db:5432/orders' },
    });
    const dir = tempDir();
    const output = path.join(dir, 'audit.parquet');
    const auditLog = path.join(dir, 'audit.log');
    writeFileSync(auditLog, '');
    const webhookConfig = path.join(dir, 'webhook.kubeconfig');
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/kstory.js'),
        'record',
        '-o',
        output,
        '--kubeconfig',
        writeKubeconfig(dir, api),
        '--include',
        'configmaps,namespaces',
        '--logs',
        'none',
        '--audit-log',
        auditLog,
        '--audit-webhook',
        '127.0.0.1:0',
        '--audit-webhook-config',
        webhookConfig,
      ],
      // No timeout of its own: the test's bounds it, and the cleanup ends the child.
      { cwd: ROOT },
    );
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const running = (condition: () => boolean, what: string) =>
      untilWhileRunning(child, condition, what, () => stderr);
    await running(() => spoolText(output).includes('checkout-config'), 'the listed ConfigMap in the spool');

    // alice edits the ConfigMap: the watch sees the new version, the audit log says who did it.
    api.apply({
      kind: 'ConfigMap',
      metadata: { name: 'checkout-config', namespace: 'shop' },
      data: { DATABASE_URL: 'postgres//orders-db:5432/orders' },
    });
    appendFileSync(
      auditLog,
      line(anEntry('e2e-1', 'RequestReceived')) +
        line(anEntry('e2e-1', 'ResponseComplete')) +
        // A controller's write is not the author of a change.
        line(anEntry('e2e-2', 'ResponseComplete', { user: { username: 'system:kube-controller-manager' } })),
    );
    // bob creates a Secret, reported by the webhook at level RequestResponse: its data stays out.
    const { url, ca, token } = fromKubeconfig(readFileSync(webhookConfig, 'utf8'));
    const secret = {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 'db', namespace: 'shop' },
      data: { password: 'aHVudGVyMg==' },
    };
    const batch = eventList([
      anEntry('e2e-3', 'ResponseComplete', {
        level: 'RequestResponse',
        verb: 'create',
        user: { username: 'bob' },
        objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
        requestObject: secret,
        responseObject: secret,
      }),
    ]);
    expect((await post(url, ca, batch, { authorization: `Bearer ${token}` })).status).toBe(200);
    await running(() => spoolText(output).includes('e2e-2'), 'the audit log rows in the spool');
    await running(() => spoolText(output).includes('e2e-3'), 'the webhook row in the spool');
    expect(spoolText(output)).not.toContain('aHVudGVyMg==');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGINT: finishing the bundle');
    expect(stderr).toMatch(/audit log .*audit\.log: 3 lines from 1 file\n/);
    expect(stderr).toMatch(
      /audit webhook https:\/\/127\.0\.0\.1:\d+\/: 1 entry in 1 request\n3 audit rows, one per request\n/,
    );
    expect(existsSync(`${output}.spool`)).toBe(false);

    const bundle = await openBundle([output]);
    try {
      expect(bundle.metadata.sources).toContain('audit');
      expect(
        await bundle.query<{ audit_id: string; audit_user: string }>(
          'SELECT audit_id, audit_user FROM audit ORDER BY audit_id',
        ),
      ).toEqual([
        { audit_id: 'e2e-1', audit_user: 'alice' },
        { audit_id: 'e2e-2', audit_user: 'system:kube-controller-manager' },
        { audit_id: 'e2e-3', audit_user: 'bob' },
      ]);
      const [created] = await bundle.query<{ body: string }>(
        "SELECT body FROM audit WHERE audit_id = 'e2e-3'",
      );
      expect(created?.body).toMatch(/‹redacted:hmac:[0-9a-f]{12}›/);
      expect(created?.body).not.toContain('aHVudGVyMg==');
      expect(
        await bundle.query<{ change: string; actor: string; actor_verb: string }>(
          "SELECT change, actor, actor_verb FROM changes WHERE kind = 'ConfigMap'",
        ),
      ).toEqual([{ change: 'data', actor: 'alice', actor_verb: 'patch' }]);
    } finally {
      bundle.close();
    }
    const analysis = kstory(['analyze', output, '--all']);
    expect(analysis.stderr).toBe('');
    expect(analysis.stdout).toContain('alice patched ConfigMap shop/checkout-config');
  });
});
