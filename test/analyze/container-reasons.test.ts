// How a container fails to start or ends, as its status and the kubelet say it: each termination
// and waiting reason, and each telling exit code, named by the pattern and variant it belongs to.
// One bundle for the whole file.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPattern } from '../../src/analyze/detect.ts';
import type { Finding } from '../../src/analyze/report.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { BundleRow, ContainerRow } from '../../src/bundle/row.ts';
import { BUILTIN_PATTERNS_DIR, loadPatternFile } from '../../src/patterns/load.ts';
import { openRows } from '../support/bundles.ts';
import { aLogRow, anEventRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const builtin = (id: string) => loadPatternFile(path.join(BUILTIN_PATTERNS_DIR, `${id}.yaml`));
const WINDOW = { start: '2026-03-01T00:00:00Z', end: '2026-03-01T10:45:00Z', snapshot: false };

const looping = (over: Partial<ContainerRow>): Partial<ContainerRow> => ({
  restart_count: 6,
  state: 'waiting',
  reason: 'CrashLoopBackOff',
  message: 'back-off 2m40s restarting failed container=app',
  last_reason: 'Error',
  last_finished_at: '2026-03-01T10:41:00Z',
  ...over,
});

/** Each pod's container, and the pattern and variant it must give. */
const CASES: { pod: string; container: Partial<ContainerRow>; pattern: string; variant: string }[] = [
  {
    pod: 'arm-image',
    container: looping({ last_exit_code: 1 }),
    pattern: 'crash-loop-backoff',
    variant: 'wrong-architecture',
  },
  {
    pod: 'hook',
    container: looping({ last_exit_code: 137 }),
    pattern: 'crash-loop-backoff',
    variant: 'post-start-hook',
  },
  {
    pod: 'runc',
    container: looping({
      reason: 'RunContainerError',
      message:
        'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "/data/app.conf" to rootfs at "/etc/app": not a directory: unknown',
      last_reason: 'StartError',
      last_exit_code: 128,
    }),
    pattern: 'crash-loop-backoff',
    variant: 'cannot-start',
  },
  {
    pod: 'runc-no-binary',
    container: looping({
      reason: 'RunContainerError',
      message:
        'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/serve": stat /app/serve: no such file or directory: unknown',
      last_reason: 'StartError',
      last_exit_code: 128,
    }),
    pattern: 'crash-loop-backoff',
    variant: 'command-not-found',
  },
  {
    pod: 'docker',
    container: looping({ last_reason: 'ContainerCannotRun', last_exit_code: 128 }),
    pattern: 'crash-loop-backoff',
    variant: 'cannot-start',
  },
  {
    pod: 'native',
    container: looping({ last_exit_code: 139 }),
    pattern: 'crash-loop-backoff',
    variant: 'segfault',
  },
  {
    pod: 'sigkill',
    container: looping({ last_exit_code: 137 }),
    pattern: 'crash-loop-backoff',
    variant: 'killed',
  },
  {
    pod: 'sigterm',
    container: looping({ last_exit_code: 143 }),
    pattern: 'crash-loop-backoff',
    variant: 'terminated',
  },
  {
    pod: 'exit-1',
    container: looping({ last_exit_code: 1 }),
    pattern: 'crash-loop-backoff',
    variant: 'app-error',
  },
  {
    pod: 'never-pull',
    container: {
      restart_count: 0,
      state: 'waiting',
      reason: 'ErrImageNeverPull',
      message: 'Container image "shop/app:dev" is not present with pull policy of Never',
    },
    pattern: 'image-pull-backoff',
    variant: 'never-pull',
  },
  {
    pod: 'name-reserved',
    container: {
      restart_count: 0,
      state: 'waiting',
      reason: 'CreateContainerError',
      message:
        'failed to reserve container name "app_name-reserved_shop_0a1b_0": name "app_name-reserved_shop_0a1b_0" is reserved for "4f1c2d"',
    },
    pattern: 'create-container-config-error',
    variant: 'name-reserved',
  },
  {
    pod: 'subpath',
    container: {
      restart_count: 0,
      state: 'waiting',
      reason: 'CreateContainerError',
      message:
        'failed to generate container "9e1b" spec: failed to generate spec: failed to mkdir "/mnt/data/app": mkdir /mnt/data: read-only file system',
    },
    pattern: 'create-container-config-error',
    variant: 'create-error',
  },
];

function pod(name: string, container: Partial<ContainerRow>): BundleRow {
  return aPodRow({
    name,
    uid: `uid-${name}`,
    containers: [
      { name: 'app', image: 'registry.example.com/shop/app:2', init: false, ready: false, ...container },
    ],
  });
}

function event(name: string, reason: string, message: string, count: number): BundleRow {
  return anEventRow({
    name,
    container: 'app',
    event_reason: reason,
    event_message: message,
    event_count: count,
    event_first: '2026-03-01T10:30:00Z',
    event_uid: `${name}-${reason}`,
  });
}

let bundle: Bundle;
const found = new Map<string, Finding[]>();

beforeAll(async () => {
  bundle = await openRows(tempDir(), 'container-reasons.parquet', [
    ...CASES.map((c) => pod(c.pod, c.container)),
    ...CASES.filter((c) => c.pattern === 'crash-loop-backoff').map((c) =>
      event(c.pod, 'BackOff', 'Back-off restarting failed container app in pod', 9),
    ),
    aLogRow({ name: 'arm-image', log_line: 'exec /usr/local/bin/server: exec format error' }),
    event(
      'hook',
      'FailedPostStartHook',
      'PostStartHook failed: Exec lifecycle hook ([/bin/sh -c /opt/warm-cache.sh]) for Container "app" in Pod "hook_shop(uid-hook)" failed - error: command \'/bin/sh -c /opt/warm-cache.sh\' exited with 126',
      6,
    ),
    event(
      'never-pull',
      'ErrImageNeverPull',
      'Container image "shop/app:dev" is not present with pull policy of Never',
      14,
    ),
  ]);
  const ids = [...new Set(CASES.map((c) => c.pattern))];
  const results = await Promise.all(ids.map((id) => detectPattern(bundle, builtin(id), WINDOW)));
  for (const [i, id] of ids.entries()) found.set(id, results[i]!);
});
afterAll(() => bundle?.close());

describe('container termination and waiting reasons', () => {
  it.each(CASES)('$pod: $pattern ($variant)', ({ pod: name, pattern, variant }) => {
    const finding = found.get(pattern)!.find((f) => f.subject.name === name);
    expect(finding?.variant).toBe(variant);
    // One pattern names it: the others leave it alone.
    for (const [other, findings] of found)
      if (other !== pattern) expect(findings.map((f) => f.subject.name)).not.toContain(name);
  });

  it('says what the runtime said of a start it refused', () => {
    const runc = found.get('crash-loop-backoff')!.find((f) => f.subject.name === 'runc')!;
    expect(runc.summary).toContain('not a directory');
  });
});
