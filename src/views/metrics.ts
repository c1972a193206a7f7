// The `metrics` view: Prometheus samples.

import { sourceView } from './view.ts';

export const metrics = sourceView({
  name: 'metrics',
  doc: 'Prometheus samples; the subject is the pod (or the object) its labels name.',
  source: 'metric',
  signal: {
    subject: { kind: "coalesce(kind, 'Pod')", name: 'name', container: 'container' },
    excerpt: `metric_name || ' = ' || CAST(round(metric_value, 3) AS VARCHAR)`,
  },
});
