// Shared pieces of the record tests: a kubeconfig for the fake API server, a recording started in
// this process, and bounded waits.

import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RecordOptions, type RecordResult, runRecord } from '../../src/record/run.ts';
import type { FakeApiServer } from '../support/fake-apiserver.ts';

export const TEST_TOKEN = 'kstory-test-token-1234';

/** A kubeconfig with one context pointing at the fake server, authenticating with a bearer token. */
export function writeKubeconfig(dir: string, api: FakeApiServer): string {
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
  - name: fake
    # client-node sends credentials over plain HTTP only when told the cluster is not verified.
    cluster: { server: '${api.url}', insecure-skip-tls-verify: true }
users:
  - name: tester
    user: { token: ${TEST_TOKEN} }
contexts:
  - name: fake
    context: { cluster: fake, user: tester }
current-context: fake
`,
  );
  return file;
}

export interface Recording {
  stop: () => void;
  done: Promise<RecordResult>;
  logs: string[];
}

/** A continuous recording with fast retries, stopped by the test. */
export function startRecording(
  output: string,
  kubeconfig: string,
  overrides: Partial<RecordOptions> = {},
): Recording {
  const controller = new AbortController();
  const logs: string[] = [];
  const done = runRecord({
    output,
    kubeconfig,
    namespaces: [],
    include: [],
    exclude: [],
    once: false,
    signal: controller.signal,
    rediscoverMs: 0,
    watch: { backoffInitialMs: 50, backoffMaxMs: 200, watchTimeoutSeconds: 60 },
    log: (line) => logs.push(line),
    ...overrides,
  });
  // Awaited by the test later; a failure before then must not count as an unhandled rejection.
  done.catch(() => {});
  return { stop: () => controller.abort(), done, logs };
}

/** Wait until `condition` holds, checking every 20 ms; fail after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Wait until `condition` holds while `child` runs, checking every 20 ms: no deadline of its own, so
 * a busy machine only makes it slower. A child that ends first fails the wait at once, with what it
 * said; the test's own timeout bounds a child that hangs.
 */
export async function untilWhileRunning(
  child: ChildProcess,
  condition: () => boolean,
  what: string,
  output: () => string = () => '',
): Promise<void> {
  while (!condition()) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `waiting for ${what}: the process ended (${child.exitCode ?? child.signalCode}) first:\n${output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Everything the recording has flushed to its spool so far, as text. */
export function spoolText(output: string): string {
  const dir = `${output}.spool`;
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}
