-- memory_usage: each sample of a container's memory working set against its memory limit, taken
-- from the pod spec or from kube-state-metrics (the larger when both give one).
--
-- Reads: metrics, containers
--
-- Columns:
--   ts: the sample's time
--   namespace, pod, container: the container sampled
--   node: the node it runs on
--   working_set_bytes: `container_memory_working_set_bytes`: memory in use that the kernel cannot
--     reclaim
--   limit_bytes: the container's memory limit
--   ratio: working_set_bytes / limit_bytes; near 1 the container is OOM-killed
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/oom-memory-leak.parquet';
--   CREATE VIEW metrics AS FROM bundle WHERE source = 'metric';
--   .read src/views/containers.sql
--   .read src/views/memory-usage.sql
--   SELECT ts, pod, container, working_set_bytes, limit_bytes, ratio FROM memory_usage ORDER BY ratio DESC LIMIT 5;

CREATE VIEW memory_usage AS
WITH working_set AS (
  SELECT ts, namespace, name AS pod, container, node, metric_value AS working_set_bytes
  FROM metrics
  WHERE metric_name = 'container_memory_working_set_bytes' AND coalesce(container, '') NOT IN ('', 'POD')
),
limits AS (
  SELECT namespace, pod, name AS container, max(memory_limit_bytes)::DOUBLE AS limit_bytes
  FROM containers WHERE memory_limit_bytes > 0 GROUP BY ALL
  UNION ALL
  SELECT namespace, name, container, max(metric_value)
  FROM metrics
  WHERE metric_name = 'kube_pod_container_resource_limits' AND metric_labels['resource'] = 'memory' AND metric_value > 0
  GROUP BY ALL
)
SELECT w.ts, w.namespace, w.pod, w.container, w.node, w.working_set_bytes, l.limit_bytes,
       w.working_set_bytes / l.limit_bytes AS ratio
FROM working_set w
JOIN (SELECT namespace, pod, container, max(limit_bytes) AS limit_bytes FROM limits GROUP BY ALL) l
  ON l.namespace = w.namespace AND l.pod = w.pod AND l.container = w.container;
