-- changes: what changed between successive versions of an object, and who changed it when the audit
-- log shows a write just before: the usual root causes (a new image, new config, a scale, a quota).
-- One row per change; controllers and nodes, which write objects all the time as a consequence of
-- changes, are never their author.
--
-- Reads: objects, audit
--
-- Columns:
--   ts: when the changed version was seen
--   api_version, kind, namespace, name, uid: the object changed
--   change: `image` (a workload's images), `rollback` (back to images it ran before), `data` (the
--     keys of a ConfigMap or Secret whose values changed), `resources` (requests and limits),
--     `replicas`, `quota` (a ResourceQuota's hard limits) or `deleted`
--   old, new: the value before and after, as text (`app=shop:1.4`, `LOG_LEVEL=info`, `3`)
--   actor: who wrote the object at most 2 minutes before the version was seen, when the audit log
--     shows it (the impersonated user when there is one)
--   actor_verb: that write's verb (`create`, `update`, `patch` or `delete`)
--   actor_ts: when that write was made
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/bad-config-rollout.parquet';
--   CREATE VIEW objects AS FROM bundle WHERE source = 'object';
--   CREATE VIEW audit AS FROM bundle WHERE source = 'audit';
--   .read src/views/changes.sql
--   SELECT ts, kind, name, change, old, new, actor FROM changes ORDER BY ts;

CREATE VIEW changes AS
WITH versions AS (
  SELECT ts, api_version, kind, namespace, name, uid, watch_event, resource_version,
         CASE WHEN kind IN ('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob', 'Job')
              THEN array_to_string(list_transform(containers, c -> c.name || '=' || coalesce(c.image, '?')), ', ') END AS images,
         -- Requests / limits per container, e.g. "app cpu 50m/- memory 128Mi/256Mi".
         CASE WHEN kind IN ('Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job')
              THEN array_to_string(list_transform(containers, c -> c.name
                || ' cpu ' || coalesce(c.cpu_request_m || 'm', '-') || '/' || coalesce(c.cpu_limit_m || 'm', '-')
                || ' memory ' || coalesce((c.memory_request_bytes // 1048576) || 'Mi', '-') || '/' || coalesce((c.memory_limit_bytes // 1048576) || 'Mi', '-')), ', ') END AS resources,
         CASE WHEN kind IN ('ConfigMap', 'Secret')
              THEN md5(coalesce(CAST(json_extract(body, '$.data') AS VARCHAR), '') || coalesce(CAST(json_extract(body, '$.binaryData') AS VARCHAR), '')) END AS data_hash,
         CASE WHEN kind IN ('ConfigMap', 'Secret') THEN coalesce(json_extract(body, '$.data'), '{}') END AS data_json,
         CASE WHEN kind IN ('Deployment', 'StatefulSet', 'ReplicaSet') THEN replicas_desired END AS replicas,
         CASE WHEN kind = 'ResourceQuota'
              THEN array_to_string(list_sort(list_transform(list_filter(map_entries(attrs), e -> starts_with(e.key, 'hard.')), e -> substr(e.key, 6) || '=' || e.value)), ', ') END AS quota
  FROM objects
  -- Only these kinds have a value compared below; deletions of any kind are listed at the end.
  WHERE kind IN ('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob', 'Job', 'ConfigMap', 'Secret', 'ResourceQuota')
),
compared AS (
  SELECT *,
         lag(images) OVER w AS prev_images, lag(data_hash) OVER w AS prev_data_hash, lag(data_json) OVER w AS prev_data_json,
         lag(resources) OVER w AS prev_resources, lag(replicas) OVER w AS prev_replicas, lag(quota) OVER w AS prev_quota, lag(ts) OVER w AS prev_ts,
         list(images) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING) AS older_images
  FROM versions
  -- The order of an object's versions everywhere in kstory (VERSION_ORDER_SQL in src/bundle/columns.ts):
  -- versions of one timestamp in resourceVersion order.
  WINDOW w AS (PARTITION BY kind, namespace, name, uid ORDER BY ts, TRY_CAST(resource_version AS HUGEINT) NULLS FIRST)
),
changed AS (
  -- Going back to images the workload ran before is a rollback, not a release.
  SELECT ts, api_version, kind, namespace, name, uid,
         CASE WHEN list_contains(older_images, images) THEN 'rollback' ELSE 'image' END AS change, prev_images AS old, images AS new
  FROM compared WHERE prev_images IS NOT NULL AND images IS DISTINCT FROM prev_images
  UNION ALL
  -- The keys whose values changed, with the values for ConfigMaps (Secret values are redacted anyway).
  SELECT ts, api_version, kind, namespace, name, uid, 'data',
         array_to_string(list_transform(changed_keys, k -> k || CASE WHEN kind = 'ConfigMap'
           THEN '=' || left(coalesce(json_extract_string(prev_data_json, '$."' || k || '"'), '(none)'), 60) ELSE '' END), ', '),
         array_to_string(list_transform(changed_keys, k -> k || CASE WHEN kind = 'ConfigMap'
           THEN '=' || left(coalesce(json_extract_string(data_json, '$."' || k || '"'), '(none)'), 60) ELSE '' END), ', ')
  FROM (
    SELECT *, list_sort(list_filter(list_distinct(list_concat(json_keys(data_json), json_keys(prev_data_json))),
                k -> json_extract(data_json, '$."' || k || '"') IS DISTINCT FROM json_extract(prev_data_json, '$."' || k || '"'))) AS changed_keys
    FROM compared WHERE prev_data_hash IS NOT NULL AND data_hash IS DISTINCT FROM prev_data_hash
  )
  UNION ALL
  -- A new image and new resources in one write are reported once, as the release.
  SELECT ts, api_version, kind, namespace, name, uid, 'resources', prev_resources, resources
  FROM compared WHERE prev_resources IS NOT NULL AND resources IS DISTINCT FROM prev_resources
    AND images IS NOT DISTINCT FROM prev_images
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, 'replicas', CAST(prev_replicas AS VARCHAR), CAST(replicas AS VARCHAR)
  FROM compared WHERE prev_replicas IS NOT NULL AND replicas IS DISTINCT FROM prev_replicas
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, 'quota', prev_quota, quota
  FROM compared WHERE prev_quota IS NOT NULL AND quota IS DISTINCT FROM prev_quota
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, 'deleted', NULL, NULL
  FROM objects WHERE watch_event = 'DELETED'
),
writes AS (
  SELECT ts, kind, coalesce(namespace, '') AS namespace, name, coalesce(audit_impersonated_user, audit_user) AS actor, audit_verb AS verb
  FROM audit
  WHERE audit_verb IN ('create', 'update', 'patch', 'delete') AND coalesce(audit_code, 200) < 400
    AND coalesce(audit_subresource, '') IN ('', 'scale') AND name IS NOT NULL
    -- Controllers and nodes write objects all the time as a consequence of changes; the author of a
    -- change is a person or a deployment tool.
    AND NOT (coalesce(audit_impersonated_user, audit_user) LIKE 'system:node:%'
      OR coalesce(audit_impersonated_user, audit_user) LIKE 'system:serviceaccount:kube-system:%'
      OR coalesce(audit_impersonated_user, audit_user) IN ('system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver'))
)
-- The write must be recent: an old create is not the author of today's change.
SELECT c.ts, c.api_version, c.kind, c.namespace, c.name, c.uid, c.change, c.old, c.new,
       CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE THEN w.actor END AS actor,
       CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE THEN w.verb END AS actor_verb,
       CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE THEN w.ts END AS actor_ts
FROM changed c
ASOF LEFT JOIN writes w
  ON w.kind = c.kind AND w.namespace = coalesce(c.namespace, '') AND w.name = c.name AND w.ts <= c.ts + INTERVAL 5 SECOND;
