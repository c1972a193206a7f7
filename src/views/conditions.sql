-- conditions: one row per `status.conditions` entry per version of an object of any kind (Pods,
-- Nodes, Deployments, custom resources), beside the object's identity.
--
-- Reads: bundle
--
-- Columns:
--   ts: when the object version was seen
--   api_version, kind, namespace, name, uid: the object
--   watch_event, resource_version: of the object version
--   type, status, reason, message, last_transition: the condition (`lastTransitionTime`)
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/node-memory-pressure.parquet';
--   .read src/views/conditions.sql
--   SELECT ts, kind, name, type, status, reason FROM conditions WHERE kind = 'Node' AND status = 'True';

CREATE VIEW conditions AS
SELECT ts, api_version, kind, namespace, name, uid, watch_event, resource_version, c.*
FROM (SELECT *, unnest(conditions) AS c FROM bundle WHERE source = 'object');
