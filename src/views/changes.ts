// The `changes` view (changes.sql) as patterns read it: a change, with its author when known.

import { sqlView } from './view.ts';

export const changes = sqlView(import.meta.url, 'changes.sql', {
  name: 'changes',
  source: 'object',
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: `concat_ws(' ', coalesce(actor, 'someone'), CASE actor_verb WHEN 'patch' THEN 'patched' WHEN 'update' THEN 'updated'
      WHEN 'create' THEN 'created' WHEN 'delete' THEN 'deleted' ELSE 'changed' END, kind || ' ' || coalesce(namespace || '/', '') || name || ':',
      CASE WHEN change = 'deleted' THEN 'deleted' ELSE change || ' ' || coalesce(old, '(none)') || ' → ' || coalesce(new, '(none)') END)`,
  },
});
