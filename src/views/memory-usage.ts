// The `memory_usage` view (memory-usage.sql) as patterns read it: one subject per container.

import { sqlView } from './view.ts';

export const memoryUsage = sqlView(import.meta.url, 'memory-usage.sql', {
  name: 'memory_usage',
  source: 'metric',
  signal: {
    subject: { kind: "'Pod'", name: 'pod', container: 'container' },
    excerpt: `'working set ' || CAST(round(working_set_bytes / 1048576.0) AS BIGINT) || ' MiB of ' || CAST(round(limit_bytes / 1048576.0) AS BIGINT) || ' MiB limit (' || CAST(round(ratio * 100) AS BIGINT) || '%)'`,
  },
});
