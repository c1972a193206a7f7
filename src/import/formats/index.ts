// The import formats kstory knows: one line each. Detection asks every one of them and takes the
// highest confidence (see FormatMatch); on a tie, the one listed first. The order is also the order
// of `kstory import --help`.

import type { ImportFormat, SkippedContent } from '../format.ts';
import { aksAudit } from './aks-audit.ts';
import { alertmanager } from './alertmanager.ts';
import { auditLog } from './audit.ts';
import { auditWrapped } from './audit-wrapped.ts';
import { clusterInfoDump } from './cluster-info-dump.ts';
import { collectorErrors } from './collector-errors.ts';
import { componentLog } from './component-log.ts';
import { containerLog } from './container-log.ts';
import { eksAudit } from './eks-audit.ts';
import { fluentLogs } from './fluent-logs.ts';
import { gkeAudit } from './gke-audit.ts';
import { helmTemplate } from './helm-template.ts';
import { htmlPage } from './html-page.ts';
import { journal } from './journal.ts';
import { kindNodeFiles } from './kind-node-files.ts';
import { kubeJson } from './kube-json.ts';
import { kubeYaml } from './kube-yaml.ts';
import { kubectlDescribe } from './kubectl-describe.ts';
import { kubectlGet } from './kubectl-get.ts';
import { kubectlLineage } from './kubectl-lineage.ts';
import { kubectlTranscript } from './kubectl-transcript.ts';
import { manifest } from './manifest.ts';
import { otlpLogs } from './otlp-logs.ts';
import { prometheusText } from './prometheus-text.ts';

export const IMPORT_FORMATS: readonly ImportFormat[] = [
  auditLog,
  gkeAudit,
  eksAudit,
  aksAudit,
  auditWrapped,
  clusterInfoDump,
  kubeJson,
  kubeYaml,
  prometheusText,
  alertmanager,
  kubectlDescribe,
  kubectlGet,
  kubectlLineage,
  kubectlTranscript,
  // Before container logs: a shipper's record of a Docker JSON line is that line with its pod named.
  otlpLogs,
  fluentLogs,
  containerLog,
  componentLog,
  journal,
];

/** Content recognised in order to say why it is skipped, rather than "unrecognised content". */
export const SKIPPED_CONTENT: readonly SkippedContent[] = [
  helmTemplate,
  htmlPage,
  collectorErrors,
  kindNodeFiles,
  manifest,
];
