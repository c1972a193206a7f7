// What a support bundle's collectors could not gather (troubleshoot.sh writes `<what>-errors.json`, a
// JSON list of messages, and `<container>-logs-errors.log` beside the logs it could not fetch): named
// as such, so that the summary says which parts of the cluster the bundle is missing.

import type { SkippedContent } from '../format.ts';

export const collectorErrors: SkippedContent = {
  name: 'collector-errors',
  description: "a support bundle's collector errors (*-errors.json): what it could not gather",
  detect: (head) => {
    if (/(?:^|\/)[^/]*errors\.json$/.test(head.path) && /^\[\s*(?:"|\])/.test(head.text))
      return { confidence: 0.95, reason: 'errors the support bundle met gathering (what it lacks)' };
    if (/(?:^|\/)cluster-resources\/pods\/logs\/.+-logs-errors\.log$/.test(head.path))
      return { confidence: 0.95, reason: 'errors the support bundle met gathering (what it lacks)' };
    return null;
  },
};
