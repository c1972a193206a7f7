// The part of building audit rows in SQL that is done in JavaScript, once per distinct value (an
// audit log repeats its users, addresses, answers and annotations on every line): what the body
// keeps of a member (audit-body.ts) and its redaction (redact.ts), the columns a member fills, the
// kind of a resource, the name a URI gives, and the redaction of the columns' texts.

import type { Database } from '../../bundle/duckdb.ts';
import { slimAuditMember } from '../../kube/audit-body.ts';
import { int, isRecord, type Json, str } from '../../kube/fields.ts';
import type { Redactor } from '../../kube/redact.ts';
import { kindOfResource } from '../../kube/resources.ts';
import { nameInUri } from '../../kube/to-row.ts';
import { BODY_COLUMNS, LINES_TABLE } from './read.ts';

/** A member's JSON text → the column it fills (if any) and its `"name":value` in the body (if kept). */
export interface MemberTable {
  /** The member of the entry. */
  member: 'user' | 'impersonatedUser' | 'sourceIPs' | 'responseStatus' | 'annotations';
  /** The table of distinct values: (j, value, part). */
  table: string;
}

export const MEMBER_TABLES: readonly MemberTable[] = [
  { member: 'user', table: 'kstory_audit_users' },
  { member: 'impersonatedUser', table: 'kstory_audit_impersonated' },
  { member: 'sourceIPs', table: 'kstory_audit_addresses' },
  { member: 'responseStatus', table: 'kstory_audit_answers' },
  { member: 'annotations', table: 'kstory_audit_annotations' },
];

/** The column value a member gives: the user's name, the answer's code, the authorizer's decision. */
function columnOf(member: MemberTable['member'], value: Json): string | number | null {
  switch (member) {
    case 'user':
    case 'impersonatedUser':
      return str(value.username);
    case 'responseStatus':
      return int(value.code);
    case 'annotations':
      return str(value['authorization.k8s.io/decision']);
    default:
      return null;
  }
}

/**
 * Every distinct value of each member, with its column value and its part of the body: slimmed as
 * audit-body.ts slims it, then redacted as the writer redacts a body (the walk takes the members of
 * a body one by one, so a member alone comes out as it does inside the body).
 */
export async function buildMemberTables(db: Database, redactor: Redactor): Promise<void> {
  for (const t of MEMBER_TABLES) {
    const valueType = t.member === 'responseStatus' ? 'INTEGER' : 'VARCHAR';
    await db.run(`CREATE OR REPLACE TABLE ${t.table} (j VARCHAR, value ${valueType}, part VARCHAR)`);
    const column = BODY_COLUMNS[t.member];
    const values = await db.all<{ j: string }>(
      `SELECT DISTINCT ${column} AS j FROM ${LINES_TABLE} WHERE ${column} IS NOT NULL`,
    );
    const appender = await db.connection.createAppender(t.table);
    for (const { j } of values) {
      const parsed = JSON.parse(j) as unknown;
      const column = isRecord(parsed) ? columnOf(t.member, parsed) : null;
      // The timestamp only matters to stageTimestamp, which is never slimmed here.
      const kept = slimAuditMember(t.member, parsed, '');
      appender.appendVarchar(j);
      if (column === null) appender.appendNull();
      else if (typeof column === 'number') appender.appendInteger(column);
      else appender.appendVarchar(column);
      if (kept === undefined) appender.appendNull();
      else {
        const redacted = redactor.value({ [t.member]: kept })[t.member];
        appender.appendVarchar(`${JSON.stringify(t.member)}:${JSON.stringify(redacted)}`);
      }
      appender.endRow();
    }
    appender.closeSync();
  }
}

/** The kind of each resource named, as auditRow finds it for an entry without objects. */
export async function buildKindTable(db: Database): Promise<void> {
  await db.run('CREATE OR REPLACE TABLE kstory_audit_kinds (resource VARCHAR, kind VARCHAR)');
  const resources = await db.all<{ resource: string }>(
    `SELECT DISTINCT resource FROM ${LINES_TABLE} WHERE resource IS NOT NULL AND resource <> ''`,
  );
  const appender = await db.connection.createAppender('kstory_audit_kinds');
  for (const { resource } of resources) {
    const kind = kindOfResource(resource);
    if (typeof kind !== 'string') continue;
    appender.appendVarchar(resource);
    appender.appendVarchar(kind);
    appender.endRow();
  }
  appender.closeSync();
}

/** The object a request's URI names, for entries whose objectRef names none (see nameInUri). */
export async function buildUriNameTable(db: Database): Promise<void> {
  await db.run(
    'CREATE OR REPLACE TABLE kstory_audit_uri_names (uri VARCHAR, resource VARCHAR, name VARCHAR)',
  );
  const pairs = await db.all<{ uri: string; resource: string }>(
    `SELECT DISTINCT uri, resource FROM ${LINES_TABLE} WHERE coalesce(name, '') = '' AND coalesce(uri, '') <> '' ` +
      `AND coalesce(resource, '') <> ''`,
  );
  const appender = await db.connection.createAppender('kstory_audit_uri_names');
  for (const { uri, resource } of pairs) {
    const name = nameInUri(uri, resource);
    if (name === null) continue;
    appender.appendVarchar(uri);
    appender.appendVarchar(resource);
    appender.appendVarchar(name);
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * The texts of the rows' text columns that redaction changes, with what it changes them to (the
 * writer's rule: every string of a text column from 8 characters on). Most logs have none.
 */
export async function buildTextTable(db: Database, redactor: Redactor, select: string): Promise<number> {
  await db.run('CREATE OR REPLACE TABLE kstory_audit_texts (v VARCHAR, r VARCHAR)');
  // Bytes are at least UTF-16 units: no text the rule takes is left out.
  const texts = await db.all<{ v: string }>(`SELECT v FROM (${select}) WHERE strlen(v) >= 8`);
  const appender = await db.connection.createAppender('kstory_audit_texts');
  let changed = 0;
  for (const { v } of texts) {
    if (v.length < 8) continue;
    const r = redactor.text(v);
    if (r === v) continue;
    appender.appendVarchar(v);
    appender.appendVarchar(r);
    appender.endRow();
    changed++;
  }
  appender.closeSync();
  return changed;
}
