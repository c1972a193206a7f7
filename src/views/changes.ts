// The `changes` view (changes.sql) as patterns read it: a change, with its author when known.

import { sqlView } from './view.ts';

/** What a change did, in words: `replicas 3 → 0`, `rollout restart`, the spec fields it set. */
const DESCRIPTION = `CASE change
  WHEN 'deleted' THEN 'deleted'
  WHEN 'restart' THEN 'rollout restart (restartedAt ' || coalesce(new, '?') || ')'
  WHEN 'replicas' THEN CASE WHEN new IS NULL THEN 'replicas changed (the audit log does not say to what)' ELSE 'replicas ' || coalesce(old, '?') || ' → ' || new END
  WHEN 'data' THEN 'data ' || CASE WHEN new IS NULL THEN 'changed (the audit log does not say which keys)' WHEN old IS NULL THEN 'set: ' || new ELSE old || ' → ' || new END
  WHEN 'permissions' THEN 'permissions ' || CASE WHEN new IS NULL THEN 'changed (the audit log does not say how)' ELSE coalesce(old, '(none)') || ' → ' || new END
  WHEN 'spec' THEN 'spec ' || CASE WHEN old IS NULL THEN coalesce(nullif(new, ''), '(the fields are not in the audit log)') ELSE old || ' → ' || new END
  WHEN 'written' THEN 'written (logged at the Metadata level: the audit log does not say what changed)'
  WHEN 'image' THEN 'image ' || CASE WHEN old IS NULL AND new IS NOT NULL THEN 'set: ' || new || ' (the audit log does not say the one before)' ELSE coalesce(old, '(none)') || ' → ' || coalesce(new, '(none)') END
  ELSE change || ' ' || coalesce(old, '(none)') || ' → ' || coalesce(new, '(none)') END`;

export const changes = sqlView(import.meta.url, 'changes.sql', {
  name: 'changes',
  source: 'object',
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    // The client is the first word of its user agent (`kubectl/v1.29.1`), the rest is its platform.
    excerpt: `concat_ws(' ', coalesce(actor, 'someone'), CASE actor_verb WHEN 'patch' THEN 'patched' WHEN 'update' THEN 'updated'
      WHEN 'create' THEN 'created' WHEN 'delete' THEN 'deleted' ELSE 'changed' END, kind || ' ' || coalesce(namespace || '/', '') || name || ':',
      ${DESCRIPTION}, '(with ' || nullif(split_part(actor_agent, ' ', 1), '') || ')')`,
  },
});

/** Custom objects, as changes.sql tells them (its copy of this test must stay the same): a group of
 * their own, not one of Kubernetes' `*.k8s.io`. */
const CUSTOM = `(api_version LIKE '%.%/%' AND NOT split_part(api_version, '/', 1) LIKE '%k8s.io')`;

/**
 * The parts of bodies `changes` reads besides ConfigMap and Secret data, as SQL over a source's
 * rows: analysis keeps these (and drops the rest of the bodies) when it loads its working set. A
 * workload's pod-template annotations (a rollout restart), a custom object's spec, and of a
 * successful write to a workload, a scale or a custom object, the request and the answer's spec; of
 * one to a ConfigMap or Secret, the data it sent.
 */
export const CHANGES_BODY = {
  object: `CASE WHEN kind IN ('Deployment', 'StatefulSet', 'DaemonSet')
      THEN json_object('spec', json_object('template', json_object('metadata', json_object('annotations',
        json_extract(body, '$.spec.template.metadata.annotations')))))
    WHEN ${CUSTOM} THEN json_object('spec', json_extract(body, '$.spec')) END`,
  audit: `CASE WHEN audit_code < 400 AND audit_verb IN ('patch', 'update')
      AND (audit_subresource = 'scale' OR (audit_subresource IS NULL AND (kind IN ('Deployment', 'StatefulSet', 'DaemonSet') OR ${CUSTOM})))
    THEN json_object('requestObject', json_extract(body, '$.requestObject'),
      'responseObject', json_object('spec', json_extract(body, '$.responseObject.spec')))
    WHEN audit_code < 400 AND audit_verb IN ('patch', 'update') AND audit_subresource IS NULL AND kind IN ('ConfigMap', 'Secret')
    THEN json_object('requestObject', json_object('data', json_extract(body, '$.requestObject.data'),
      'binaryData', json_extract(body, '$.requestObject.binaryData'), 'stringData', json_extract(body, '$.requestObject.stringData'))) END`,
} as const;
