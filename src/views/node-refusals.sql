-- node_refusals: the scheduler's FailedScheduling Events that refuse nodes because they are not ready
-- or unreachable (their node.kubernetes.io/not-ready or unreachable taint, the NodeNotReady predicate
-- of old releases), with the node refused when it can be told: the scheduler counts nodes without
-- naming them, so a node is named only when every node it counted was refused so ("0/1 nodes are
-- available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }") and the nodes known
-- where the Event was found, or else in the whole bundle, are exactly that many. This is how a
-- node's NotReady state shows when no status of the node from that time was captured (kubectl
-- output pasted from a terminal, a dump taken after the node came back).
--
-- Reads: events, objects
--
-- Columns:
--   ts: when the Event version was seen
--   kind, namespace, name, uid: the pod the scheduler could not place
--   origin: where the Event was found (a file of an import)
--   event_type, event_reason, event_message, event_count, event_first, event_source, event_uid: the
--     Event, as in `events`
--   refused_taint: `not-ready` or `unreachable`: why the nodes were refused (null when the message
--     gives both)
--   refused_nodes: how many nodes the message says were refused so
--   nodes_total: how many nodes the scheduler considered (`0/N nodes`; null on old releases)
--   refused_node: the node refused, when the known nodes tell which (one row per such node); null
--     when they do not
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/node-lost-evictions.parquet';
--   CREATE VIEW objects AS FROM bundle WHERE source = 'object';
--   CREATE VIEW events AS FROM bundle WHERE source = 'event';
--   .read src/views/node-refusals.sql
--   SELECT ts, name, refused_taint, refused_nodes, nodes_total, refused_node FROM node_refusals;

CREATE VIEW node_refusals AS
WITH counted AS (
  SELECT ts, kind, namespace, name, uid, origin, event_type, event_reason, event_message, event_count,
         event_first, event_source, event_uid,
         TRY_CAST(nullif(regexp_extract(event_message, '([0-9]+) node\(s\) had (?:untolerated )?taints? \{node\.kubernetes\.io/not-ready:', 1), '') AS INTEGER) AS not_ready_taint,
         TRY_CAST(nullif(regexp_extract(event_message, '([0-9]+) (?:node\(s\) were not ready|NodeNotReady\b)', 1), '') AS INTEGER) AS not_ready_old,
         TRY_CAST(nullif(regexp_extract(event_message, 'NodeNotReady \(([0-9]+)\)', 1), '') AS INTEGER) AS not_ready_predicate,
         TRY_CAST(nullif(regexp_extract(event_message, '([0-9]+) node\(s\) had (?:untolerated )?taints? \{node\.kubernetes\.io/unreachable:', 1), '') AS INTEGER) AS unreachable,
         TRY_CAST(nullif(regexp_extract(event_message, '^0/([0-9]+) nodes', 1), '') AS INTEGER) AS nodes_total
  FROM events
  WHERE event_reason = 'FailedScheduling'
    AND regexp_matches(event_message, 'node\.kubernetes\.io/(not-ready|unreachable)|NodeNotReady|node\(s\) were not ready')
),
refusals AS (
  SELECT * EXCLUDE (not_ready_taint, not_ready_old, not_ready_predicate, unreachable),
         coalesce(not_ready_taint, not_ready_old, not_ready_predicate) AS not_ready, unreachable
  FROM counted
),
refused AS (
  SELECT * EXCLUDE (not_ready, unreachable),
         CASE WHEN unreachable IS NULL THEN 'not-ready' WHEN not_ready IS NULL THEN 'unreachable' END AS refused_taint,
         coalesce(not_ready, 0) + coalesce(unreachable, 0) AS refused_nodes
  FROM refusals
),
-- The nodes the bundle knows: Nodes, and the nodes pods were bound to, by where they were found.
known AS (
  SELECT DISTINCT origin, CASE WHEN kind = 'Node' THEN name ELSE node END AS known_node
  FROM objects
  WHERE kind IN ('Node', 'Pod') AND CASE WHEN kind = 'Node' THEN name ELSE node END IS NOT NULL
    AND EXISTS (SELECT 1 FROM refused)
),
by_origin AS (SELECT origin, list(known_node ORDER BY known_node) AS nodes FROM known GROUP BY origin),
everywhere AS (SELECT list(DISTINCT known_node ORDER BY known_node) AS nodes FROM known),
-- Every node counted was refused (all of them, when the message gives no total): those known where
-- the Event was found, when they are that many, else those of the whole bundle, when they are.
named AS (
  SELECT r.*,
         CASE
           WHEN r.refused_nodes = 0 OR r.refused_nodes IS DISTINCT FROM coalesce(r.nodes_total, r.refused_nodes) THEN NULL
           WHEN len(o.nodes) = r.refused_nodes THEN o.nodes
           WHEN len(w.nodes) = r.refused_nodes THEN w.nodes
         END AS candidates
  FROM refused r
  LEFT JOIN by_origin o ON o.origin IS NOT DISTINCT FROM r.origin
  CROSS JOIN everywhere w
)
SELECT ts, kind, namespace, name, uid, origin, event_type, event_reason, event_message, event_count,
       event_first, event_source, event_uid, refused_taint, refused_nodes, nodes_total,
       unnest(coalesce(candidates, [NULL::VARCHAR])) AS refused_node
FROM named;
