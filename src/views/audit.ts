// The `audit` view: one row per API request the audit log holds.

import { sourceView } from './view.ts';

export const audit = sourceView({
  name: 'audit',
  doc: "one row per API-server request of the audit log; the subject columns describe the request's `objectRef`.",
  source: 'audit',
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', coalesce(audit_impersonated_user, audit_user), audit_verb, audit_uri, '→ ' || audit_code)`,
    virtual: {
      actor: {
        sql: 'coalesce(audit_impersonated_user, audit_user)',
        doc: 'who made the request: the impersonated user when there is one',
      },
    },
  },
});
