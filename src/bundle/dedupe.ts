// Several files read as one bundle may hold the same observations: a recording and the audit log of
// the same API server imported beside it, two recordings that overlap. An audit entry is one
// request (its auditID) and an object version is one state (its uid and resourceVersion), so each is
// kept from the first file that holds it; rows within one file are left as their writer wrote them.

import { COLUMNS } from './columns.ts';

/**
 * The `bundle` relation over `selects`, one per file in the order given: audit entries and object
 * versions that an earlier file holds are left out of the later ones.
 */
export function dedupedAcrossFiles(selects: readonly string[]): string {
  const columns = COLUMNS.map((c) => `"${c.name}"`).join(', ');
  const rows = selects
    .map((select, i) => `SELECT *, ${i} AS kstory_file FROM (${select})`)
    .join('\nUNION ALL\n');
  const audit = "source = 'audit' AND audit_id IS NOT NULL";
  const object = "source = 'object' AND uid IS NOT NULL AND resource_version IS NOT NULL";
  return `WITH rows AS (${rows})
SELECT ${columns} FROM rows WHERE NOT (${audit}) AND NOT (${object})
UNION ALL
SELECT ${columns} FROM rows WHERE ${audit}
QUALIFY kstory_file = min(kstory_file) OVER (PARTITION BY audit_id)
UNION ALL
SELECT ${columns} FROM rows WHERE ${object}
QUALIFY kstory_file = min(kstory_file) OVER (PARTITION BY uid, resource_version)`;
}
