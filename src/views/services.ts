// The `services` view (services.sql) as patterns read it: a Service's state lasts until its next row.

import { sqlView } from './view.ts';

export const services = sqlView(import.meta.url, 'services.sql', {
  name: 'services',
  source: 'object',
  signal: {
    subject: { kind: "'Service'", name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', 'Service ' || name || ':', matching_pods || ' matching pods,', coalesce(ready_endpoints, 0) || ' ready and ' || coalesce(not_ready_endpoints, 0) || ' not ready endpoints')`,
    state: true,
  },
});
