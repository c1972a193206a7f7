-- containers: one row per container per version of a Pod, beside the pod's own columns: the table
-- most detection starts from (restarts, waiting reasons, exit codes, limits). Unnested straight from
-- the bundle, so that it stays whole when analysis loads `objects` without what it does not read.
--
-- Reads: bundle
--
-- Columns:
--   ts: when the pod version was seen
--   namespace: the pod's namespace
--   pod, pod_uid: the pod's name and UID
--   node: the node the pod is bound to
--   owner_kind, owner_name, owner_uid: the pod's controlling owner (a ReplicaSet, a Job, ...)
--   phase: the pod's `status.phase`
--   watch_event, resource_version: of the pod version
--   *: the container's entry of the pod's `containers` column (name, image, state, reason,
--     restart_count, last_reason, limits...: see docs/bundle-format.md)
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/oom-memory-leak.parquet';
--   .read src/views/containers.sql
--   SELECT ts, pod, name, state, reason, restart_count, last_reason FROM containers WHERE restart_count > 0;

CREATE VIEW containers AS
SELECT ts, namespace, name AS pod, uid AS pod_uid, node, owner_kind, owner_name, owner_uid, phase, watch_event, resource_version, c.*
FROM (SELECT *, unnest(containers) AS c FROM bundle WHERE source = 'object' AND kind = 'Pod');
