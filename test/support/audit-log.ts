// Audit logs written as kube-apiserver writes them, imported and analysed as users bring theirs:
// for tests of what analysis reads from an audit log alone.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';

export const KUBECTL = 'kubectl/v1.29.1 (linux/amd64) kubernetes/bc401b9';
let serial = 0;

/** One ResponseComplete entry as kube-apiserver writes it (audit.k8s.io/v1), at the Metadata level
 * by alice with kubectl unless `fields` say otherwise; `at` is a time of 2026-03-02 (`09:05:00`). */
export function auditEntry(at: string, fields: Record<string, unknown>): Record<string, unknown> {
  serial += 1;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    user: { username: 'alice@example.com', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.9'],
    userAgent: KUBECTL,
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: `2026-03-02T${at}.000000Z`,
    stageTimestamp: `2026-03-02T${at}.012000Z`,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...fields,
  };
}

/** The entries (objects, or lines already written as JSON) written as one log in `dir`, imported
 * alone and analysed with every finding kept. */
export async function analyzeAuditLog(dir: string, entries: readonly (object | string)[]): Promise<Report> {
  const log = path.join(dir, 'audit.log');
  writeFileSync(log, `${entries.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n')}\n`);
  const output = path.join(dir, 'audit.parquet');
  await runImport({ inputs: [log], output, progress: false });
  const bundle = await openBundle([output]);
  try {
    return await analyzeBundle(bundle, { all: true });
  } finally {
    bundle.close();
  }
}
