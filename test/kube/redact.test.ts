// Redaction at the source: Secret values, credentials under credential names and inside any text
// become per-bundle tokens; everything else survives, and the input is never mutated.
import { describe, expect, it } from 'vitest';
import { isToken, REDACTION_RULES, Redactor } from '../../src/kube/redact.ts';
import { aDeployment, aPod, aSecret } from './builders.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const TOKEN = expect.stringMatching(/^‹redacted:hmac:[0-9a-f]{12}›$/);

describe('Redactor.value', () => {
  it('replaces Secret data and stringData values, keeping keys and type', () => {
    const secret = aSecret({ stringData: { token: 'plain-text-token' } });
    const out = new Redactor().value(secret) as Record<string, unknown>;
    expect(out.data).toEqual({ password: TOKEN });
    expect(out.stringData).toEqual({ token: TOKEN });
    expect(out.type).toBe('Opaque');
    expect(JSON.stringify(out)).not.toContain(Buffer.from('hunter2-hunter2').toString('base64'));
  });

  it("drops a Secret's last-applied-configuration, which holds its values", () => {
    const secret = aSecret({
      metadata: { annotations: { [LAST_APPLIED]: '{"data":{"password":"aHVudGVy"}}', team: 'payments' } },
    });
    const out = new Redactor().value(secret);
    expect(out.metadata?.annotations).toEqual({ team: 'payments' });
  });

  it('redacts credentials inside the last-applied-configuration of other kinds', () => {
    const applied = {
      kind: 'Deployment',
      spec: {
        template: { spec: { containers: [{ name: 'a', env: [{ name: 'API_KEY', value: 'k-123' }] }] } },
      },
    };
    const deployment = aDeployment({
      metadata: { annotations: { [LAST_APPLIED]: JSON.stringify(applied) } },
    });
    const out = new Redactor().value(deployment);
    const text = out.metadata?.annotations?.[LAST_APPLIED] ?? '';
    expect(text).not.toContain('k-123');
    expect(JSON.parse(text).spec.template.spec.containers[0].env[0]).toEqual({
      name: 'API_KEY',
      value: TOKEN,
    });
  });

  it('redacts env values whose names look like credentials, in pods and pod templates', () => {
    const env = [
      { name: 'DB_PASSWORD', value: 'pw1' },
      { name: 'GITHUB_TOKEN', value: 'ghp_x' },
      { name: 'AWS_SECRET_ACCESS_KEY', value: 'abc' },
      { name: 'STRIPE_API_KEY', value: 'sk_live' },
      { name: 'TLS_PRIVATE_KEY', value: 'pk' },
      { name: 'GCP_CREDENTIALS', value: '{}' },
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'PWD', value: '/app' },
      { name: 'DATABASE_URL', value: 'postgres://shop:s3cr3t-pass@db:5432/shop' },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ];
    const pod = aPod({ spec: { containers: [{ name: 'app', image: 'x', env }] } });
    const out = new Redactor().value(pod) as {
      spec: { containers: { env: { name: string; value?: string }[] }[] };
    };
    const values = Object.fromEntries(out.spec.containers[0]!.env.map((e) => [e.name, e.value]));
    expect(values).toEqual({
      DB_PASSWORD: TOKEN,
      GITHUB_TOKEN: TOKEN,
      AWS_SECRET_ACCESS_KEY: TOKEN,
      STRIPE_API_KEY: TOKEN,
      TLS_PRIVATE_KEY: TOKEN,
      GCP_CREDENTIALS: TOKEN,
      LOG_LEVEL: 'debug',
      PWD: '/app',
      DATABASE_URL: expect.stringMatching(/^postgres:\/\/shop:‹redacted:hmac:[0-9a-f]{12}›@db:5432\/shop$/),
      FROM_SECRET: undefined,
    });
    const deployment = aDeployment({
      spec: {
        template: { spec: { containers: [{ name: 'a', env: [{ name: 'ADMIN_PASSWORD', value: 'x' }] }] } },
      },
    });
    expect(JSON.stringify(new Redactor().value(deployment))).not.toContain('"value":"x"');
  });

  it('redacts annotations that look like credentials, keeps the rest', () => {
    const pod = aPod({
      metadata: {
        annotations: {
          'example.com/api-token': 'tok-1',
          'vault.example.com/password': 'pw',
          'prometheus.io/scrape': 'true',
          'kubernetes.io/service-account.name': 'default',
          'checksum/secret': 'abc123',
          'example.com/owner': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig',
        },
      },
    });
    expect(new Redactor().value(pod).metadata?.annotations).toEqual({
      'example.com/api-token': TOKEN,
      'vault.example.com/password': TOKEN,
      'prometheus.io/scrape': 'true',
      'kubernetes.io/service-account.name': 'default',
      'checksum/secret': 'abc123',
      'example.com/owner': TOKEN,
    });
  });

  it('drops managedFields', () => {
    const pod = aPod({ metadata: { managedFields: [{ manager: 'kubectl', operation: 'Apply' }] } });
    expect(new Redactor().value(pod).metadata).not.toHaveProperty('managedFields');
  });

  it('redacts Secret items of a SecretList, whose items carry no kind', () => {
    const list = {
      kind: 'SecretList',
      apiVersion: 'v1',
      items: [{ metadata: { name: 'a' }, data: { k: 'dmFsdWU=' } }],
    };
    expect(new Redactor().value(list).items[0]!.data).toEqual({ k: TOKEN });
  });

  it('redacts Secrets inside a kubectl List', () => {
    const list = { kind: 'List', apiVersion: 'v1', items: [aPod(), aSecret()] };
    const out = new Redactor().value(list);
    expect((out.items[1] as { data: unknown }).data).toEqual({ password: TOKEN });
    expect(out.items[0]).toBe(list.items[0]);
  });

  it('never mutates its input and shares what it does not change', () => {
    const pod = aPod({
      metadata: { managedFields: [{}] },
      spec: { containers: [{ name: 'a', env: [{ name: 'TOKEN', value: 't' }] }] },
    });
    const before = JSON.stringify(pod);
    const out = new Redactor().value(pod);
    expect(JSON.stringify(pod)).toBe(before);
    expect(out).not.toBe(pod);
    expect(out.status).toBe(pod.status);
    const clean = aPod();
    expect(new Redactor().value(clean)).toBe(clean);
  });

  it('gives the same value the same token within one bundle, and another in the next', () => {
    const one = new Redactor();
    const a = one.value(aSecret({ data: { password: 'c2FtZQ==' } })) as { data: { password: string } };
    const b = one.value({ kind: 'ConfigMap', data: { db_password: 'c2FtZQ==' } }) as {
      data: Record<string, string>;
    };
    expect(a.data.password).toBe(b.data.db_password);
    expect(isToken(a.data.password)).toBe(true);
    const changed = one.value(aSecret({ data: { password: 'b3RoZXI=' } })) as { data: { password: string } };
    expect(changed.data.password).not.toBe(a.data.password);
    const other = new Redactor().value(aSecret({ data: { password: 'c2FtZQ==' } })) as {
      data: { password: string };
    };
    expect(other.data.password).not.toBe(a.data.password);
  });

  it('redacts ConfigMap values under credential names and credentials inside ConfigMap files', () => {
    const configMap = {
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'shop' },
      data: {
        db_password: 'hunter2',
        aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKE',
        client_secret: 'cs-0001',
        apiKey: 'k-0002',
        secretName: 'db-creds',
        log_level: 'debug',
        'app.properties': 'db.url=jdbc:postgresql://db:5432/x\ndb.password=pr0perty-pw\n',
        'config.yaml': 'database:\n  url: postgres://app:yaml-pw@db/x\n  pool: 5\n',
      },
    };
    const out = new Redactor().value(configMap);
    const text = JSON.stringify(out);
    for (const secret of ['hunter2', 'wJalrXUtnFEMI', 'cs-0001', 'k-0002', 'pr0perty-pw', 'yaml-pw'])
      expect(text).not.toContain(secret);
    expect(out.data).toMatchObject({ secretName: 'db-creds', log_level: 'debug' });
    expect(out.data['config.yaml']).toContain('postgres://app:‹redacted:hmac:');
  });

  it('redacts the value after a credential flag in args, keeps the flags and the rest', () => {
    const pod = aPod({
      spec: {
        containers: [
          {
            name: 'app',
            image: 'x',
            args: [
              '--token',
              'flag-value-1',
              '--password=flag-value-2',
              '--port',
              '8080',
              '--password=$(DB_PASSWORD)',
            ],
            command: ['sh', '-c', 'exec app --api-key flag-value-3 --verbose'],
          },
        ],
      },
    });
    const container = (
      new Redactor().value(pod) as { spec: { containers: { args: string[]; command: string[] }[] } }
    ).spec.containers[0]!;
    expect(container.args).toEqual([
      '--token',
      TOKEN,
      expect.stringMatching(/^--password=‹redacted/),
      '--port',
      '8080',
      '--password=$(DB_PASSWORD)',
    ]);
    expect(container.command[2]).toMatch(/^exec app --api-key ‹redacted:hmac:[0-9a-f]{12}› --verbose$/);
  });

  it('keeps what analysis needs: image digests and tags, uids, resource versions, references', () => {
    const pod = aPod({
      metadata: { uid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', resourceVersion: '918273645' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/shop/app:git-9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
            env: [{ name: 'CONFIG_B64', value: Buffer.from('log_level: debug').toString('base64') }],
          },
        ],
        volumes: [{ name: 'creds', secret: { secretName: 'db-creds' } }],
      },
      status: {
        containerStatuses: [
          {
            name: 'app',
            imageID:
              'registry.example.com/shop/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
            containerID: 'containerd://4c1d0e6b7f0f4c7e9a3a8d2b1e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
          },
        ],
      },
    });
    expect(new Redactor().value(pod)).toBe(pod);
  });

  it('names its rules for the bundle metadata', () => {
    expect(REDACTION_RULES).toContain('secret-data-values');
    expect(new Set(REDACTION_RULES).size).toBe(REDACTION_RULES.length);
  });
});
