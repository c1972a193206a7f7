// Redaction at the source: Secret values, credential env values and annotations never survive;
// everything else does, and the input is never mutated.
import { describe, expect, it } from 'vitest';
import { REDACTED, REDACTION_RULES, redactObject } from '../../src/kube/redact.ts';
import { aDeployment, aPod, aSecret } from './builders.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

describe('redactObject', () => {
  it('replaces Secret data and stringData values, keeping keys and type', () => {
    const secret = aSecret({ stringData: { token: 'plain-text-token' } });
    const out = redactObject(secret) as Record<string, unknown>;
    expect(out.data).toEqual({ password: REDACTED });
    expect(out.stringData).toEqual({ token: REDACTED });
    expect(out.type).toBe('Opaque');
    expect(JSON.stringify(out)).not.toContain(Buffer.from('hunter2-hunter2').toString('base64'));
  });

  it("drops a Secret's last-applied-configuration, which holds its values", () => {
    const secret = aSecret({
      metadata: { annotations: { [LAST_APPLIED]: '{"data":{"password":"aHVudGVy"}}', team: 'payments' } },
    });
    const out = redactObject(secret);
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
    const out = redactObject(deployment);
    const text = out.metadata?.annotations?.[LAST_APPLIED] ?? '';
    expect(text).not.toContain('k-123');
    expect(JSON.parse(text).spec.template.spec.containers[0].env[0]).toEqual({
      name: 'API_KEY',
      value: REDACTED,
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
    const out = redactObject(pod) as { spec: { containers: { env: { name: string; value?: string }[] }[] } };
    const values = Object.fromEntries(out.spec.containers[0]!.env.map((e) => [e.name, e.value]));
    expect(values).toEqual({
      DB_PASSWORD: REDACTED,
      GITHUB_TOKEN: REDACTED,
      AWS_SECRET_ACCESS_KEY: REDACTED,
      STRIPE_API_KEY: REDACTED,
      TLS_PRIVATE_KEY: REDACTED,
      GCP_CREDENTIALS: REDACTED,
      LOG_LEVEL: 'debug',
      PWD: '/app',
      DATABASE_URL: REDACTED,
      FROM_SECRET: undefined,
    });
    const deployment = aDeployment({
      spec: {
        template: { spec: { containers: [{ name: 'a', env: [{ name: 'ADMIN_PASSWORD', value: 'x' }] }] } },
      },
    });
    expect(JSON.stringify(redactObject(deployment))).not.toContain('"value":"x"');
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
    expect(redactObject(pod).metadata?.annotations).toEqual({
      'example.com/api-token': REDACTED,
      'vault.example.com/password': REDACTED,
      'prometheus.io/scrape': 'true',
      'kubernetes.io/service-account.name': 'default',
      'checksum/secret': 'abc123',
      'example.com/owner': REDACTED,
    });
  });

  it('drops managedFields', () => {
    const pod = aPod({ metadata: { managedFields: [{ manager: 'kubectl', operation: 'Apply' }] } });
    expect(redactObject(pod).metadata).not.toHaveProperty('managedFields');
  });

  it('redacts Secret items of a SecretList, whose items carry no kind', () => {
    const list = {
      kind: 'SecretList',
      apiVersion: 'v1',
      items: [{ metadata: { name: 'a' }, data: { k: 'dmFsdWU=' } }],
    };
    expect(redactObject(list).items[0]!.data).toEqual({ k: REDACTED });
  });

  it('redacts Secrets inside a kubectl List', () => {
    const list = { kind: 'List', apiVersion: 'v1', items: [aPod(), aSecret()] };
    const out = redactObject(list);
    expect((out.items[1] as { data: unknown }).data).toEqual({ password: REDACTED });
    expect(out.items[0]).toBe(list.items[0]);
  });

  it('never mutates its input and shares what it does not change', () => {
    const pod = aPod({
      metadata: { managedFields: [{}] },
      spec: { containers: [{ name: 'a', env: [{ name: 'TOKEN', value: 't' }] }] },
    });
    const before = JSON.stringify(pod);
    const out = redactObject(pod);
    expect(JSON.stringify(pod)).toBe(before);
    expect(out).not.toBe(pod);
    expect(out.status).toBe(pod.status);
    const clean = aPod();
    expect(redactObject(clean)).toBe(clean);
  });

  it('names its rules for the bundle metadata', () => {
    expect(REDACTION_RULES).toContain('secret-data-values');
    expect(new Set(REDACTION_RULES).size).toBe(REDACTION_RULES.length);
  });
});
