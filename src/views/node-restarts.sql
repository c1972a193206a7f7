-- node_restarts: moments when containers on one node ended together the way a restart of the node
-- (or of its container runtime) ends them: the runtime reports the containers it lost with reason
-- Unknown (containerd, CRI-O) or Error and exit code 255 (Docker). One row per node and restart:
-- those last terminations, each within 30 seconds of the one before it on the node (a restart ends
-- its containers within seconds, and a second one can only end containers started again after the
-- first), with how many distinct containers ended so. Grouped by that gap, not by calendar minute:
-- a restart across a minute boundary is one, two restarts in one minute are two. What a snapshot
-- keeps of a reboot long after it, when no Event says it.
--
-- Reads: containers
--
-- Columns:
--   ts: when the first pod version that shows them was seen (within what was captured, which a
--     reboot may precede)
--   ended_at: the first of those terminations
--   kind, namespace, name: the node (kind `Node`, no namespace)
--   containers: how many distinct containers ended so in that restart
--   pods: the pods they belong to, as `namespace/name`, sorted
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/node-lost.parquet';
--   .read src/views/containers.sql
--   .read src/views/node-restarts.sql
--   SELECT ts, ended_at, name, containers, pods FROM node_restarts;

CREATE VIEW node_restarts AS
WITH ended AS (
  -- Each termination once, however many versions of its pod were seen.
  SELECT node, namespace, pod, name, last_finished_at, min(ts) AS ts
  FROM containers
  WHERE node IS NOT NULL AND last_finished_at IS NOT NULL
    AND (last_reason = 'Unknown' OR (last_reason = 'Error' AND last_exit_code = 255))
  GROUP BY ALL
), gaps AS (
  SELECT *, coalesce(last_finished_at - lag(last_finished_at) OVER (PARTITION BY node ORDER BY last_finished_at)
                     > INTERVAL 30 SECOND, true) AS starts
  FROM ended
), restarts AS (
  SELECT *, sum(starts::INTEGER) OVER (PARTITION BY node ORDER BY last_finished_at
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS restart
  FROM gaps
)
SELECT min(ts) AS ts, min(last_finished_at) AS ended_at, 'Node' AS kind, CAST(NULL AS VARCHAR) AS namespace, node AS name,
       count(DISTINCT concat_ws('/', namespace, pod, name)) AS containers,
       list(DISTINCT concat_ws('/', namespace, pod) ORDER BY concat_ws('/', namespace, pod)) AS pods
FROM restarts
GROUP BY node, restart;
