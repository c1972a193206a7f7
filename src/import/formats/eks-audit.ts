// EKS control-plane audit logs exported from CloudWatch Logs: the audit event as JSON text in
// `message` (`aws logs filter-log-events`, get-log-events, a subscription's logEvents) or
// `@message` (a Logs Insights export, JSON or CSV).

import { type ExportMatch, importAuditExport, sniffExport } from '../audit-export/read.ts';
import { defineFormat } from '../format.ts';

const CLOUDWATCH_MARKER_RE = /kube-apiserver-audit|\/aws\/eks\/|"?@message"?/;
const AUDIT_MARKER_RE = /audit\.k8s\.io\/v1|auditID/;

export const eksAudit = defineFormat<ExportMatch>({
  name: 'eks-audit',
  description:
    'EKS audit logs exported from CloudWatch Logs: events[].message (aws logs), logEvents, @message (Logs Insights, JSON or CSV)',
  detect: (head) => {
    const sniff = sniffExport(head);
    if (!sniff) return null;
    if (sniff.entries.some((e) => e.cluster?.cloud === 'EKS'))
      return { confidence: 0.95, reason: 'audit events in a CloudWatch Logs export', shape: sniff.shape };
    if (
      sniff.entries.length === 0 &&
      CLOUDWATCH_MARKER_RE.test(sniff.text) &&
      AUDIT_MARKER_RE.test(sniff.text)
    )
      return { confidence: 0.85, reason: 'audit events in a CloudWatch Logs export', shape: sniff.shape };
    return null;
  },
  import: importAuditExport,
});
