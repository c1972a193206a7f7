// The `objects` view: every version of every object the bundle holds, with the object columns.

import { sourceView } from './view.ts';

export const objects = sourceView({
  name: 'objects',
  doc: 'every version of every Kubernetes object in the bundle, of any kind, custom resources included.',
  source: 'object',
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', kind || ' ' || name, watch_event, 'phase ' || phase, status_reason,
      CASE WHEN replicas_desired IS NOT NULL THEN 'replicas ' || coalesce(replicas_ready::VARCHAR, '?') || '/' || replicas_desired || ' ready' END)`,
    state: true,
    virtual: {
      // Unknown counts (a version no controller has written a status to) leave these unknown:
      // a workload whose status nobody has seen is not short of replicas.
      replicas_missing: {
        sql: 'coalesce(replicas_desired, 0) - replicas_ready',
        doc: 'desired replicas that are not ready (null when the ready count is unknown)',
      },
      replicas_unavailable: {
        sql: 'coalesce(replicas_desired, 0) - replicas_available',
        doc: 'desired replicas that are not available (null when the available count is unknown)',
      },
      tls_days_left: {
        sql: "date_diff('second', ts, TRY_CAST(attrs['tls_not_after'] AS TIMESTAMPTZ)) / 86400.0",
        doc: "days from the observation to the TLS certificate's expiry (negative once expired)",
      },
      update_pending: {
        sql: "attrs['current_revision'] IS DISTINCT FROM attrs['update_revision']",
        doc: 'a StatefulSet whose pods are not all on the update revision yet',
      },
      tls_lifetime_used: {
        sql: "date_diff('second', created_at, ts) / nullif(date_diff('second', created_at, TRY_CAST(attrs['tls_not_after'] AS TIMESTAMPTZ)), 0)",
        doc: "share of the certificate's lifetime gone, taking the Secret's creation as its issue time",
      },
    },
  },
});
