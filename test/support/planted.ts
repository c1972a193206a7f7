// Planted credentials for the end-to-end redaction tests: one value per kind of credential and
// place a cluster puts them (objects, ConfigMaps, annotations, args, env, Events, audit URIs and
// bodies, log lines, metric labels), the values analysis needs that only look a bit like secrets,
// and the checks that a bundle and every report of it hold none of the former and all of the latter.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { RENDERERS } from '../../src/report/renderers.ts';
import { plainChalk } from '../../src/report/style.ts';
import { DEFAULT_WIDTH } from '../../src/report/width.ts';
import { kstory } from './cli.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');
const jwt = (subject: string) =>
  `${b64url('{"alg":"RS256","kid":"k1"}')}.${b64url(JSON.stringify({ iss: 'kubernetes/serviceaccount', sub: subject }))}.${b64url(`signature-of-${subject}`)}`;

/** Every value here must be gone from every bundle and report. */
export const PLANTED = {
  cmPassword: 'cm-db-pw-7731',
  cmAwsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTED01',
  cmClientSecret: 'cm-client-secret-5521',
  cmApiKey: 'cm-apikey-9034',
  cmToken: 'cm-token-2231',
  cmUrlPassword: 'cm-url-pw-8812',
  cmFilePassword: 'cm-file-pw-4410',
  cmYamlPassword: 'cm-yaml-pw-4411',
  annAwsKeyId: 'AKIAPLANTED7Y2QW3E4R',
  annJwt: jwt('annotation'),
  annApiToken: 'ann-api-token-3390',
  argPassword: 'arg-pw-6620',
  argToken: 'arg-tok-6621',
  cmdApiKey: 'cmd-key-6622',
  envPassword: 'env-pw-3301',
  envUrlPassword: 'env-url-pw-3302',
  envGithubToken: 'ghp_Planted0123456789abcdefghijKLMNOP012',
  secretData: b64('secret-data-value-1'),
  statusUrlPassword: 'status-url-pw-1207',
  eventToken: 'evt-tok-5510',
  eventUrlPassword: 'evt-url-pw-5511',
  auditUriToken: 'audit-uri-tok-4401',
  auditBodyPassword: 'audit-body-pw-4402',
  auditSecretData: b64('audit-secret-4403'),
  auditTokenReview: jwt('tokenreview'),
  logBearer: jwt('log-bearer'),
  logPassword: 'log-pw-2201',
  logAwsKeyId: 'AKIALOGPLANTED2W3E4R',
  logUrlPassword: 'log-url-pw-2202',
  logBasic: b64('user:log-basic-2203'),
  logAwsSecret: 'Zx8PlantedAwsSecretKeyInALogLine0123abcd',
  metricUrlPassword: 'metric-url-pw-1101',
  metricBearer: 'metricBearerPlanted0123456789',
} as const;

/** Values that look a bit like secrets and that analysis needs: every one must survive. */
export const KEPT = {
  digest:
    'registry.example.com/shop/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  shaTag: 'registry.example.com/shop/app:git-4c1d0e6b7f0f4c7e9a3a8d2b1e5f6a7b8c9d0e1f',
  uid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  resourceVersion: '918273645',
  base64NonSecret: b64('feature_flags: new-checkout'),
  secretName: 'db-creds',
  checksum: 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
} as const;

/** When the planted objects were made: fixed for files, a moment ago for a live recording. */
export const PLANTED_AT = Date.parse('2026-03-01T10:00:00Z');

/** `base` plus `seconds`, as an RFC 3339 timestamp. */
export function at(base: number, seconds: number, fraction = ''): string {
  return new Date(base + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `${fraction}Z`);
}

export function plantedObjects(base = PLANTED_AT): Record<string, unknown>[] {
  const p = PLANTED;
  const T0 = at(base, 0);
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', uid: 'ns-uid-1', creationTimestamp: T0 },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config', namespace: 'shop', uid: 'cm-uid-1', creationTimestamp: T0 },
      data: {
        db_password: p.cmPassword,
        aws_secret_access_key: p.cmAwsSecret,
        client_secret: p.cmClientSecret,
        apiKey: p.cmApiKey,
        token: p.cmToken,
        DATABASE_URL: `postgres://app:${p.cmUrlPassword}@orders-db:5432/orders`,
        'app.properties': `db.url=jdbc:postgresql://orders-db:5432/orders\ndb.password=${p.cmFilePassword}\n`,
        'config.yaml': `database:\n  host: orders-db\n  password: ${p.cmYamlPassword}\n  pool: 5\n`,
        flags: KEPT.base64NonSecret,
        secretName: KEPT.secretName,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: KEPT.secretName, namespace: 'shop', uid: 'secret-uid-1', creationTimestamp: T0 },
      type: 'Opaque',
      data: { password: p.secretData },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'checkout-7d9f8b6c5d-x2x4z',
        namespace: 'shop',
        uid: KEPT.uid,
        resourceVersion: KEPT.resourceVersion,
        creationTimestamp: T0,
        labels: { app: 'checkout', 'pod-template-hash': '7d9f8b6c5d' },
        annotations: {
          'example.com/aws-key': p.annAwsKeyId,
          'example.com/owner-token-copy': p.annJwt,
          'example.com/api-token': p.annApiToken,
          'checksum/config': KEPT.checksum,
        },
      },
      spec: {
        nodeName: 'node-a',
        containers: [
          {
            name: 'app',
            image: KEPT.shaTag,
            args: [`--password=${p.argPassword}`, '--token', p.argToken, '--port', '8080'],
            command: ['sh', '-c', `exec /app --api-key ${p.cmdApiKey} --verbose`],
            env: [
              { name: 'DB_PASSWORD', value: p.envPassword },
              { name: 'DATABASE_URL', value: `postgres://app:${p.envUrlPassword}@orders-db/orders` },
              { name: 'NOTES', value: `release bot uses ${p.envGithubToken}` },
              {
                name: 'DB_PASSWORD_FROM',
                valueFrom: { secretKeyRef: { name: KEPT.secretName, key: 'password' } },
              },
            ],
          },
        ],
        volumes: [{ name: 'creds', secret: { secretName: KEPT.secretName } }],
      },
      status: {
        phase: 'Running',
        message: `probe of mysql://root:${p.statusUrlPassword}@orders-db failed`,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: T0 }],
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: 0,
            image: KEPT.shaTag,
            imageID: KEPT.digest,
            state: { running: { startedAt: T0 } },
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'checkout.1', namespace: 'shop', uid: 'event-uid-1', creationTimestamp: T0 },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'checkout-7d9f8b6c5d-x2x4z', uid: KEPT.uid },
      reason: 'Unhealthy',
      type: 'Warning',
      message: `Readiness probe failed: GET /ready?token=${p.eventToken} via https://probe:${p.eventUrlPassword}@checkout:8443 returned 503`,
      firstTimestamp: at(base, 5),
      lastTimestamp: at(base, 5),
      count: 1,
      source: { component: 'kubelet', host: 'node-a' },
    },
  ];
}

export function plantedAuditEntries(base = PLANTED_AT): Record<string, unknown>[] {
  const p = PLANTED;
  const common = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    stage: 'ResponseComplete',
    user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.7'],
    userAgent: 'kubectl/v1.34.1',
    responseStatus: { code: 200 },
  };
  const when = (s: number) => ({
    requestReceivedTimestamp: at(base, s, '.000000'),
    stageTimestamp: at(base, s, '.100000'),
  });
  return [
    {
      ...common,
      ...when(10),
      auditID: 'planted-1',
      level: 'Metadata',
      verb: 'watch',
      requestURI: `/api/v1/namespaces/shop/pods?watch=true&access_token=${p.auditUriToken}`,
      objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
    },
    {
      ...common,
      ...when(11),
      auditID: 'planted-2',
      level: 'RequestResponse',
      verb: 'update',
      requestURI: '/api/v1/namespaces/shop/configmaps/app-config',
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'app-config', apiVersion: 'v1' },
      requestObject: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { name: 'app-config', namespace: 'shop' },
        data: { db_password: p.auditBodyPassword },
      },
    },
    {
      ...common,
      ...when(12),
      auditID: 'planted-3',
      level: 'RequestResponse',
      verb: 'patch',
      requestURI: '/api/v1/namespaces/shop/secrets/db-creds',
      objectRef: { resource: 'secrets', namespace: 'shop', name: 'db-creds', apiVersion: 'v1' },
      requestObject: { data: { password: p.auditSecretData } },
    },
    {
      ...common,
      ...when(13),
      auditID: 'planted-4',
      level: 'Request',
      verb: 'create',
      requestURI: '/apis/authentication.k8s.io/v1/tokenreviews',
      objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' },
      requestObject: {
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        spec: { token: p.auditTokenReview },
      },
    },
  ];
}

export function plantedLogLines(): string[] {
  const p = PLANTED;
  return [
    `GET /api/orders Authorization: Bearer ${p.logBearer} -> 200`,
    `level=info msg="login" user=bob password=${p.logPassword} ip=10.0.0.9`,
    `using AWS key ${p.logAwsKeyId} for s3://orders-archive`,
    `connecting to mysql://root:${p.logUrlPassword}@orders-db:3306/orders`,
    `proxy header Authorization: Basic ${p.logBasic}`,
    `boot config aws_secret_access_key=${p.logAwsSecret}`,
    `pulled ${KEPT.digest}`,
  ];
}

/** Labels of a metric series, as a Prometheus server or an exposition text has them. */
export function plantedMetricLabels(): Record<string, string> {
  return {
    namespace: 'shop',
    pod: 'checkout-7d9f8b6c5d-x2x4z',
    container: 'app',
    url: `https://scraper:${PLANTED.metricUrlPassword}@checkout:8443/metrics`,
    authorization: `Bearer ${PLANTED.metricBearer}`,
    image: KEPT.digest,
  };
}

/** None of PLANTED anywhere in the bundle: every column's value, and the file's bytes. */
export async function expectNoPlantedIn(bundle: string): Promise<void> {
  const db = await Database.open();
  let text: string;
  try {
    const rows = await db.all<{ row: string }>(
      `SELECT CAST(to_json(t) AS VARCHAR) AS row FROM read_parquet(${sqlString(bundle)}) AS t`,
    );
    expect(rows.length).toBeGreaterThan(0);
    // The body is a JSON text inside the row's JSON: unescape it too.
    text = rows.map((r) => `${r.row}\n${JSON.stringify(JSON.parse(r.row).body ?? '')}`).join('\n');
  } finally {
    db.close();
  }
  const bytes = readFileSync(bundle).toString('latin1');
  for (const [name, value] of Object.entries(PLANTED)) {
    expect(text.includes(value), `${name} in a column of ${bundle}`).toBe(false);
    expect(bytes.includes(value), `${name} in the bytes of ${bundle}`).toBe(false);
  }
  expect(text).toMatch(/‹redacted:hmac:[0-9a-f]{12}›/);
}

const TOKEN = '‹redacted:hmac:';

/**
 * Where each source put its planted values, now tokens: proof that the values reached the
 * producer and were replaced, rather than never read at all.
 */
export async function expectTokensWherePlanted(
  bundle: string,
  places: readonly ('object' | 'event' | 'audit-uri' | 'audit-body' | 'log' | 'metric')[],
): Promise<void> {
  const db = await Database.open();
  try {
    const count = async (where: string) =>
      (
        await db.all<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(bundle)}) WHERE ${where}`,
        )
      )[0]?.n ?? 0;
    const like = (column: string, pattern: string) =>
      `${column} LIKE ${sqlString(pattern.replaceAll('TOKEN', `${TOKEN}%`))}`;
    const checks: Record<string, string[]> = {
      object: [
        like('CAST(body AS VARCHAR)', '%"db_password":"TOKEN'),
        like('CAST(body AS VARCHAR)', '%"--token","TOKEN'),
        like('CAST(body AS VARCHAR)', '%postgres://app:TOKEN@orders-db%'),
      ],
      event: [like('event_message', '%?token=TOKEN via https://probe:TOKEN@checkout%')],
      'audit-uri': [like('audit_uri', '%access_token=TOKEN')],
      'audit-body': [`source = 'audit' AND ${like('CAST(body AS VARCHAR)', '%"db_password":"TOKEN')}`],
      log: [
        like('log_line', '%Authorization: Bearer TOKEN'),
        like('log_line', '%password=TOKEN ip=%'),
        like('log_line', '%mysql://root:TOKEN@orders-db%'),
      ],
      metric: [like("metric_labels['url']", 'https://scraper:TOKEN@checkout%')],
    };
    for (const place of places)
      for (const where of checks[place] ?? [])
        expect(await count(where), `${place}: ${where}`).toBeGreaterThan(0);
  } finally {
    db.close();
  }
}

/** Which of KEPT the bundle holds (as the producer wrote them). */
export async function keptIn(bundle: string): Promise<string[]> {
  const db = await Database.open();
  try {
    const rows = await db.all<{ row: string }>(
      `SELECT CAST(to_json(t) AS VARCHAR) AS row FROM read_parquet(${sqlString(bundle)}) AS t`,
    );
    const text = rows.map((r) => r.row).join('\n');
    return Object.entries(KEPT)
      .filter(([, value]) => text.includes(value))
      .map(([name]) => name);
  } finally {
    db.close();
  }
}

/**
 * None of PLANTED in what `kstory analyze` prints, in each of its formats: the executable is run
 * once (its JSON, and what it says on stderr), and the other formats are rendered from that report
 * by the renderers the command uses, as it would print them in a pipe (plain, 80 columns), with
 * and without --explain. One analysis instead of one per format: the report is the same.
 */
export function expectNoPlantedInReports(bundle: string): void {
  const result = kstory(['analyze', bundle, '--json'], { env: { NO_COLOR: '1' } });
  expect(result.code, `analyze --json: ${result.stderr}`).toBe(0);
  const report = JSON.parse(result.stdout) as Report;
  const outputs: [string, string][] = [
    ['analyze --json', result.stdout],
    ['stderr of analyze --json', result.stderr],
  ];
  for (const renderer of RENDERERS.filter((r) => r.name === 'text' || r.name === 'markdown'))
    for (const explain of [false, true]) {
      const rendered = renderer.render(report, { chalk: plainChalk, width: DEFAULT_WIDTH, explain });
      expect(typeof rendered).toBe('string');
      outputs.push([`analyze --format ${renderer.name}${explain ? ' --explain' : ''}`, rendered as string]);
    }
  expect(outputs.map(([name]) => name)).toHaveLength(6);
  for (const [name, text] of outputs) {
    if (!name.startsWith('stderr')) expect(text.length, name).toBeGreaterThan(0);
    for (const [planted, value] of Object.entries(PLANTED))
      expect(text.includes(value), `${planted} in ${name}`).toBe(false);
  }
}
