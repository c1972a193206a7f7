// The `pods` view (pods.sql) as patterns read it.

import { sqlView } from './view.ts';

export const pods = sqlView(import.meta.url, 'pods.sql', {
  name: 'pods',
  source: 'object',
  signal: {
    subject: { kind: "'Pod'", name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', 'Pod ' || name, 'phase ' || phase, status_reason, CASE WHEN status_message IS NOT NULL THEN '- ' || status_message END)`,
    state: true,
  },
});
