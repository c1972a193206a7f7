// A recording's audit log as the API server wrote it: one JSON entry per line, each restored from
// its row, for `kstory import` to read as users bring theirs. A scenario seen through its audit log
// alone is then read as a user's would be, the objects its bodies show included.

import { writeFileSync } from 'node:fs';
import { type AuditColumns, restoreAuditEntry } from '../kube/audit-body.ts';
import { isRecord } from '../kube/fields.ts';
import { openBundle } from '../views/open.ts';

/** Writes the audit log of the bundle `recording` to `output`, in time order; returns its entries. */
export async function writeAuditLog(recording: string, output: string): Promise<number> {
  const bundle = await openBundle([recording]);
  try {
    const rows = await bundle.query<AuditColumns & { body: string | null }>(
      `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, api_version, namespace, name, uid, resource_version,
         audit_id, audit_stage, audit_level, audit_verb, audit_user, audit_impersonated_user, audit_user_agent,
         audit_uri, audit_resource, audit_subresource, audit_decision, audit_code, body
       FROM audit ORDER BY ts, audit_id`,
    );
    const lines = rows.map((row) => {
      const body: unknown = row.body === null ? null : JSON.parse(row.body);
      return JSON.stringify(restoreAuditEntry(row, isRecord(body) ? body : null));
    });
    writeFileSync(output, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    return lines.length;
  } finally {
    bundle.close();
  }
}
