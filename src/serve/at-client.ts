// `kstory at`: read or move the instant a running `kstory serve` shows, through its /kstory/at
// endpoint, with the server, CA and token of the kubeconfig it wrote.

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { KstoryError, messageOf } from '../errors.ts';
import type { TimeControlState } from './time-control.ts';

interface Target {
  server: string;
  ca: string | undefined;
  token: string | undefined;
  context: string;
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
  clusters?: { name: string; cluster?: Record<string, string> }[];
  users?: { name: string; user?: Record<string, string> }[];
}

export function kubeconfigPath(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (given) return given;
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).find((p) => p !== '');
  return fromEnv ?? path.join(os.homedir(), '.kube', 'config');
}

export function targetOf(file: string, contextName: string | undefined): Target {
  let doc: Kubeconfig;
  try {
    doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Kubeconfig;
  } catch (error) {
    throw new KstoryError(`cannot read the kubeconfig ${file}: ${messageOf(error)}`, {
      hint: 'Give the file kstory serve wrote with --kubeconfig, or set KUBECONFIG as it printed.',
    });
  }
  const name = contextName ?? doc['current-context'];
  const context = doc.contexts?.find((c) => c.name === name);
  if (!context)
    throw new KstoryError(`${file}: no context ${name ?? '(none is current)'}`, {
      hint: 'Choose one with --context.',
    });
  const cluster = doc.clusters?.find((c) => c.name === context.context?.cluster)?.cluster ?? {};
  const user = doc.users?.find((u) => u.name === context.context?.user)?.user ?? {};
  if (!cluster.server) throw new KstoryError(`${file}: context ${name} has no server`);
  const caData = cluster['certificate-authority-data'];
  const ca = caData
    ? Buffer.from(caData, 'base64').toString('utf8')
    : cluster['certificate-authority']
      ? readFileSync(cluster['certificate-authority'], 'utf8')
      : undefined;
  return { server: cluster.server.replace(/\/$/, ''), ca, token: user.token, context: name! };
}

/** GET (no time) or PUT (a time) /kstory/at of the kubeconfig's server. */
export function timeControl(
  target: Target,
  at: string | undefined,
  timeoutMs = 15_000,
): Promise<TimeControlState> {
  const body = at === undefined ? undefined : JSON.stringify({ at });
  const url = new URL(`${target.server}/kstory/at`);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: body ? 'PUT' : 'GET',
        ca: target.ca,
        headers: {
          accept: 'application/json',
          ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            reject(
              new KstoryError(`${url.origin} answered ${res.statusCode} without JSON: is it kstory serve?`),
            );
            return;
          }
          if (res.statusCode === 200) resolve(parsed as unknown as TimeControlState);
          else if (res.statusCode === 404)
            reject(
              new KstoryError(`${url.origin} has no time control: it is not kstory serve`, {
                hint: 'Point --kubeconfig/--context at the kubeconfig kstory serve wrote.',
              }),
            );
          else reject(new KstoryError(String(parsed.message ?? `the server answered ${res.statusCode}`)));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', (error) =>
      reject(
        new KstoryError(`cannot reach kstory serve at ${url.origin}: ${messageOf(error)}`, {
          hint: 'Is it still running? It prints the kubeconfig to use when it starts.',
        }),
      ),
    );
    req.end(body);
  });
}
