// The `cpu_throttling` view (cpu-throttling.sql) as patterns read it: one subject per container.

import { sqlView } from './view.ts';

export const cpuThrottling = sqlView(import.meta.url, 'cpu-throttling.sql', {
  name: 'cpu_throttling',
  source: 'metric',
  signal: {
    subject: { kind: "'Pod'", name: 'pod', container: 'container' },
    excerpt: `'CPU throttled in ' || CAST(round(throttled_ratio * 100) AS BIGINT) || '% of ' || periods || ' CFS periods'`,
  },
});
