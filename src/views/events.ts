// The `events` view: every version of every Event, about the object it involves; the FailedSync of
// kubelets before 1.10, which carried the failure the kubelet now reports on its own, read as that one.

import { sourceView } from './view.ts';

// Kubelets up to 1.9 said each failed pod sync as one FailedSync Event: "Error syncing pod, skipping:"
// and the sync result, `failed to "StartContainer" for "app" with CrashLoopBackOff: "Back-off 5m0s
// restarting failed container=app …"` (several in brackets), or the error that stopped the sync,
// "timeout expired waiting for volumes to attach/mount for pod …". Later kubelets report the same
// failures as their own Events (BackOff, ErrImagePull, InspectFailed, FailedMount,
// FailedCreatePodSandBox): read under those reasons, about the container the result names, the
// patterns judge them. The message is kept as the kubelet wrote it.
const SYNC_RESULT = `'^Error syncing pod, skipping: \\[?failed to "[A-Za-z]+" for "([^"]+)" with ([A-Za-z]+): '`;
const syncTarget = `regexp_extract(event_message, ${SYNC_RESULT}, 1)`;
const syncReason = `regexp_extract(event_message, ${SYNC_RESULT}, 2)`;
const FAILED_SYNC = `event_reason = 'FailedSync' AND event_message IS NOT NULL`;
/** The reason a later kubelet gives each failure a sync result names (`POD`: the pod's sandbox). */
const FAILED_SYNC_REASON = `CASE
  WHEN NOT (${FAILED_SYNC}) THEN event_reason
  WHEN starts_with(event_message, 'Error syncing pod, skipping: timeout expired waiting for volumes to attach')
    THEN 'FailedMount'
  WHEN ${syncReason} = '' THEN event_reason
  WHEN ${syncTarget} = 'POD' THEN 'FailedCreatePodSandBox'
  WHEN ${syncReason} IN ('CrashLoopBackOff', 'ImagePullBackOff') THEN 'BackOff'
  WHEN ${syncReason} IN ('ErrImagePull', 'ErrImageNeverPull') THEN ${syncReason}
  WHEN ${syncReason} = 'InvalidImageName' THEN 'InspectFailed'
  ELSE event_reason END`;
const FAILED_SYNC_CONTAINER = `CASE
  WHEN container IS NULL AND ${FAILED_SYNC} AND ${syncTarget} NOT IN ('', 'POD') THEN ${syncTarget}
  ELSE container END`;

// The involved object's fieldPath names the container kind: the kubelet's Events about an init
// container carry spec.initContainers{name} (core/v1 involvedObject, events.k8s.io/v1 regarding).
const INIT_CONTAINER = `coalesce(starts_with(coalesce(json_extract_string(body, '$.involvedObject.fieldPath'),
  json_extract_string(body, '$.regarding.fieldPath')), 'spec.initContainers{'), false)`;

/** What analysis keeps of an Event's body (working-set.ts): the fieldPath of an init container's,
 * all the `init` field reads; the rest is in the columns. Only the bodies of container Events that
 * name an init container are parsed. */
export const EVENTS_BODY = `CASE WHEN container IS NOT NULL AND contains(body, 'spec.initContainers{') AND ${INIT_CONTAINER}
  THEN json_object('involvedObject', json_object('fieldPath', 'spec.initContainers{' || container || '}')) END`;

export const events = sourceView({
  name: 'events',
  doc: 'every version of every Kubernetes Event; the subject columns describe the object it involves. A FailedSync of a kubelet before 1.10 that carries a crash loop, an image pull, a volume or a sandbox failure has the reason a later kubelet gives it (BackOff, ErrImagePull, InspectFailed, FailedMount, FailedCreatePodSandBox) and the container its message names; its message is as written.',
  source: 'event',
  replace: { event_reason: FAILED_SYNC_REASON, container: FAILED_SYNC_CONTAINER },
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'container' },
    excerpt: `concat_ws(' ', event_type, event_reason, CASE WHEN event_count > 1 THEN '(x' || event_count || ')' END, 'on ' || kind || ' ' || name || ':', event_message)`,
    virtual: {
      // A failing init container is told from a crash loop when the bundle holds no pod status
      // (Events alone). An Event without a fieldPath is not about one.
      init: {
        sql: INIT_CONTAINER,
        doc: "the Event is about an init container: its involved object's fieldPath is spec.initContainers{name}",
      },
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
