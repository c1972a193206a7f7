// The `audit` view: one row per API request the audit log holds.

import { RECORD_AGENT } from '../version.ts';
import { sourceView } from './view.ts';

/** The API server's answer: the audit entry keeps it in the body only. */
const MESSAGE = `json_extract_string(body, '$.responseStatus.message')`;

/** The PodDisruptionBudget an eviction refused with 429 names, as SQL over an audit row. */
export const DISRUPTION_BUDGET_SQL = `nullif(regexp_extract(CAST(json_extract(body, '$.responseStatus.details.causes') AS VARCHAR),
          'The disruption budget ([^ "]+) ', 1), '')`;

export const audit = sourceView({
  name: 'audit',
  doc: "one row per API-server request of the audit log, but those `kstory record` made itself; the subject columns describe the request's `objectRef`.",
  source: 'audit',
  // A recording's own requests (its log streams failing on a deleted pod) say nothing of the cluster.
  except: `starts_with(audit_user_agent, '${RECORD_AGENT}/')`,
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    // A refusal says why: the API server's message.
    excerpt: `concat_ws(' ', coalesce(audit_impersonated_user, audit_user), audit_verb, audit_uri, '→ ' || audit_code,
      CASE WHEN audit_code >= 400 THEN '- ' || ${MESSAGE} END)`,
    virtual: {
      actor: {
        sql: 'coalesce(audit_impersonated_user, audit_user)',
        doc: 'who made the request: the impersonated user when there is one',
      },
      audit_message: {
        sql: MESSAGE,
        doc: "the API server's answer, `responseStatus.message` (why a request was refused)",
      },
      webhook: {
        sql: `nullif(regexp_extract(${MESSAGE}, 'webhook "([^"]+)"', 1), '')`,
        doc: 'the admission webhook the answer names: failed calling webhook "x", admission webhook "x" denied the request',
      },
      request_action: {
        sql: `concat_ws(' ', audit_verb, coalesce(audit_resource || coalesce('/' || audit_subresource, ''), audit_uri),
          'in ' || namespace)`,
        doc: 'what the request asked to do: its verb, resource (and subresource) and namespace (`list pods in shop`)',
      },
      disruption_budget: {
        sql: DISRUPTION_BUDGET_SQL,
        doc: 'the PodDisruptionBudget an eviction refused with 429 names: "The disruption budget x needs 2 healthy pods and has 2 currently"',
      },
      refusing_quota: {
        sql: `nullif(regexp_extract(${MESSAGE}, 'exceeded quota: ([^,]+)', 1), '')`,
        doc: 'the ResourceQuota an "exceeded quota" refusal names',
      },
      request_owner_kind: {
        sql: `json_extract_string(body, '$.requestObject.metadata.ownerReferences[0].kind')`,
        doc: 'the kind of the controller owning the object the request sent (audit level Request or above)',
      },
      request_owner_name: {
        sql: `json_extract_string(body, '$.requestObject.metadata.ownerReferences[0].name')`,
        doc: 'the name of that controller: whose pod a refused creation was',
      },
    },
  },
});
