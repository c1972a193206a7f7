-- resource_usage: per workload and container, what it asked for (requests, limits) and what it used
-- over the analysed window: CPU in millicores from the rate of container_cpu_usage_seconds_total
-- between successive samples, memory working set in bytes, CFS throttling, OOM kills; with the
-- number of samples each statistic stands on. Pods are grouped by their workload (a ReplicaSet's
-- Deployment), so that the replicas of one container are sized together.
--
-- Reads: bundle, metrics, containers, cpu_throttling; parameters $1 (start) and $2 (end), RFC 3339
--
-- Columns:
--   namespace, workload_kind, workload_name, container: what is sized (workload_kind Pod for a bare pod)
--   pods: distinct pods seen
--   cpu_request_m, cpu_limit_m, memory_request_bytes, memory_limit_bytes: the largest in the window
--   cpu_samples, cpu_p50_m, cpu_p95_m, cpu_max_m: CPU usage rates between samples
--   memory_samples, memory_p50_bytes, memory_p95_bytes, memory_max_bytes: working set samples
--   throttled_share: throttled CFS periods / all periods; throttled_max: the worst interval's share
--   oom_kills: OOM kills seen (restarts whose last state is OOMKilled, or the OOM event counter)
--   first_sample, last_sample: the span the samples cover
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/cpu-throttling.parquet';
--   CREATE VIEW metrics AS FROM bundle WHERE source = 'metric';
--   .read src/views/containers.sql
--   .read src/views/cpu-throttling.sql
--   then run this file's query with $1 and $2 replaced by '2026-01-01' and '2027-01-01'

WITH spec AS (
  SELECT namespace, pod, name AS container, any_value(owner_kind) AS owner_kind, any_value(owner_name) AS owner_name,
         max(cpu_request_m) AS cpu_request_m, max(cpu_limit_m) AS cpu_limit_m,
         max(memory_request_bytes) AS memory_request_bytes, max(memory_limit_bytes) AS memory_limit_bytes,
         count(DISTINCT restart_count) FILTER (WHERE last_reason = 'OOMKilled') AS oom_restarts
  FROM containers
  WHERE NOT coalesce(init, false) AND ts <= $2::TIMESTAMPTZ
  GROUP BY ALL
),
replica_sets AS (
  SELECT namespace, name, any_value(owner_kind) AS owner_kind, any_value(owner_name) AS owner_name
  FROM bundle WHERE source = 'object' AND kind = 'ReplicaSet' AND owner_name IS NOT NULL
  GROUP BY ALL
),
owned AS (
  SELECT s.*,
         CASE WHEN s.owner_kind = 'ReplicaSet' AND r.owner_name IS NOT NULL THEN r.owner_kind
              WHEN s.owner_kind IS NULL THEN 'Pod' ELSE s.owner_kind END AS workload_kind,
         CASE WHEN s.owner_kind = 'ReplicaSet' AND r.owner_name IS NOT NULL THEN r.owner_name
              WHEN s.owner_kind IS NULL THEN s.pod ELSE s.owner_name END AS workload_name
  FROM spec s LEFT JOIN replica_sets r ON r.namespace = s.namespace AND r.name = s.owner_name
),
samples AS (
  SELECT namespace, name AS pod, container, ts, metric_name, metric_value
  FROM metrics
  WHERE metric_name IN ('container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_oom_events_total')
    AND coalesce(container, '') NOT IN ('', 'POD')
    AND ts BETWEEN $1::TIMESTAMPTZ AND $2::TIMESTAMPTZ
),
cpu AS (
  SELECT namespace, pod, container, ts,
         1000 * (metric_value - lag(metric_value) OVER w) / nullif(epoch(ts) - epoch(lag(ts) OVER w), 0) AS millicores
  FROM samples WHERE metric_name = 'container_cpu_usage_seconds_total'
  WINDOW w AS (PARTITION BY namespace, pod, container ORDER BY ts)
),
usage AS (
  SELECT namespace, pod, container, ts, millicores, NULL::DOUBLE AS bytes FROM cpu WHERE millicores >= 0
  UNION ALL
  SELECT namespace, pod, container, ts, NULL, metric_value FROM samples WHERE metric_name = 'container_memory_working_set_bytes'
),
oom_events AS (
  SELECT namespace, pod, container, max(metric_value) - min(metric_value) AS kills
  FROM samples WHERE metric_name = 'container_oom_events_total' GROUP BY ALL
),
throttling AS (
  SELECT namespace, pod, container, sum(throttled_ratio * periods) AS throttled, sum(periods) AS periods,
         max(throttled_ratio) AS throttled_max
  FROM cpu_throttling WHERE ts BETWEEN $1::TIMESTAMPTZ AND $2::TIMESTAMPTZ GROUP BY ALL
),
throttled AS (
  SELECT o.namespace, o.workload_kind, o.workload_name, o.container,
         sum(t.throttled) / nullif(sum(t.periods), 0) AS throttled_share, max(t.throttled_max) AS throttled_max
  FROM owned o JOIN throttling t ON t.namespace = o.namespace AND t.pod = o.pod AND t.container = o.container
  GROUP BY ALL
),
killed AS (
  SELECT o.namespace, o.workload_kind, o.workload_name, o.container,
         greatest(sum(o.oom_restarts), sum(coalesce(e.kills, 0))) AS oom_kills
  FROM owned o LEFT JOIN oom_events e ON e.namespace = o.namespace AND e.pod = o.pod AND e.container = o.container
  GROUP BY ALL
),
sized AS (
  SELECT o.namespace, o.workload_kind, o.workload_name, o.container,
         count(DISTINCT o.pod)::INTEGER AS pods,
         max(o.cpu_request_m)::DOUBLE AS cpu_request_m, max(o.cpu_limit_m)::DOUBLE AS cpu_limit_m,
         max(o.memory_request_bytes)::DOUBLE AS memory_request_bytes, max(o.memory_limit_bytes)::DOUBLE AS memory_limit_bytes,
         count(u.millicores)::INTEGER AS cpu_samples,
         quantile_cont(u.millicores, 0.5) AS cpu_p50_m, quantile_cont(u.millicores, 0.95) AS cpu_p95_m,
         max(u.millicores) AS cpu_max_m,
         count(u.bytes)::INTEGER AS memory_samples,
         quantile_cont(u.bytes, 0.5) AS memory_p50_bytes, quantile_cont(u.bytes, 0.95) AS memory_p95_bytes,
         max(u.bytes) AS memory_max_bytes,
         strftime(min(u.ts), '%Y-%m-%dT%H:%M:%SZ') AS first_sample, strftime(max(u.ts), '%Y-%m-%dT%H:%M:%SZ') AS last_sample
  FROM owned o LEFT JOIN usage u ON u.namespace = o.namespace AND u.pod = o.pod AND u.container = o.container
  GROUP BY ALL
)
SELECT s.*, t.throttled_share, t.throttled_max, coalesce(k.oom_kills, 0)::INTEGER AS oom_kills
FROM sized s
LEFT JOIN throttled t USING (namespace, workload_kind, workload_name, container)
LEFT JOIN killed k USING (namespace, workload_kind, workload_name, container)
ORDER BY s.namespace, s.workload_kind, s.workload_name, s.container
