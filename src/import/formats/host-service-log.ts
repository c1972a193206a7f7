// The journal text of node services (kubelet, crio) that a must-gather keeps in host_service_logs/:
// told apart from container logs, which it is not, by where it sits.

import type { SkippedContent } from '../format.ts';

export const hostServiceLog: SkippedContent = {
  name: 'host-service-log',
  description: 'node service logs in a must-gather (host_service_logs/, journal text)',
  detect: (head) =>
    /(?:^|\/)host_service_logs\//.test(head.path)
      ? { confidence: 0.1, reason: 'host service log (journal text), not a container log' }
      : null,
};
