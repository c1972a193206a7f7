// The files of `kind export logs` that hold no cluster state: the versions, the node container's
// `docker inspect` and console, its image list and package alternatives. Named, not "unrecognised".
// (Its kubelet.log, containerd.log and journal.log are journal text; pods/ is a node's /var/log/pods.)
// Told by name alone: a node's folder comes before the kind-version.txt that reveals the layout.

import type { SkippedContent } from '../format.ts';

const FILES_RE =
  /(?:^|\/)(?:kind-version\.txt|[^/]+\/(?:kubernetes-version\.txt|inspect\.json|serial\.log|images\.log|alternatives\.log))$/;

export const kindNodeFiles: SkippedContent = {
  name: 'kind-node-files',
  description:
    'files of kind export logs without cluster state (versions, inspect.json, serial.log, images.log)',
  detect: (head) => {
    if (!FILES_RE.test(head.path)) return null;
    // `docker inspect` prints a JSON list; any other inspect.json is left to the formats.
    if (head.path.endsWith('.json') && !head.text.startsWith('[')) return null;
    return {
      confidence: 0.95,
      reason: 'kind export logs: versions and node container details, no cluster state',
    };
  },
};
