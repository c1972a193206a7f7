// Authentication from the kubeconfig reaches the API server: TLS with the kubeconfig's CA and a
// client certificate, and an exec credential plugin's token. Certificates are made by openssl.

import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KstoryError } from '../../src/errors.ts';
import { runRecord } from '../../src/record/run.ts';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-auth-');
const servers: FakeApiServer[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

interface Pki {
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate for `sre-alice`, all PEM. */
function makePki(dir: string): Pki {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 10_000 });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run([
    'req',
    '-x509',
    ...key,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=kstory-test-ca',
  ]);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn, ext] of [
    ['server', '127.0.0.1', ['-extfile', 'san.ext']],
    ['client', 'sre-alice', []],
  ] as const) {
    run(['req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    run([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      ...ext,
    ]);
  }
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return {
    ca: read('ca.crt'),
    serverKey: read('server.key'),
    serverCert: read('server.crt'),
    clientKey: read('client.key'),
    clientCert: read('client.crt'),
  };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

function kubeconfig(dir: string, cluster: string, user: string): string {
  const file = path.join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: ${cluster} }]
users: [{ name: u, user: ${user} }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }]
current-context: ctx
`,
  );
  return file;
}

async function recordPods(file: string, dir: string) {
  return runRecord({
    output: path.join(dir, `${path.basename(file)}.parquet`),
    kubeconfig: file,
    namespaces: [],
    include: ['pods'],
    exclude: [],
    once: true,
  });
}

describe('kubeconfig authentication', () => {
  it('verifies the server with the kubeconfig CA and presents the client certificate', async () => {
    const dir = tempDir();
    const pki = makePki(dir);
    const api = await FakeApiServer.start({
      tls: {
        key: pki.serverKey,
        cert: pki.serverCert,
        ca: pki.ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
    });
    servers.push(api);
    api.apply(aPod('shop', 'web-1'));
    const user = `{ client-certificate-data: ${b64(pki.clientCert)}, client-key-data: ${b64(pki.clientKey)} }`;
    const trusted = kubeconfig(
      dir,
      `{ server: '${api.url}', certificate-authority-data: ${b64(pki.ca)} }`,
      user,
    );
    const result = await recordPods(trusted, dir);
    expect(result.bundle.rowsBySource.object).toBe(1);
    expect(api.clientNames.length).toBeGreaterThan(0);
    expect(api.clientNames.every((n) => n === 'sre-alice')).toBe(true);

    // Without the CA the server's certificate is not trusted, and nothing is recorded.
    const untrusted = kubeconfig(dir, `{ server: '${api.url}' }`, user);
    await expect(recordPods(untrusted, dir)).rejects.toThrow(/cannot reach the API server.*certificate/);
  });

  it('runs an exec credential plugin and sends its token', async () => {
    const dir = tempDir();
    const api = await FakeApiServer.start();
    servers.push(api);
    const plugin = path.join(dir, 'credential-plugin.sh');
    writeFileSync(
      plugin,
      `#!/bin/sh
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token-42"}}'
`,
    );
    chmodSync(plugin, 0o755);
    const file = kubeconfig(
      dir,
      `{ server: '${api.url}', insecure-skip-tls-verify: true }`,
      `{ exec: { apiVersion: client.authentication.k8s.io/v1, command: '${plugin}', interactiveMode: Never } }`,
    );
    await recordPods(file, dir);
    expect(api.authorizations.length).toBeGreaterThan(0);
    expect(api.authorizations.every((a) => a === 'Bearer exec-token-42')).toBe(true);
  });

  it('turns rejected credentials into an error the user can act on', async () => {
    const dir = tempDir();
    const api = await FakeApiServer.start({ token: 'the-right-token' });
    servers.push(api);
    const file = kubeconfig(
      dir,
      `{ server: '${api.url}', insecure-skip-tls-verify: true }`,
      '{ token: a-wrong-token }',
    );
    const error = await recordPods(file, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KstoryError);
    expect((error as KstoryError).message).toContain("cannot discover the cluster's resources");
    expect((error as KstoryError).hint).toContain('rejected the credentials');
  });
});
