// The `logs` view: container log lines.

import { sourceView } from './view.ts';

export const logs = sourceView({
  name: 'logs',
  doc: "container log lines; the subject is the line's pod and container.",
  source: 'log',
  signal: {
    subject: { kind: "'Pod'", name: 'name', container: 'container' },
    excerpt: `concat_ws(' ', container || CASE WHEN log_previous THEN ' (previous)' ELSE '' END || ':', log_line)`,
  },
});
