// AKS audit logs: diagnostic records of category kube-audit or kube-audit-admin (Azure Monitor, an
// Event Hub or a storage account export; the event as JSON text in `properties.log`), and rows of
// the Log Analytics tables AKSAudit and AKSAuditAdmin (a query's CSV or JSON export).

import { type ExportMatch, importAuditExport, sniffExport } from '../audit-export/read.ts';
import { defineFormat } from '../format.ts';

const AKS_MARKER_RE = /"category"\s*:\s*"kube-audit|AKSAudit/i;

export const aksAudit = defineFormat<ExportMatch>({
  name: 'aks-audit',
  description:
    'AKS audit logs: kube-audit(-admin) diagnostic records (the event in properties.log; {"records": […]}, JSON lines), AKSAudit rows of Log Analytics (CSV, JSON)',
  detect: (head) => {
    const sniff = sniffExport(head);
    if (!sniff) return null;
    if (sniff.entries.some((e) => e.cluster?.cloud === 'AKS'))
      return { confidence: 0.95, reason: 'AKS audit records', shape: sniff.shape };
    if (sniff.entries.length === 0 && AKS_MARKER_RE.test(sniff.text))
      return { confidence: 0.85, reason: 'AKS audit records', shape: sniff.shape };
    return null;
  },
  import: importAuditExport,
});
