// Self-signed certificates for the HTTPS endpoints kstory runs (the audit webhook receiver, the
// served bundle): the certificate is its own CA, handed to the client in a kubeconfig's
// certificate-authority-data, valid for the address clients are told to use.

import { isIP } from 'node:net';
import os from 'node:os';

export interface CertificatePair {
  cert: string;
  key: string;
}

/** The host clients are to reach: the bound one, or for 0.0.0.0 and :: this machine's first external IPv4. */
export function advertisedHost(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** Names a self-signed certificate covers: the advertised host, and for a wildcard bind every address of this machine. */
function subjectNames(bindHost: string, advertised: string): { ips: string[]; dns: string[] } {
  const ips = new Set<string>();
  const dns = new Set<string>(['localhost']);
  if (isIP(advertised)) ips.add(advertised);
  else dns.add(advertised);
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    for (const addresses of Object.values(os.networkInterfaces()))
      for (const a of addresses ?? []) ips.add(a.address.replace(/%.*$/, ''));
    dns.add(os.hostname());
  }
  ips.add('127.0.0.1');
  return { ips: [...ips], dns: [...dns] };
}

/** A P-256 certificate, its own CA, for `advertised` (and every local address when bound to a wildcard). */
export async function selfSignedCertificate(p: {
  commonName: string;
  bindHost: string;
  advertised: string;
}): Promise<CertificatePair> {
  const names = subjectNames(p.bindHost, p.advertised);
  const { generate } = await import('selfsigned');
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: p.commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // A little in the past: the client's clock may be behind this machine's.
    notBeforeDate: new Date(now - 3600_000),
    notAfterDate: new Date(now + 365 * 86_400_000),
    extensions: [
      // Its own CA: clients trust it through certificate-authority-data.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.dns.map((value) => ({ type: 2 as const, value })),
          ...names.ips.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
