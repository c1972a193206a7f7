// The `containers` view (containers.sql) as patterns read it: one finding subject per container.

import { sqlView } from './view.ts';

export const containers = sqlView(import.meta.url, 'containers.sql', {
  name: 'containers',
  source: 'object',
  signal: {
    subject: { kind: "'Pod'", name: 'pod', container: 'name' },
    excerpt: `concat_ws(' ', 'container ' || name, state, reason,
      CASE WHEN restart_count > 0 THEN 'restarts=' || restart_count END,
      CASE WHEN last_reason IS NOT NULL THEN '(last: ' || last_reason || coalesce(', exit ' || last_exit_code, '')
        || coalesce(' at ' || strftime(last_finished_at, '%Y-%m-%d %H:%M:%SZ'), '') || ')' END,
      CASE WHEN message IS NOT NULL THEN '- ' || message END)`,
    state: true,
  },
});
