// The `node_refusals` view (node-refusals.sql) as patterns read it: a FailedScheduling Event about a
// pod, which a signal may read as about the node it refused (`subject: { kind: Node, name: refused_node }`).

import { events } from './events.ts';
import { sqlView } from './view.ts';

export const nodeRefusals = sqlView(import.meta.url, 'node-refusals.sql', {
  name: 'node_refusals',
  source: 'event',
  signal: {
    subject: { kind: 'kind', name: 'name', container: 'NULL' },
    excerpt: events.signal.excerpt,
    // The Events' repeats, folded as in `events`.
    repeats: events.signal.repeats,
  },
});
