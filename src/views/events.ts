// The `events` view: every version of every Event, about the object it involves.

import { sourceView } from './view.ts';

export const events = sourceView({
  name: 'events',
  doc: 'every version of every Kubernetes Event; the subject columns describe the object it involves.',
  source: 'event',
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'container' },
    excerpt: `concat_ws(' ', event_type, event_reason, CASE WHEN event_count > 1 THEN '(x' || event_count || ')' END, 'on ' || kind || ' ' || name || ':', event_message)`,
    virtual: {
      webhook: {
        sql: `nullif(regexp_extract(event_message, 'webhook "([^"]+)"', 1), '')`,
        doc: 'the admission webhook the message names: failed calling webhook "x", admission webhook "x" denied the request',
      },
    },
    // The event recorder folds repeats into one Event whose count grows; its firstTimestamp is the
    // first occurrence, which keeps a timeline in snapshots holding only each Event's latest version.
    repeats: {
      occurrences: 'coalesce(event_count, 1)',
      first: 'least(ts, coalesce(event_first, ts))',
      identity: `coalesce(event_uid, event_reason || '|' || coalesce(event_message, ''))`,
    },
  },
});
