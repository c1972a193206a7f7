// The failure messages software writes to its logs, each in the shape its runtime or library prints
// it (Go's net and crypto/x509 packages, the JVM, CPython, Node.js, PostgreSQL, MySQL, Redis, nginx,
// Spring Boot): app-errors-in-logs names the cause each says and quotes the line naming the
// dependency; a crash its ended instance logged counts alone, a handled error or two does not.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import type { Finding } from '../../src/analyze/report.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { BundleRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const WINDOW = { start: '2026-03-01T10:00:00Z', end: '2026-03-01T11:00:00Z', snapshot: false };

/** Each pod's lines, written by its current instance three times unless `previous` (once, by the
 * instance that ended). */
const CASES: Record<
  string,
  { lines: string[]; previous?: boolean; variant: string | null; quotes?: string }
> = {
  'go-refused': {
    lines: [
      '{"level":"error","msg":"query failed","error":"dial tcp 10.96.12.7:5432: connect: connection refused"}',
    ],
    variant: 'connection-refused',
    quotes: '10.96.12.7:5432',
  },
  'node-refused': {
    lines: ['Error: connect ECONNREFUSED 10.96.40.2:6379'],
    variant: 'connection-refused',
    quotes: '10.96.40.2:6379',
  },
  'go-dns': {
    lines: ['dial tcp: lookup orders-db.shop.svc.cluster.local on 10.96.0.10:53: no such host'],
    variant: 'dns-failure',
    quotes: 'orders-db.shop.svc.cluster.local',
  },
  'java-dns': {
    lines: ['java.net.UnknownHostException: ledger.payments.svc: Name or service not known'],
    variant: 'dns-failure',
    quotes: 'ledger.payments.svc',
  },
  'go-timeout': {
    lines: ['Get "http://inventory.shop:8080/stock": dial tcp 10.96.4.2:8080: i/o timeout'],
    variant: 'timeout',
    quotes: 'inventory.shop:8080',
  },
  'grpc-deadline': {
    lines: ['rpc error: code = DeadlineExceeded desc = context deadline exceeded'],
    variant: 'timeout',
  },
  'go-x509-expired': {
    lines: [
      'Post "https://payments.example.com/v1/charges": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-03-01T10:00:00Z is after 2026-02-28T23:59:59Z',
    ],
    variant: 'certificate',
    quotes: 'payments.example.com',
  },
  'go-x509-authority': {
    lines: ['Get "https://vault.security:8200/v1/sys/health": x509: certificate signed by unknown authority'],
    variant: 'certificate',
    quotes: 'vault.security:8200',
  },
  'java-pkix': {
    lines: [
      'javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target',
    ],
    variant: 'certificate',
  },
  'postgres-server': {
    lines: ['2026-03-01 10:05:00.123 UTC [88] FATAL:  password authentication failed for user "orders"'],
    variant: 'credentials',
    quotes: 'user "orders"',
  },
  'pgx-client': {
    lines: [
      'failed to connect to `host=orders-db user=orders database=orders`: failed SASL auth (FATAL: password authentication failed for user "orders" (SQLSTATE 28P01))',
    ],
    previous: true,
    variant: 'credentials',
    quotes: 'host=orders-db',
  },
  'mysql-client': {
    lines: ["ERROR 1045 (28000): Access denied for user 'app'@'10.244.1.7' (using password: YES)"],
    variant: 'credentials',
  },
  'redis-client': {
    lines: ['WRONGPASS invalid username-password pair or user is disabled.'],
    variant: 'credentials',
  },
  'go-port': {
    lines: ['listen tcp :8080: bind: address already in use'],
    previous: true,
    variant: 'port-in-use',
  },
  'node-port': {
    lines: ['Error: listen EADDRINUSE: address already in use :::3000'],
    variant: 'port-in-use',
  },
  'python-permission': {
    lines: ["PermissionError: [Errno 13] Permission denied: '/data/state.db'"],
    variant: 'permission-denied',
    quotes: '/data/state.db',
  },
  'go-yaml': {
    lines: ['error: yaml: line 12: mapping values are not allowed in this context'],
    variant: 'config',
  },
  'go-flag': {
    lines: ['flag provided but not defined: -listen-adress'],
    variant: 'config',
  },
  nginx: {
    lines: ['nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/conf.d/default.conf:14'],
    variant: 'config',
  },
  'java-oom': {
    lines: ['Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'],
    previous: true,
    variant: 'out-of-memory',
  },
  'node-oom': {
    lines: ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
    previous: true,
    variant: 'out-of-memory',
  },
  'go-panic': {
    lines: ['panic: runtime error: index out of range [3] with length 3', '', 'goroutine 1 [running]:'],
    previous: true,
    variant: 'crash',
    quotes: 'index out of range',
  },
  'python-crash': {
    lines: [
      'Traceback (most recent call last):',
      '  File "/app/main.py", line 9, in <module>',
      "KeyError: 'region'",
    ],
    previous: true,
    variant: 'crash',
  },
  'node-rejection': {
    lines: [
      '[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "boom".] {',
      "  code: 'ERR_UNHANDLED_REJECTION'",
      '}',
      'Node.js v20.11.1',
    ],
    previous: true,
    variant: 'crash',
  },
  // A Spring application that failed to start: the first line names the bean that gave up, the
  // last Caused by what failed.
  'java-caused-by': {
    lines: [
      'Exception in thread "main" org.springframework.beans.factory.BeanCreationException: Error creating bean with name \'ledgerClient\': Invocation of init method failed',
      '\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1804)',
      'Caused by: java.lang.IllegalStateException: ledger client could not be configured',
      '\tat com.example.ledger.LedgerClient.init(LedgerClient.java:41)',
      'Caused by: java.lang.NumberFormatException: For input string: "80a"',
      '\tat java.base/java.lang.Integer.parseInt(Integer.java:668)',
      '\t... 12 more',
    ],
    previous: true,
    variant: 'java-root-cause',
    quotes: 'NumberFormatException: For input string: "80a"',
  },
  // A traceback the running instance logged once and went on: an error it handled.
  'python-handled': {
    lines: ['Traceback (most recent call last):'],
    variant: null,
  },
  healthy: {
    lines: ['{"level":"info","msg":"request completed","path":"/api/orders","status":200}'],
    variant: null,
  },
};

function rows(): BundleRow[] {
  return Object.entries(CASES).flatMap(([pod, c]) => {
    const times =
      pod === 'python-handled' || c.previous ? ['10:05:00'] : ['10:05:00', '10:06:00', '10:07:00'];
    return times.flatMap((at, i) =>
      c.lines.map((line, j) =>
        aLogRow({
          ts: `2026-03-01T${at}.${String(i * 10 + j).padStart(3, '0')}Z`,
          name: pod,
          log_previous: c.previous === true,
          log_line: line,
        }),
      ),
    );
  });
}

let bundle: Bundle;
let found: Map<string, Finding>;
beforeAll(async () => {
  bundle = await openRows(tempDir(), 'logs.parquet', rows());
  const pattern = loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, 'app-errors-in-logs.yaml'));
  found = new Map((await detectPattern(bundle, pattern, WINDOW)).map((f) => [f.subject.name, f]));
});
afterAll(() => bundle.close());

describe('failure messages in container logs', () => {
  for (const [pod, c] of Object.entries(CASES))
    it(`${pod}: ${c.variant ?? 'no finding'}`, () => {
      const finding = found.get(pod);
      if (c.variant === null) {
        expect(finding).toBeUndefined();
        return;
      }
      expect(finding?.variant).toBe(c.variant);
      if (c.quotes) expect(finding?.summary).toContain(c.quotes);
    });

  it('two refused connections of a running instance are not yet a finding', async () => {
    const two = await openRows(tempDir(), 'two.parquet', [
      aLogRow({
        ts: '2026-03-01T10:05:00Z',
        log_previous: false,
        log_line: 'dial tcp 10.0.0.5:5432: connect: connection refused',
      }),
      aLogRow({
        ts: '2026-03-01T10:06:00Z',
        log_previous: false,
        log_line: 'dial tcp 10.0.0.5:5432: connect: connection refused',
      }),
    ]);
    try {
      const pattern = loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, 'app-errors-in-logs.yaml'));
      expect(await detectPattern(two, pattern, WINDOW)).toEqual([]);
    } finally {
      two.close();
    }
  });
});

describe('a crash loop seen through logs alone', () => {
  const pod = 'checkout-7d9f8c6b4-x2xkq';
  const panic = (ts: string, previous: boolean) =>
    aLogRow({
      ts: `2026-03-01T10:${ts}Z`,
      name: pod,
      log_previous: previous,
      log_line: 'panic: invalid configuration: LISTEN_ADDR ":80a" is not a valid address',
    });
  const started = aLogRow({
    ts: '2026-03-01T10:02:00Z',
    name: pod,
    log_previous: false,
    log_line: 'server listening on :8080',
  });

  async function patternsFound(rows: BundleRow[]) {
    const logs = await openRows(tempDir(), 'loop.parquet', rows);
    try {
      return await analyzeBundle(logs);
    } finally {
      logs.close();
    }
  }

  it('is a crash loop when instances end on a crash again and again, the previous one among them', async () => {
    const report = await patternsFound([panic('01:00', true), panic('01:30', false)]);
    const loop = report.findings.find((f) => f.pattern === 'crash-loop-backoff');
    expect(loop?.variant).toBe('logs-only');
    expect(loop?.summary).toContain('LISTEN_ADDR');
    expect(report.findings[report.incidents[0]!.root]!.pattern).toBe('crash-loop-backoff');
  });

  it('quotes the root of a Java stack trace, its last Caused by, as the line the instances ended on', async () => {
    const trace = (ts: string, previous: boolean) =>
      [
        'Exception in thread "main" java.lang.IllegalStateException: cannot start the order service',
        '\tat com.example.orders.Main.main(Main.java:22)',
        'Caused by: java.net.UnknownHostException: orders-db.shop.svc: Name or service not known',
        '\tat java.base/java.net.InetAddress.getAllByName0(InetAddress.java:1530)',
      ].map((log_line, i) =>
        aLogRow({ ts: `2026-03-01T10:${ts}.${i}00Z`, name: pod, log_previous: previous, log_line }),
      );
    const report = await patternsFound([...trace('01:00', true), ...trace('01:30', false)]);
    const loop = report.findings.find((f) => f.pattern === 'crash-loop-backoff');
    expect(loop?.variant).toBe('logs-only');
    expect(loop?.summary).toContain('Caused by: java.net.UnknownHostException: orders-db.shop.svc');
  });

  it('is no loop of one crash the container was started again after', async () => {
    const report = await patternsFound([panic('01:00', true), started]);
    expect(report.findings.map((f) => f.pattern)).toEqual(['app-errors-in-logs']);
  });
});
