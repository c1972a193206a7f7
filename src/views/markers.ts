// The `markers` view: where a recording starts, stops, or may be incomplete. Patterns do not read it.

import { sourceView } from './view.ts';

export const markers = sourceView({
  name: 'markers',
  doc: 'where a recording started and stopped, and where it may be incomplete (gaps, relists, snapshots, imports).',
  source: 'marker',
  signal: undefined,
});
