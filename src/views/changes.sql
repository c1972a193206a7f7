-- changes: what changed between successive versions of an object, and who changed it when the audit
-- log shows a write just before: the usual root causes (a new image, new config, a scale, a restart,
-- a deletion, a custom object's new spec). The audit log alone shows what people changed when no
-- version of the object was kept (a scale through the `scale` subresource, a deletion, a patch of a
-- custom object, any write logged at the Metadata level). One row per change; controllers and nodes,
-- which write objects all the time as a consequence of changes, are never their author.
--
-- Reads: objects, audit
--
-- Columns:
--   ts: when the changed version was seen
--   api_version, kind, namespace, name, uid: the object changed
--   change: `image` (a workload's images), `rollback` (back to images it ran before), `data` (the
--     keys of a ConfigMap or Secret whose values changed), `resources` (requests and limits),
--     `replicas`, `restart` (`kubectl rollout restart`: the pod template's restartedAt annotation),
--     `spec` (the top-level fields of a custom object's spec that changed), `permissions` (a Role's
--     or ClusterRole's rules, a binding's role and subjects), `quota` (a ResourceQuota's hard
--     limits), `deleted` (an object of any kind) or `written` (a workload a person wrote, logged at
--     the Metadata level: what changed is not in the log)
--   old, new: the value before and after, as text (`app=shop:1.4`, `LOG_LEVEL=info`, `3`); null
--     where nothing kept it (the new size of a scale, the keys of a ConfigMap written, logged at the
--     Metadata level; the images a patch replaced, when no version before it is kept)
--   actor: who wrote the object at most 2 minutes before the version was seen, when the audit log
--     shows it (the impersonated user when there is one)
--   actor_agent: the user agent of that write (`kubectl/v1.29.1 (linux/amd64) kubernetes/…`)
--   actor_verb: that write's verb (`create`, `update`, `patch` or `delete`)
--   actor_ts: when that write was made
--   owner_kind: the kind of the object's controller, when it has one (a pod a ReplicaSet deleted)
--   audited: whether the bundle holds an audit log at all: without one, no change has an actor
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/bad-config-rollout.parquet';
--   CREATE VIEW objects AS FROM bundle WHERE source = 'object';
--   CREATE VIEW audit AS FROM bundle WHERE source = 'audit';
--   .read src/views/changes.sql
--   SELECT ts, kind, name, change, old, new, actor FROM changes ORDER BY ts;

CREATE VIEW changes AS
WITH versions AS (
  SELECT ts, api_version, kind, namespace, name, uid, watch_event, resource_version, owner_kind,
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
         -- What `kubectl rollout restart` writes: a new time in the pod template, which rolls every pod.
         CASE WHEN kind IN ('Deployment', 'StatefulSet', 'DaemonSet')
              THEN json_extract_string(body, '$.spec.template.metadata.annotations."kubectl.kubernetes.io/restartedAt"') END AS restarted_at,
         -- Custom objects (a group of their own, not *.k8s.io): their spec is what people change.
         CASE WHEN api_version LIKE '%.%/%' AND NOT split_part(api_version, '/', 1) LIKE '%k8s.io'
              THEN json_extract(body, '$.spec') END AS spec_json,
         CASE WHEN kind = 'ResourceQuota'
              THEN array_to_string(list_sort(list_transform(list_filter(map_entries(attrs), e -> starts_with(e.key, 'hard.')), e -> substr(e.key, 6) || '=' || e.value)), ', ') END AS quota,
         -- What an RBAC object grants, in words: "get,list pods; patch deployments" for a role,
         -- "ClusterRole edit to ServiceAccount ci/release-bot, User bob" for a binding.
         CASE WHEN kind IN ('Role', 'ClusterRole')
              THEN coalesce(array_to_string(list_transform(
                     from_json(json_extract(body, '$.rules'), '[{"verbs":["VARCHAR"],"resources":["VARCHAR"],"nonResourceURLs":["VARCHAR"]}]'),
                     r -> array_to_string(r.verbs, ',') || ' ' || array_to_string(coalesce(r.resources, r.nonResourceURLs, []), ',')), '; '), '(no rules)')
              WHEN kind IN ('RoleBinding', 'ClusterRoleBinding')
              THEN concat_ws(' ', json_extract_string(body, '$.roleRef.kind'), json_extract_string(body, '$.roleRef.name'), 'to',
                     coalesce(nullif(array_to_string(list_transform(
                       from_json(json_extract(body, '$.subjects'), '[{"kind":"VARCHAR","name":"VARCHAR","namespace":"VARCHAR"}]'),
                       s -> s.kind || ' ' || coalesce(s.namespace || '/', '') || s.name), ', '), ''), 'no one')) END AS permissions
  FROM objects
  -- Only these kinds have a value compared below; deletions of any kind are listed at the end.
  WHERE kind IN ('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob', 'Job', 'ConfigMap', 'Secret', 'ResourceQuota',
                 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding')
     OR (api_version LIKE '%.%/%' AND NOT split_part(api_version, '/', 1) LIKE '%k8s.io')
),
compared AS (
  SELECT *,
         lag(images) OVER w AS prev_images, lag(data_hash) OVER w AS prev_data_hash, lag(data_json) OVER w AS prev_data_json,
         lag(resources) OVER w AS prev_resources, lag(replicas) OVER w AS prev_replicas, lag(quota) OVER w AS prev_quota, lag(ts) OVER w AS prev_ts,
         lag(restarted_at) OVER w AS prev_restarted_at, lag(spec_json) OVER w AS prev_spec_json,
         lag(permissions) OVER w AS prev_permissions,
         list(images) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING) AS older_images
  FROM versions
  -- The order of an object's versions everywhere in kstory (VERSION_ORDER_SQL in src/bundle/columns.ts):
  -- versions of one timestamp in resourceVersion order.
  WINDOW w AS (PARTITION BY kind, namespace, name, uid ORDER BY ts, TRY_CAST(resource_version AS HUGEINT) NULLS FIRST)
),
changed AS (
  -- Going back to images the workload ran before is a rollback, not a release.
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind,
         CASE WHEN list_contains(older_images, images) THEN 'rollback' ELSE 'image' END AS change, prev_images AS old, images AS new
  FROM compared WHERE prev_images IS NOT NULL AND images IS DISTINCT FROM prev_images
  UNION ALL
  -- The keys whose values changed, with the values for ConfigMaps (Secret values are redacted anyway).
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind, 'data',
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
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind, 'resources', prev_resources, resources
  FROM compared WHERE prev_resources IS NOT NULL AND resources IS DISTINCT FROM prev_resources
    AND images IS NOT DISTINCT FROM prev_images
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind, 'replicas', CAST(prev_replicas AS VARCHAR), CAST(replicas AS VARCHAR)
  FROM compared WHERE prev_replicas IS NOT NULL AND replicas IS DISTINCT FROM prev_replicas
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind, 'restart', prev_restarted_at, restarted_at
  FROM compared WHERE prev_ts IS NOT NULL AND restarted_at IS NOT NULL AND restarted_at IS DISTINCT FROM prev_restarted_at
  UNION ALL
  -- The top-level fields of the spec that changed, each with its value (cut short).
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind, 'spec',
         array_to_string(list_transform(changed_keys, k -> k || '=' || left(coalesce(CAST(json_extract(prev_spec_json, '$."' || k || '"') AS VARCHAR), '(none)'), 60)), ', '),
         array_to_string(list_transform(changed_keys, k -> k || '=' || left(coalesce(CAST(json_extract(spec_json, '$."' || k || '"') AS VARCHAR), '(none)'), 60)), ', ')
  FROM (
    SELECT *, list_sort(list_filter(list_distinct(list_concat(coalesce(json_keys(spec_json), []), coalesce(json_keys(prev_spec_json), []))),
                k -> json_extract(spec_json, '$."' || k || '"') IS DISTINCT FROM json_extract(prev_spec_json, '$."' || k || '"'))) AS changed_keys
    FROM compared WHERE prev_ts IS NOT NULL AND spec_json IS NOT NULL AND prev_spec_json IS NOT NULL AND spec_json IS DISTINCT FROM prev_spec_json
  )
  WHERE len(changed_keys) > 0
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind, 'permissions', prev_permissions, permissions
  FROM compared WHERE prev_permissions IS NOT NULL AND permissions IS DISTINCT FROM prev_permissions
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind, 'quota', prev_quota, quota
  FROM compared WHERE prev_quota IS NOT NULL AND quota IS DISTINCT FROM prev_quota
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, owner_kind, 'deleted', NULL, NULL
  FROM objects WHERE watch_event = 'DELETED'
),
writes AS (
  -- A custom resource the log names by its plural alone (no body said its kind) reads as kubectl
  -- names it: `certificates.cert-manager.io`.
  SELECT ts, api_version,
         coalesce(kind, audit_resource || CASE WHEN api_version LIKE '%/%' THEN '.' || split_part(api_version, '/', 1) ELSE '' END) AS kind,
         coalesce(namespace, '') AS namespace, name, uid,
         CASE WHEN NOT by_controller THEN coalesce(audit_impersonated_user, audit_user) END AS actor,
         audit_user_agent AS agent, audit_verb AS verb, audit_subresource AS subresource, audit_level AS level, body
  FROM (
    SELECT *,
           -- Controllers and nodes write objects all the time as a consequence of changes; the author
           -- of a change is a person or a deployment tool.
           coalesce(audit_impersonated_user, audit_user) LIKE 'system:node:%'
             OR coalesce(audit_impersonated_user, audit_user) LIKE 'system:serviceaccount:kube-system:%'
             OR coalesce(audit_impersonated_user, audit_user) IN ('system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver')
             AS by_controller
    FROM audit
  )
  WHERE audit_verb IN ('create', 'update', 'patch', 'delete') AND coalesce(audit_code, 200) < 400
    AND coalesce(audit_subresource, '') IN ('', 'scale') AND name IS NOT NULL
    -- An autoscaler's scale is kept: it, not the person who wrote the object a minute before, is the
    -- author of the new size.
    AND (NOT by_controller OR audit_subresource = 'scale')
),
-- The same changes as the audit log shows them, from the request (and the answer, at the levels that
-- keep them): what no version of the object shows when the log is all there is.
requested AS (
  -- `kubectl scale` patches the scale subresource ({"spec":{"replicas":N}}); older clients and
  -- autoscalers update it with a whole Scale.
  SELECT ts, api_version, kind, namespace, name, uid, 'replicas' AS change,
         coalesce(json_extract_string(body, '$.requestObject.spec.replicas'), json_extract_string(body, '$.responseObject.spec.replicas')) AS new,
         actor, agent, verb
  FROM writes WHERE actor IS NOT NULL AND subresource = 'scale' AND verb IN ('patch', 'update')
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, 'restart',
         json_extract_string(body, '$.requestObject.spec.template.metadata.annotations."kubectl.kubernetes.io/restartedAt"'),
         actor, agent, verb
  FROM writes WHERE actor IS NOT NULL AND subresource IS NULL AND verb = 'patch' AND kind IN ('Deployment', 'StatefulSet', 'DaemonSet')
    AND json_extract_string(body, '$.requestObject.spec.template.metadata.annotations."kubectl.kubernetes.io/restartedAt"') IS NOT NULL
  UNION ALL
  -- A custom object's patch or update: the fields of the spec it sends (a merge patch's keys, a JSON
  -- patch's paths), when the log keeps the request.
  SELECT ts, api_version, kind, namespace, name, uid, 'spec',
         CASE WHEN json_type(json_extract(body, '$.requestObject')) = 'ARRAY'
              THEN array_to_string(list_filter(json_extract_string(body, '$.requestObject[*].path'), p -> starts_with(p, '/spec/')), ', ')
              ELSE array_to_string(list_transform(json_keys(json_extract(body, '$.requestObject.spec')),
                     k -> k || '=' || left(CAST(json_extract(body, '$.requestObject.spec."' || k || '"') AS VARCHAR), 60)), ', ') END,
         actor, agent, verb
  FROM writes WHERE actor IS NOT NULL AND subresource IS NULL AND verb IN ('patch', 'update')
    AND api_version LIKE '%.%/%' AND NOT split_part(api_version, '/', 1) LIKE '%k8s.io'
  UNION ALL
  -- A ConfigMap's or Secret's data written, when the bundle keeps no version of it: the keys a patch or
  -- an update sent, with a ConfigMap's new values, at the levels that keep the request (a write that
  -- sent no data changed none); at the Metadata level only that it was written.
  SELECT ts, api_version, kind, namespace, name, uid, 'data',
         nullif(array_to_string(list_transform(keys, k -> k || CASE WHEN kind = 'ConfigMap'
           THEN '=' || left(coalesce(json_extract_string(body, '$.requestObject.data."' || k || '"'), '(none)'), 60) ELSE '' END), ', '), ''),
         actor, agent, verb
  FROM (
    SELECT *, list_sort(list_distinct(list_concat(coalesce(json_keys(json_extract(body, '$.requestObject.data')), []),
                coalesce(json_keys(json_extract(body, '$.requestObject.binaryData')), []),
                coalesce(json_keys(json_extract(body, '$.requestObject.stringData')), [])))) AS keys,
           -- A leader election's lock, renewed every few seconds in an annotation, changes no data: of
           -- writes logged at the Metadata level, those one author repeats on one object more than 5
           -- times are left out.
           count(*) OVER (PARTITION BY kind, namespace, name, actor) AS repeated
    FROM writes w WHERE actor IS NOT NULL AND subresource IS NULL AND verb IN ('patch', 'update') AND kind IN ('ConfigMap', 'Secret')
      -- Where versions of it are kept, they say whether its data changed (a write may set a label).
      AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.kind = w.kind AND coalesce(v.namespace, '') = w.namespace AND v.name = w.name))
  WHERE CASE WHEN level = 'Metadata' THEN repeated <= 5 ELSE len(keys) > 0 END
  UNION ALL
  -- A workload's images a person's patch set, at the levels that keep the request: the containers of
  -- a strategic merge patch of its pod template (kubectl set image, kubectl apply and Helm send only
  -- what changed; a server-side apply sends the whole object, kind included, which says nothing
  -- changed), or `kubectl rollout undo`'s JSON patch, which replaces the whole template and then the
  -- annotations: a rollback. The images before are those of the version before, when one is kept.
  SELECT ts, api_version, kind, namespace, name, uid, change, images, actor, agent, verb
  FROM (
    SELECT *, CASE WHEN undo THEN 'rollback' ELSE 'image' END AS change,
           nullif(array_to_string(list_transform(list_filter(
             from_json(CASE WHEN undo THEN json_extract(body, '$.requestObject[0].value.spec.containers')
                            ELSE json_extract(body, '$.requestObject.spec.template.spec.containers') END,
                       '[{"name":"VARCHAR","image":"VARCHAR"}]'),
             c -> c.name IS NOT NULL AND c.image IS NOT NULL), c -> c.name || '=' || c.image), ', '), '') AS images
    FROM (
      SELECT *, json_type(json_extract(body, '$.requestObject')) = 'ARRAY'
                  AND json_extract_string(body, '$.requestObject[0].op') = 'replace'
                  AND json_extract_string(body, '$.requestObject[0].path') = '/spec/template'
                  AND json_extract_string(body, '$.requestObject[1].path') = '/metadata/annotations' AS undo
      FROM writes WHERE actor IS NOT NULL AND subresource IS NULL AND verb = 'patch'
        AND kind IN ('Deployment', 'StatefulSet', 'DaemonSet') AND level <> 'Metadata'
    )
    WHERE undo OR json_extract(body, '$.requestObject.kind') IS NULL
  )
  WHERE images IS NOT NULL
  UNION ALL
  -- A workload a person wrote, logged at the Metadata level: a change whose content the log does not
  -- keep (a new image, an env var, a scale), so only who and when; a tool that writes it again and
  -- again (more than 5 times) is reconciling, not changing it.
  SELECT ts, api_version, kind, namespace, name, uid, 'written', NULL, actor, agent, verb
  FROM (SELECT *, count(*) OVER (PARTITION BY kind, namespace, name, actor) AS repeated FROM writes
        WHERE actor IS NOT NULL AND subresource IS NULL AND verb IN ('patch', 'update') AND level = 'Metadata'
          AND kind IN ('Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'))
  WHERE repeated <= 5
  UNION ALL
  -- Who changed what a Role or a binding grants, when the log keeps no version of it.
  SELECT ts, api_version, kind, namespace, name, uid, 'permissions', NULL, actor, agent, verb
  FROM writes WHERE actor IS NOT NULL AND subresource IS NULL AND verb IN ('patch', 'update')
    AND kind IN ('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding')
  UNION ALL
  SELECT ts, api_version, kind, namespace, name, uid, 'deleted', NULL, actor, agent, verb
  FROM writes WHERE actor IS NOT NULL AND verb = 'delete'
),
-- A requested change that a version shows too is listed once, as the version shows it.
requested_only AS (
  SELECT r.* FROM requested r
  WHERE NOT EXISTS (
    SELECT 1 FROM changed c
    WHERE c.kind = r.kind AND coalesce(c.namespace, '') = r.namespace AND c.name = r.name
      AND (c.change = r.change OR r.change = 'written')
      AND c.ts BETWEEN r.ts - INTERVAL 5 SECOND AND r.ts + INTERVAL 2 MINUTE)
),
-- The size a scale started from: the workload's newest version before it.
sized AS (
  SELECT r.ts, r.api_version, r.kind, nullif(r.namespace, '') AS namespace, r.name, r.uid, NULL::VARCHAR AS owner_kind, r.change,
         CASE WHEN r.change = 'replicas' THEN CAST(v.replicas AS VARCHAR)
              WHEN r.change IN ('image', 'rollback') THEN v.images END AS old, r.new,
         r.actor, r.agent, r.verb, r.ts AS actor_ts
  FROM requested_only r
  ASOF LEFT JOIN (SELECT ts, kind, coalesce(namespace, '') AS namespace, name, replicas, images FROM versions
                  WHERE replicas IS NOT NULL OR images IS NOT NULL) v
    ON v.kind = r.kind AND v.namespace = r.namespace AND v.name = r.name AND v.ts < r.ts
),
attributed AS (
  -- The write must be recent: an old create is not the author of today's change.
  SELECT c.ts, c.api_version, c.kind, c.namespace, c.name, c.uid, c.owner_kind, c.change, c.old, c.new,
         CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE THEN w.actor END AS actor,
         CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE AND w.actor IS NOT NULL THEN w.agent END AS agent,
         CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE AND w.actor IS NOT NULL THEN w.verb END AS verb,
         CASE WHEN w.ts >= c.ts - INTERVAL 2 MINUTE AND w.actor IS NOT NULL THEN w.ts END AS actor_ts
  FROM changed c
  ASOF LEFT JOIN writes w
    ON w.kind = c.kind AND w.namespace = coalesce(c.namespace, '') AND w.name = c.name AND w.ts <= c.ts + INTERVAL 5 SECOND
  -- The new images of a version that `kubectl rollout undo` wrote are its rollback, said once.
  WHERE NOT (c.change = 'image' AND EXISTS (
    SELECT 1 FROM requested r
    WHERE r.change = 'rollback' AND r.kind = c.kind AND r.namespace = coalesce(c.namespace, '') AND r.name = c.name
      AND c.ts BETWEEN r.ts - INTERVAL 5 SECOND AND r.ts + INTERVAL 2 MINUTE))
)
SELECT ts, api_version, kind, namespace, name, uid, change, old, new, actor, agent AS actor_agent, verb AS actor_verb, actor_ts,
       owner_kind, (SELECT count(*) > 0 FROM audit) AS audited
FROM (SELECT * FROM attributed UNION ALL BY NAME SELECT * FROM sized);
