// Helm charts and Go templates: `{{ ... }}` directives where YAML would be. They say what a chart
// could render, not what ran in the cluster, so they are named and skipped.

import type { SkippedContent } from '../format.ts';

export const helmTemplate: SkippedContent = {
  name: 'helm-template',
  description: 'Helm or Go templates: not rendered objects (render them, or import kubectl get output)',
  detect: (head) =>
    // A directive at the start of a line; templates inside block scalars are indented.
    /^\{\{/m.test(head.text.slice(0, 16384))
      ? { confidence: 0.95, reason: 'template (Helm/Go), not rendered objects' }
      : null,
};
