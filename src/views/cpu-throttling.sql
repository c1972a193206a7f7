-- cpu_throttling: the share of CFS periods in which a container was throttled, between successive
-- samples of its cAdvisor counters.
--
-- Reads: metrics
--
-- Columns:
--   ts: the later sample's time
--   namespace, pod, container: the container sampled
--   node: the node it runs on
--   throttled_ratio: throttled periods / periods since the previous sample, from 0 to 1
--   periods: CFS periods since the previous sample
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/cpu-throttling.parquet';
--   CREATE VIEW metrics AS FROM bundle WHERE source = 'metric';
--   .read src/views/cpu-throttling.sql
--   SELECT ts, pod, container, throttled_ratio, periods FROM cpu_throttling ORDER BY throttled_ratio DESC LIMIT 5;

CREATE VIEW cpu_throttling AS
WITH paired AS (
  SELECT ts, namespace, name AS pod, container, any_value(node) AS node,
         max(metric_value) FILTER (WHERE metric_name = 'container_cpu_cfs_throttled_periods_total') AS throttled,
         max(metric_value) FILTER (WHERE metric_name = 'container_cpu_cfs_periods_total') AS periods
  FROM metrics
  WHERE metric_name IN ('container_cpu_cfs_throttled_periods_total', 'container_cpu_cfs_periods_total')
    AND coalesce(container, '') NOT IN ('', 'POD')
  GROUP BY ts, namespace, name, container
),
deltas AS (
  SELECT *, throttled - lag(throttled) OVER w AS d_throttled, periods - lag(periods) OVER w AS d_periods
  FROM paired WINDOW w AS (PARTITION BY namespace, pod, container ORDER BY ts)
)
SELECT ts, namespace, pod, container, node, d_throttled / d_periods AS throttled_ratio, d_periods AS periods
FROM deltas WHERE d_periods > 0 AND d_throttled >= 0;
