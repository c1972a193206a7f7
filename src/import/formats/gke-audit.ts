// Google Cloud Logging audit entries of GKE, as `gcloud logging read` (JSON, YAML), the Logs
// Explorer's download or a log sink write them: Kubernetes API requests and cluster operations.

import { isGkeEntry } from '../audit-export/google.ts';
import { type ExportMatch, importAuditExport, sniffExport } from '../audit-export/read.ts';
import { defineFormat } from '../format.ts';

// A head too short for a whole entry still shows its payload type and a GKE method or resource.
const GKE_MARKER_RE = /io\.k8s\.|"?k8s_cluster"?|container\.googleapis\.com/;

export const gkeAudit = defineFormat<ExportMatch>({
  name: 'gke-audit',
  description:
    'Google Cloud audit entries of GKE (protoPayload AuditLog: Kubernetes API requests, cluster operations): JSON, JSON lines, gcloud YAML',
  detect: (head) => {
    const sniff = sniffExport(head);
    if (!sniff) return null;
    const google = sniff.entries.filter((e) => e.found.entry.type === 'google');
    if (google.length > 0) {
      return google.some((e) => e.found.entry.type === 'google' && isGkeEntry(e.found.entry.entry))
        ? { confidence: 0.95, reason: 'Google Cloud audit entries of GKE', shape: sniff.shape }
        : {
            confidence: 0.6,
            reason: 'Google Cloud audit entries, none of them about GKE',
            shape: sniff.shape,
          };
    }
    if (
      sniff.entries.length === 0 &&
      sniff.text.includes('google.cloud.audit.AuditLog') &&
      GKE_MARKER_RE.test(sniff.text)
    )
      return { confidence: 0.85, reason: 'Google Cloud audit entries of GKE', shape: sniff.shape };
    return null;
  },
  import: importAuditExport,
});
