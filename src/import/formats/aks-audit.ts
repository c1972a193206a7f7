// AKS diagnostic logs (Azure Monitor, an Event Hub or a storage account export): records of
// category kube-audit or kube-audit-admin, the audit event as JSON text in `properties.log`.

import { type ExportMatch, importAuditExport, sniffExport } from '../audit-export/read.ts';
import { defineFormat } from '../format.ts';

const AKS_MARKER_RE = /"category"\s*:\s*"kube-audit/i;

export const aksAudit = defineFormat<ExportMatch>({
  name: 'aks-audit',
  description:
    'AKS diagnostic logs of category kube-audit or kube-audit-admin (the event in properties.log): {"records": […]}, JSON lines, arrays',
  detect: (head) => {
    const sniff = sniffExport(head);
    if (!sniff) return null;
    if (sniff.entries.some((e) => e.cluster?.cloud === 'AKS'))
      return { confidence: 0.95, reason: 'AKS kube-audit diagnostic records', shape: sniff.shape };
    if (sniff.entries.length === 0 && AKS_MARKER_RE.test(sniff.text))
      return { confidence: 0.85, reason: 'AKS kube-audit diagnostic records', shape: sniff.shape };
    return null;
  },
  import: importAuditExport,
});
