// The `conditions` view (conditions.sql) as patterns read it: each condition type has its own history.

import { sqlView } from './view.ts';

export const conditions = sqlView(import.meta.url, 'conditions.sql', {
  name: 'conditions',
  source: 'object',
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', kind || ' ' || name || ':', type || '=' || status, reason, CASE WHEN message IS NOT NULL THEN '- ' || message END)`,
    state: true,
    history: ['type'],
  },
});
