-- services: each version of a Service or of its Endpoints, with how many pods its selector matches
-- (at any time in the bundle) and its ready and not-ready endpoints at that moment.
--
-- Reads: objects, pods, conditions
--
-- Columns:
--   ts: when the Service or Endpoints version was seen
--   namespace, name, uid: the Service
--   selector: the Service's `spec.selector`
--   type: the Service's `spec.type`
--   matching_pods: pods of the bundle whose labels the selector matches
--   existing_pods: of those, the pods created by then
--   ready_pods: of those, the pods whose Ready condition was True then (null when no pod's
--     readiness is known)
--   ready_endpoints, not_ready_endpoints: addresses of the Endpoints object then (null without one)
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/service-selector-mismatch.parquet';
--   CREATE VIEW objects AS FROM bundle WHERE source = 'object';
--   .read src/views/pods.sql
--   .read src/views/conditions.sql
--   .read src/views/services.sql
--   SELECT ts, name, selector, matching_pods, ready_endpoints FROM services ORDER BY ts;

CREATE VIEW services AS
WITH service_versions AS (
  SELECT ts, namespace, name, uid, selector, attrs['type'] AS type FROM objects WHERE kind = 'Service'
),
-- A pod exists from its creation (its first version when the creation is unknown).
pod_labels AS (
  SELECT namespace, name, labels, coalesce(min(created_at), min(ts)) AS since
  FROM pods WHERE labels IS NOT NULL GROUP BY ALL
),
selectors AS (SELECT DISTINCT namespace, name, selector FROM service_versions WHERE cardinality(selector) > 0),
selected AS (
  SELECT s.namespace, s.name, p.name AS pod, min(p.since) AS since
  FROM selectors s
  JOIN pod_labels p
    ON p.namespace = s.namespace AND list_bool_and(list_transform(map_keys(s.selector), k -> p.labels[k] = s.selector[k]))
  GROUP BY ALL
),
matches AS (SELECT namespace, name, count(*) AS matching_pods FROM selected GROUP BY ALL),
endpoints AS (
  SELECT ts, namespace, name, TRY_CAST(attrs['ready_addresses'] AS INTEGER) AS ready,
         TRY_CAST(attrs['not_ready_addresses'] AS INTEGER) AS not_ready
  FROM objects WHERE kind = 'Endpoints'
),
timeline AS (
  SELECT ts, namespace, name FROM service_versions
  UNION SELECT ts, namespace, name FROM endpoints
),
-- Endpoints seen before the pods were created say nothing of those pods' readiness.
existing AS (
  SELECT t.ts, t.namespace, t.name, sp.pod
  FROM timeline t JOIN selected sp ON sp.namespace = t.namespace AND sp.name = t.name AND sp.since <= t.ts
),
-- Each pod's readiness as its newest version by then says it: the Endpoints should list the ready ones.
readiness AS (
  SELECT ts, namespace, name AS pod, status = 'True' AS ready FROM conditions WHERE kind = 'Pod' AND type = 'Ready'
),
existing_ready AS (
  SELECT x.ts, x.namespace, x.name, count(*) AS existing_pods,
         CASE WHEN count(r.ready) > 0 THEN count(*) FILTER (WHERE r.ready) END AS ready_pods
  FROM existing x
  ASOF LEFT JOIN readiness r ON r.namespace = x.namespace AND r.pod = x.pod AND r.ts <= x.ts
  GROUP BY ALL
)
SELECT t.ts, t.namespace, t.name, sv.uid, sv.selector, sv.type, coalesce(m.matching_pods, 0) AS matching_pods,
       coalesce(x.existing_pods, 0) AS existing_pods, x.ready_pods,
       e.ready AS ready_endpoints, e.not_ready AS not_ready_endpoints
FROM timeline t
ASOF JOIN service_versions sv ON sv.namespace = t.namespace AND sv.name = t.name AND sv.ts <= t.ts
ASOF LEFT JOIN endpoints e ON e.namespace = t.namespace AND e.name = t.name AND e.ts <= t.ts
LEFT JOIN matches m ON m.namespace = t.namespace AND m.name = t.name
LEFT JOIN existing_ready x ON x.namespace = t.namespace AND x.name = t.name AND x.ts = t.ts;
