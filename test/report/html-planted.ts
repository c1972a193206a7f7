// A bundle whose cluster strings try to become markup or script in the HTML report: object
// names, a label, Event messages, log lines and a ConfigMap value carry `<script>` and
// `"><img onerror=…>`; a crash-looping pod so that the report has an incident about them.

import type { BundleRow } from '../../src/bundle/row.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';

export const SCRIPT = '<script>window.__pwned = "script"</script>';
export const IMG = '"><img src=x onerror="window.__pwned = \'img\'">';
export const POD = `web-${SCRIPT}-1`;
export const OTHER_POD = `web-${IMG}-2`;
export const NAMESPACE = 'shop';

const at = (minute: number, second = 0) =>
  `2026-03-01T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;

function crashLooping(name: string, uid: string): BundleRow[] {
  return [0, 2, 4, 6, 8, 10, 12].map((minute, i) =>
    aPodRow({
      ts: at(minute),
      name,
      uid,
      labels: { app: IMG, 'pod-template-hash': '7d9f8' },
      resource_version: String(1000 + i),
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/shop/web:v2',
          init: false,
          ready: false,
          restart_count: i + 1,
          state: i % 2 === 0 ? 'waiting' : 'running',
          reason: i % 2 === 0 ? 'CrashLoopBackOff' : null,
          message: `back-off restarting failed container ${SCRIPT}`,
          last_reason: 'Error',
          last_exit_code: 1,
          last_finished_at: at(minute),
          memory_limit_bytes: 268435456,
        },
      ],
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NAMESPACE, uid } },
    }),
  );
}

export function plantedRows(): BundleRow[] {
  const rows: BundleRow[] = [
    ...crashLooping(POD, 'uid-planted-1'),
    ...crashLooping(OTHER_POD, 'uid-planted-2'),
  ];
  for (const [name, uid] of [
    [POD, 'uid-planted-1'],
    [OTHER_POD, 'uid-planted-2'],
  ] as const) {
    for (let minute = 1; minute < 13; minute += 2) {
      rows.push({
        source: 'event',
        ts: at(minute),
        kind: 'Pod',
        namespace: NAMESPACE,
        name,
        uid,
        container: 'app',
        event_type: 'Warning',
        event_reason: 'BackOff',
        event_message: `Back-off restarting failed container app in pod ${name} ${IMG}`,
        event_count: minute,
        event_first: at(0),
        event_last: at(minute),
      });
      rows.push(aLogRow({ ts: at(minute, 30), name, log_line: `fatal: ${SCRIPT} ${IMG}` }));
    }
  }
  for (const [minute, value] of [
    [0, 'plain'],
    [5, `changed ${IMG}`],
  ] as const) {
    rows.push({
      source: 'object',
      ts: at(minute),
      api_version: 'v1',
      kind: 'ConfigMap',
      namespace: NAMESPACE,
      name: `config-${IMG}`,
      uid: 'uid-config',
      resource_version: String(2000 + minute),
      watch_event: minute === 0 ? 'ADDED' : 'MODIFIED',
      origin: 'test',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `config-${IMG}`, namespace: NAMESPACE, uid: 'uid-config' },
        data: { SETTING: value },
      },
    });
  }
  return rows;
}

/** A gap in the recording, with a planted reason, hatched across the timeline. */
export const PLANTED_GAP = {
  start: '2026-03-01T10:03:00Z',
  end: '2026-03-01T10:04:00Z',
  reason: `watch restarted ${SCRIPT}`,
  scope: '*',
};
