// Signs of trouble the bundle shows outright that no finding explains: Warning events, containers
// waiting or failed, pods a kubectl table printed in a failing STATUS, nodes `kubectl top` printed
// near their memory, what kubectl printed as an error (an Ingress backend not found, a quota used
// up, a rollout it gave up on), objects whose conditions say they are not ready, not available or
// failed, Services whose endpoints are all not ready or whose load balancer never got an address,
// workloads without conditions short of ready pods, namespaces stuck deleting, lines a container
// logged as errors, a restart its logs alone show. No pattern may know them (an Event reason, a status no pattern
// reads, a table too thin for one): they are said beside "no incidents", never dropped.

import type { Bundle } from '../bundle/reader.ts';
import { DERIVED_FROM_ANNOTATION } from '../kube/object-fields.ts';
import type { LoadedPattern } from '../patterns/load.ts';
import { ERROR_LINE_RE } from '../vocab/log-filter.ts';
import type { Subject } from '../vocab/object-ref.ts';
import { concerns } from './alerts.ts';
import type { Relations } from './relations.ts';
import type { ReportTrouble } from './report.ts';

const ISO = `'%Y-%m-%dT%H:%M:%S.%fZ'`;

/** The annotation an import keeps a `kubectl get` row's STATUS, READY and RESTARTS in, as printed. */
const PRINTED_ROW = 'kstory.dev/kubectl-get';

/** The annotation an import keeps trouble a describe printed but no field holds in (`Reason: message` lines). */
const PRINTED_TROUBLE = 'kstory.dev/printed-trouble';

/** The text of rollout status, as the annotation naming the text an object was rebuilt from says it. */
const ROLLOUT_SOURCE = 'kubectl rollout';

/** A namespace's conditions that say why its deletion is stuck (said by the conditions themselves). */
const NAMESPACE_STUCK = [
  'NamespaceDeletionContentFailure',
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
];

/**
 * What a process writes when it stops on a signal and shuts down in order: Go and Node.js servers'
 * "received SIGTERM", Spring Boot's "Commencing graceful shutdown" and "Graceful shutdown complete",
 * nginx's "signal 15 (SIGTERM) received" and "gracefully shutting down", gunicorn's "Handling signal:
 * term", uvicorn's "Shutting down" and "Finished server process", PostgreSQL's "received fast
 * shutdown request" and "database system is shut down", Redis's "Received SIGTERM scheduling shutdown"
 * and "ready to exit, bye bye". Case-insensitive.
 */
const CLEAN_SHUTDOWN_RE = String.raw`(\bSIGTERM\b|\bSIGINT\b|signal 15\b|signal:? terminated|handling signal: (term|int|quit)|graceful(ly)? shut ?down|shutting down gracefully|graceful shutdown|^(INFO:\s+)?shutting down$|finished server process|(smart|fast) shutdown request|database system is shut down|ready to exit)`;
/** What a container waits in while it starts normally. */
const STARTING = ['ContainerCreating', 'PodInitializing'];

/** What `kubectl get pods` prints for a pod that runs, finished well or is on its way. */
const PRINTED_FINE = [
  'Running',
  'Completed',
  'Succeeded',
  'Pending',
  'ContainerCreating',
  'PodInitializing',
  'Terminating',
];

/**
 * Conditions whose status says something is wrong: kind-agnostic, so a custom resource's `Ready`
 * or `Degraded` counts as a Deployment's `Available` does.
 */
const BAD_WHEN_FALSE = [
  'Ready',
  'Available',
  'Progressing',
  'PodScheduled',
  'Established',
  'Synced',
  'Healthy',
];
/** How long a load balancer may wait for its address before it is trouble: clouds give one in minutes. */
const LOAD_BALANCER_PENDING = "'15 minutes'";
/** A node's memory in use over its allocatable (`kubectl top nodes`) past which the kubelet is near evicting. */
const NODE_MEMORY_HIGH = 0.9;

const BAD_WHEN_TRUE = [
  'Failed',
  'ReplicaFailure',
  'Degraded',
  'MemoryPressure',
  'DiskPressure',
  'PIDPressure',
  'NetworkUnavailable',
  'Stalled',
  // node-problem-detector's node conditions (and those managed clusters add the same way).
  'KernelDeadlock',
  'ReadonlyFilesystem',
  'FrequentKubeletRestart',
  'FrequentDockerRestart',
  'FrequentContainerdRestart',
  'FrequentUnregisterNetDevice',
  'CorruptDockerOverlay2',
  'KubeletProblem',
  'ContainerRuntimeProblem',
  // A namespace whose deletion is stuck.
  ...NAMESPACE_STUCK,
];

interface Row {
  source: 'event' | 'object' | 'log';
  reason: string;
  kind: string;
  namespace: string | null;
  name: string;
  container: string | null;
  count: number;
  first: string;
  last: string;
  message: string | null;
  /** Whether the bundle holds the object itself (an Event's), so that a pattern saw its state. */
  object_known: boolean;
}

/** The Event reasons the patterns' signals name: Events of other reasons no pattern judges. */
export function eventReasonsRead(patterns: readonly LoadedPattern[]): Set<string> {
  const reasons = new Set<string>();
  for (const pattern of patterns)
    for (const signal of Object.values(pattern.detect.signals))
      for (const where of [signal.where, ...(signal.any ?? [])])
        for (const [key, value] of Object.entries(where ?? {}))
          if (key === 'event_reason' || key === 'event_reason|in')
            for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') reasons.add(v);
  return reasons;
}

/** Every sign of trouble in the window, one per reason and object, most repeated first. */
export async function loadTrouble(bundle: Bundle, window: { start: string; end: string }): Promise<Row[]> {
  const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
  const rows = await bundle.query<Row>(
    `WITH warnings AS (
       -- One Event's versions count once: its largest count, its last message.
       SELECT event_reason AS reason, kind, namespace, name, any_value(container) AS container,
              max(coalesce(event_count, 1)) AS count, min(coalesce(event_first, ts)) AS first,
              max(ts) AS last, arg_max(event_message, ts) AS message
       FROM events
       WHERE event_type = 'Warning' AND event_reason IS NOT NULL AND name IS NOT NULL
         AND ts BETWEEN $1::TIMESTAMPTZ AND $2::TIMESTAMPTZ
       GROUP BY event_reason, kind, namespace, name, coalesce(event_uid, event_message)
     ),
     latest_containers AS (
       -- Only the fields read below: a container's whole entry (image, limits, ...) costs the
       -- choice of its newest version three times as much.
       SELECT arg_max({namespace: namespace, pod: pod, name: name, ts: ts, phase: phase, state: state,
                       reason: reason, message: message, exit_code: exit_code}, ts) AS c
       FROM containers WHERE ts <= $2::TIMESTAMPTZ
       GROUP BY namespace, pod, name
     ),
     containers_now AS (
       SELECT (c).namespace AS namespace, (c).pod AS name, (c).name AS container, (c).ts AS ts,
              (c).phase AS phase, (c).state AS state, (c).reason AS reason, (c).message AS message,
              (c).exit_code AS exit_code
       FROM latest_containers
     ),
     latest_objects AS (
       -- The bundle's own bodies: the working set keeps no pod's. Only an import prints tables.
       SELECT kind, namespace, name, arg_max(body, ts) AS body, max(ts) AS ts FROM bundle
       WHERE $3 AND source = 'object' AND kind = 'Pod' AND ts <= $2::TIMESTAMPTZ
         AND contains(body, '${PRINTED_ROW}') GROUP BY ALL
     ),
     printed AS (
       SELECT namespace, name, ts, regexp_extract(
                json_extract_string(body, '$.metadata.annotations."${PRINTED_ROW}"'), 'STATUS=(\\S*)', 1
              ) AS status
       FROM latest_objects
     ),
     printed_trouble AS (
       SELECT kind, namespace, name, ts, unnest(string_split(json_extract_string(
                body, '$.metadata.annotations."${PRINTED_TROUBLE}"'), chr(10))) AS line
       FROM (SELECT kind, namespace, name, arg_max(body, ts) AS body, max(ts) AS ts FROM bundle
             WHERE $3 AND source = 'object' AND ts <= $2::TIMESTAMPTZ
               AND contains(body, '${PRINTED_TROUBLE}') GROUP BY ALL)
     ),
     node_memory AS (
       SELECT name, arg_max(metric_value, ts) AS ratio, max(ts) AS ts FROM metrics
       WHERE metric_name = 'node_memory_usage_ratio' AND name IS NOT NULL AND ts <= $2::TIMESTAMPTZ
       GROUP BY name
     ),
     latest_conditions AS (
       SELECT kind, namespace, name, type, arg_max(status, ts) AS status, arg_max(reason, ts) AS reason,
              arg_max(message, ts) AS message, max(ts) AS ts
       FROM conditions WHERE ts <= $2::TIMESTAMPTZ
         -- A pod's conditions are read below for its scheduling and what is bad when true only:
         -- its readiness, said by its containers, is most of the bundle's conditions.
         AND (kind IS DISTINCT FROM 'Pod' OR type IN ('PodScheduled', ${list(BAD_WHEN_TRUE)}))
       GROUP BY ALL
     ),
     latest_state AS (
       -- The newest version of the kinds whose state says trouble without a condition: what
       -- rollout status printed gives some counts only (the others are unknown, not 0), and what
       -- it said of the rollout is its own trouble above.
       SELECT kind, namespace, name, max(ts) AS ts, arg_max(watch_event, ts) AS watch_event,
              arg_max(phase, ts) AS phase, arg_max(replicas_desired, ts) AS desired,
              arg_max(replicas_ready, ts) AS ready, arg_max(replicas_available, ts) AS available,
              arg_max(TRY_CAST(attrs['ready_addresses'] AS INTEGER), ts) AS ready_addresses,
              arg_max(TRY_CAST(attrs['not_ready_addresses'] AS INTEGER), ts) AS not_ready_addresses,
              arg_max(TRY_CAST(attrs['ready_endpoints'] AS INTEGER), ts) AS ready_endpoints,
              arg_max(TRY_CAST(attrs['not_ready_endpoints'] AS INTEGER), ts) AS not_ready_endpoints,
              arg_max(attrs['service_name'], ts) AS service_name,
              arg_max(TRY_CAST(attrs['load_balancer_ingress'] AS INTEGER), ts) AS load_balancer_ingress,
              arg_max(created_at, ts) AS created_at, arg_max(taints, ts) AS taints
       FROM objects
       WHERE kind IN ('Namespace', 'Endpoints', 'EndpointSlice', 'Deployment', 'StatefulSet', 'DaemonSet', 'Service', 'Node')
         AND name IS NOT NULL AND ts <= $2::TIMESTAMPTZ
       GROUP BY ALL
     ),
     from_rollout AS (
       -- Only an import rebuilds objects from text; the working set keeps no bodies to say so.
       SELECT kind, namespace, name, max(ts) AS ts FROM bundle
       WHERE $3 AND source = 'object' AND kind IN ('Deployment', 'StatefulSet', 'DaemonSet')
         AND ts <= $2::TIMESTAMPTZ AND contains(body, '"${DERIVED_FROM_ANNOTATION}":"${ROLLOUT_SOURCE}"')
       GROUP BY ALL
     ),
     backends AS (
       -- A Service's addresses as its Endpoints and its EndpointSlices (one or more) list them.
       SELECT namespace, name, ts, ready_addresses AS ready, not_ready_addresses AS not_ready
       FROM latest_state WHERE kind = 'Endpoints' AND watch_event <> 'DELETED'
       UNION ALL
       SELECT namespace, service_name, max(ts), sum(ready_endpoints), sum(not_ready_endpoints)
       FROM latest_state WHERE kind = 'EndpointSlice' AND watch_event <> 'DELETED' AND service_name IS NOT NULL
       GROUP BY ALL
     ),
     logged_errors AS (
       -- Lines a container wrote at an error level or in error words, the first of them quoted:
       -- what went wrong inside it, whatever its cause.
       SELECT namespace, name, container, count(*)::INTEGER AS count, min(ts) AS first, max(ts) AS last,
              arg_min(log_line, ts) AS message
       FROM logs
       WHERE kind = 'Pod' AND name IS NOT NULL AND ts BETWEEN $1::TIMESTAMPTZ AND $2::TIMESTAMPTZ
         AND regexp_matches(log_line, $4, 'i')
       GROUP BY ALL
     ),
     logged_restarts AS (
       -- A previous instance's log ends where it stopped: the container restarted. Said only of pods
       -- whose state the bundle does not hold (logs alone): their restarts are otherwise in it. One
       -- instance that said it was stopping on a signal and logged no error from then on was stopped
       -- and shut down cleanly (a node drained or rebooted, a restart asked for): no trouble. Several
       -- such stops (a run of shutdown lines each) are a container killed again and again (a liveness
       -- probe): trouble, however clean each stop.
       SELECT namespace, name, container, max(ts) AS ended, arg_max(log_line, ts) AS last_line,
              min(ts) FILTER (WHERE shutdown) AS shutdown_from,
              max(ts) FILTER (WHERE regexp_matches(log_line, $4, 'i')) AS last_error,
              count(*) FILTER (WHERE shutdown AND NOT coalesce(after_shutdown, false))::INTEGER AS stops
       FROM (SELECT namespace, name, container, ts, log_line, shutdown,
                    lag(shutdown) OVER (PARTITION BY namespace, name, container ORDER BY ts) AS after_shutdown
             FROM (SELECT namespace, name, container, ts, log_line, regexp_matches(log_line, $5, 'i') AS shutdown
                   FROM logs l
                   WHERE kind = 'Pod' AND name IS NOT NULL AND log_previous AND ts <= $2::TIMESTAMPTZ
                     AND NOT EXISTS (SELECT 1 FROM containers c WHERE c.namespace = l.namespace AND c.pod = l.name)))
       GROUP BY ALL
       HAVING max(ts) >= $1::TIMESTAMPTZ
     ),
     services_down AS (
       SELECT namespace, name, max(ts) AS ts, max(ready) AS ready, max(not_ready) AS not_ready
       FROM backends GROUP BY ALL
     )
     SELECT 'event' AS source, reason, w.kind, w.namespace, w.name, container, count::INTEGER AS count,
            strftime(first, ${ISO}) AS first, strftime(last, ${ISO}) AS last, message,
            o.name IS NOT NULL AS object_known
     FROM warnings w LEFT JOIN (SELECT DISTINCT kind, namespace, name FROM objects) o
       ON o.kind = w.kind AND o.name = w.name AND o.namespace IS NOT DISTINCT FROM w.namespace
     UNION ALL
     SELECT 'object', reason, 'Pod', namespace, name, container, 1, strftime(ts, ${ISO}),
            strftime(ts, ${ISO}), message, true
     FROM containers_now
     WHERE coalesce(phase, '') <> 'Succeeded' AND (
       (state = 'waiting' AND reason IS NOT NULL AND reason NOT IN (${list(STARTING)}))
       OR (state = 'terminated' AND coalesce(exit_code, 0) <> 0 AND coalesce(phase, '') <> 'Failed'))
     UNION ALL
     SELECT 'object', status, 'Pod', namespace, name, NULL, 1, strftime(ts, ${ISO}), strftime(ts, ${ISO}),
            'kubectl get printed STATUS ' || status, true
     FROM printed
     WHERE status <> '' AND status NOT IN (${list(PRINTED_FINE)}) AND NOT regexp_matches(status, '^Init:\\d+/\\d+$')
     UNION ALL
     SELECT 'object', split_part(line, ': ', 1), kind, namespace, name, NULL, 1, strftime(ts, ${ISO}),
            strftime(ts, ${ISO}), substr(line, strpos(line, ': ') + 2), true
     FROM printed_trouble WHERE line <> ''
     UNION ALL
     SELECT 'object', 'MemoryUsage=' || CAST(round(ratio * 100) AS INTEGER) || '%', 'Node', NULL, name, NULL, 1,
            strftime(ts, ${ISO}), strftime(ts, ${ISO}),
            'kubectl top printed memory at ' || CAST(round(ratio * 100) AS INTEGER) || '% of allocatable', true
     FROM node_memory WHERE ratio >= ${NODE_MEMORY_HIGH}
     UNION ALL
     SELECT 'object', 'NoReadyEndpoints', 'Service', namespace, name, NULL, 1, strftime(ts, ${ISO}),
            strftime(ts, ${ISO}), 'its endpoints listed ' || not_ready || ' not-ready address'
              || CASE WHEN not_ready = 1 THEN '' ELSE 'es' END || ' and no ready one: it had no backend to send requests to', true
     FROM services_down WHERE coalesce(ready, 0) = 0 AND not_ready > 0
     UNION ALL
     -- A table without READY (kubectl before 1.15) says how many replicas are available: fewer than
     -- desired is the same shortfall, said by what was printed.
     SELECT 'object', CASE WHEN kind = 'DaemonSet' THEN 'PodsUnavailable'
                           WHEN ready IS NULL THEN 'ReplicasUnavailable' ELSE 'ReplicasNotReady' END,
            kind, namespace, name, NULL, 1, strftime(ts, ${ISO}), strftime(ts, ${ISO}),
            CASE WHEN kind = 'DaemonSet' THEN available || ' of ' || desired || ' scheduled pods available'
                 WHEN ready IS NULL THEN available || ' of ' || desired || ' replicas available'
                 ELSE ready || ' of ' || desired || ' replicas ready' END, true
     FROM latest_state s
     WHERE kind IN ('Deployment', 'StatefulSet', 'DaemonSet') AND watch_event <> 'DELETED'
       AND desired > 0
       AND NOT EXISTS (SELECT 1 FROM from_rollout r
                       WHERE r.kind = s.kind AND r.name = s.name AND r.namespace IS NOT DISTINCT FROM s.namespace
                         AND r.ts = s.ts)
       AND CASE WHEN kind = 'DaemonSet' OR ready IS NULL THEN available < desired ELSE ready < desired END
       -- A workload whose conditions are known says by them whether its shortfall is trouble.
       AND NOT EXISTS (SELECT 1 FROM latest_conditions c
                       WHERE c.kind = s.kind AND c.name = s.name AND c.namespace IS NOT DISTINCT FROM s.namespace)
     UNION ALL
     -- A cloud gives a load balancer its address within minutes: one without any long after the
     -- Service was created, and no Event of its service controller (a pattern reads those), has
     -- no controller that provisions it, or one that says nothing.
     SELECT 'object', 'LoadBalancerPending', 'Service', namespace, name, NULL, 1, strftime(created_at, ${ISO}),
            strftime($2::TIMESTAMPTZ, ${ISO}),
            'its load balancer still had no address (EXTERNAL-IP <pending>) ' || CASE
              WHEN date_diff('minute', created_at, $2::TIMESTAMPTZ) >= 120
                THEN date_diff('hour', created_at, $2::TIMESTAMPTZ) || 'h'
              ELSE date_diff('minute', created_at, $2::TIMESTAMPTZ) || 'm' END
              || ' after the Service was created: no controller gave it one, nor said why', true
     FROM latest_state
     WHERE kind = 'Service' AND watch_event <> 'DELETED' AND load_balancer_ingress = 0
       AND created_at <= $2::TIMESTAMPTZ - INTERVAL ${LOAD_BALANCER_PENDING}
     UNION ALL
     -- The node lifecycle controller taints a node whose Ready condition is not True: unreachable
     -- when its kubelet stopped posting status, not-ready when it reports a problem. Where the
     -- conditions were not kept (a describe cut short after Taints:), the taint says it.
     SELECT DISTINCT 'object',
            CASE WHEN taint.key = 'node.kubernetes.io/unreachable' THEN 'NodeUnreachable' ELSE 'NodeNotReady' END,
            'Node', NULL, name, NULL, 1, strftime(ts, ${ISO}), strftime(ts, ${ISO}),
            'the node carried the taint ' || taint.key || ' the node lifecycle controller puts on a node '
              || CASE WHEN taint.key = 'node.kubernetes.io/unreachable'
                      THEN 'whose kubelet stopped posting its status' ELSE 'its kubelet reports not ready' END
              || '; its conditions were not kept', true
     FROM (SELECT name, ts, unnest(taints) AS taint FROM latest_state s
           WHERE kind = 'Node' AND watch_event <> 'DELETED'
             AND NOT EXISTS (SELECT 1 FROM latest_conditions c
                             WHERE c.kind = 'Node' AND c.name = s.name AND c.type = 'Ready'))
     WHERE taint.key IN ('node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready')
     UNION ALL
     SELECT 'log', 'LoggedErrors', 'Pod', namespace, name, container, count, strftime(first, ${ISO}),
            strftime(last, ${ISO}), message, true
     FROM logged_errors
     UNION ALL
     SELECT 'log', 'Restarted', 'Pod', namespace, name, container, greatest(stops, 1),
            strftime(coalesce(shutdown_from, ended), ${ISO}), strftime(ended, ${ISO}),
            CASE WHEN stops > 1 THEN 'its previous instances stopped on a signal ' || stops || ' times; the last log ends here, on: '
                 ELSE 'its previous instance''s log ends here, on: ' END || last_line, true
     FROM logged_restarts
     WHERE shutdown_from IS NULL OR last_error >= shutdown_from OR stops > 1
     UNION ALL
     SELECT 'object', 'Terminating', 'Namespace', NULL, name, NULL, 1, strftime(ts, ${ISO}), strftime(ts, ${ISO}),
            'the namespace was still being deleted when last seen: what it holds (finalizers, objects of an API that does not answer) keeps it', true
     FROM latest_state s
     WHERE kind = 'Namespace' AND watch_event <> 'DELETED' AND phase = 'Terminating'
       -- Its conditions say why, when the namespace controller wrote them.
       AND NOT EXISTS (SELECT 1 FROM latest_conditions c
                       WHERE c.kind = 'Namespace' AND c.name = s.name AND c.type IN (${list(NAMESPACE_STUCK)})
                         AND c.status = 'True')
     UNION ALL
     SELECT 'object', type || '=' || status || coalesce(' (' || reason || ')', ''), kind, namespace, name,
            NULL, 1, strftime(ts, ${ISO}), strftime(ts, ${ISO}), message, true
     FROM latest_conditions
     -- A pod's readiness follows its containers, said above; only its scheduling is its own.
     WHERE (type IN (${list(BAD_WHEN_FALSE)}) AND status IN ('False', 'Unknown')
            AND (kind <> 'Pod' OR type = 'PodScheduled'))
        OR (type IN (${list(BAD_WHEN_TRUE)}) AND status = 'True')`,
    [
      window.start,
      window.end,
      bundle.metadata.producer.split('+').includes('import'),
      ERROR_LINE_RE.source,
      CLEAN_SHUTDOWN_RE,
    ],
  );
  return rows;
}

/** The signs no finding is about (the same object, its owner or owned, another pod of its workload),
 * most repeated first; a pod's trouble said by its containers is not said again by its conditions. */
export function unexplainedTrouble(
  rows: readonly Row[],
  subjects: readonly Subject[],
  relations: Relations,
  reasonsRead: ReadonlySet<string>,
): ReportTrouble[] {
  const out = new Map<string, ReportTrouble>();
  for (const row of rows) {
    // An Event a pattern reads, about an object whose state the pattern saw too, was judged: below
    // its threshold (one probe failure), not unknown. Without the object, the judgement lacked half.
    if (row.source === 'event' && row.object_known && reasonsRead.has(row.reason)) continue;
    const subject: Subject = {
      namespace: row.namespace,
      kind: row.kind,
      name: row.name,
      container: row.container,
    };
    // A namespace's own trouble (its deletion stuck) is its own, not that of what runs in it.
    const explained =
      subject.kind === 'Namespace'
        ? subjects.some((s) => s.kind === 'Namespace' && s.name === subject.name)
        : subjects.some((s) => concerns(subject, s, relations));
    if (explained) continue;
    const key = `${row.source}|${row.reason}|${row.namespace ?? ''}/${row.kind}/${row.name}`;
    const known = out.get(key);
    if (known) {
      known.count += row.count;
      if (row.first < known.first) known.first = row.first;
      if (row.last > known.last) {
        known.last = row.last;
        known.message = row.message;
      }
      if (known.subject.container !== row.container) known.subject.container = null;
    } else {
      out.set(key, {
        source: row.source,
        reason: row.reason,
        subject,
        count: row.count,
        first: row.first,
        last: row.last,
        message: row.message,
      });
    }
  }
  const podsWithContainerTrouble = new Set(
    [...out.values()].filter((t) => t.subject.container !== null).map((t) => podKey(t.subject)),
  );
  return [...out.values()]
    .filter(
      (t) =>
        !(
          t.source === 'object' &&
          t.subject.container === null &&
          podsWithContainerTrouble.has(podKey(t.subject))
        ),
    )
    .sort(
      (a, b) =>
        // A chatty container's error lines say less than one Warning: they come after the rest.
        Number(a.source === 'log') - Number(b.source === 'log') ||
        b.count - a.count ||
        a.first.localeCompare(b.first) ||
        a.reason.localeCompare(b.reason) ||
        podKey(a.subject).localeCompare(podKey(b.subject)),
    );
}

const podKey = (s: Subject) => `${s.namespace ?? ''}/${s.kind}/${s.name}`;
