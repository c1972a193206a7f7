-- pods: the versions of Pods, with the columns of `objects`.
--
-- Reads: objects
--
-- Columns: as objects
--
-- By hand, in the DuckDB CLI from the repository root:
--   CREATE VIEW bundle AS FROM 'fixtures/node-lost.parquet';
--   CREATE VIEW objects AS FROM bundle WHERE source = 'object';
--   .read src/views/pods.sql
--   SELECT ts, name, node, phase, status_reason FROM pods ORDER BY ts;

CREATE VIEW pods AS
SELECT * FROM objects WHERE kind = 'Pod';
