// The `logs` view: container log lines.

import { sourceView } from './view.ts';

export const logs = sourceView({
  name: 'logs',
  doc: "log lines; the subject is the line's pod and container, or for a kubelet's or control-plane component's log its node (the component when its node is not known).",
  source: 'log',
  signal: {
    // A pod's container log is about the pod; a kubelet's or control-plane component's log about
    // its node (kind Node), or about the component itself when its node is not known.
    subject: {
      kind: "coalesce(kind, 'Component')",
      name: 'coalesce(name, container)',
      container: 'container',
    },
    excerpt: `concat_ws(' ', container || CASE WHEN log_previous THEN ' (previous)' ELSE '' END || ':', log_line)`,
  },
});
