// The `node_restarts` view (node-restarts.sql) as patterns read it: a node's containers that ended
// together, as a restart of the node ends them.

import { sqlView } from './view.ts';

export const nodeRestarts = sqlView(import.meta.url, 'node-restarts.sql', {
  name: 'node_restarts',
  source: 'object',
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', containers || ' containers ended at ' || strftime(ended_at, '%Y-%m-%d %H:%M:%SZ') || ' (reason Unknown or exit code 255), in pods', array_to_string(pods[1:5], ', ') || CASE WHEN len(pods) > 5 THEN ', …' ELSE '' END)`,
  },
});
