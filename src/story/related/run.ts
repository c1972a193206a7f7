// `kstory related` as a function: bundle files and a start in, the related signals out. The start
// is an object (as `kstory story` names one), an alert name (`KubePodCrashLooping`), a metric series
// (`name{pod="x",namespace="y"}`, its labels read through the label vocabulary) or a finding id from
// `analyze --format json`.

import { analyzeBundle, loadCatalogue as loadAnalysisCatalogue } from '../../analyze/run.ts';
import { type CatalogueObject, loadCatalogue } from '../../correlate/catalogue.ts';
import { BUILTIN_RULES_DIR, loadRules } from '../../correlate/rules.ts';
import { KstoryError } from '../../errors.ts';
import { parseExpositionLine } from '../../prometheus/exposition.ts';
import { openBundle } from '../../views/open.ts';
import { type LabelVocabulary, loadLabelVocabulary, subjectOfLabels } from '../../vocab/labels.ts';
import { resolveTarget } from '../target.ts';
import { loadAlerts, RelatedGraph } from './graph.ts';
import { type RelatedResult, type SearchOptions, searchRelated } from './search.ts';

export interface RelatedOptions {
  goals?: string[];
  depth?: number;
  since?: string;
  until?: string;
  /** More rule directories besides the built-in one. */
  ruleDirs?: string[];
  /** Run the pattern catalogue for `findings` (default: when findings can be reached). */
  findings?: boolean;
  onProgress?: (stage: string) => void;
}

export async function findRelated(
  inputs: readonly string[],
  start: string,
  options: RelatedOptions = {},
): Promise<RelatedResult & { start_text: string }> {
  const rules = loadRules([BUILTIN_RULES_DIR, ...(options.ruleDirs ?? [])]);
  const vocabulary = loadLabelVocabulary();
  const numeric = /^\d+$/.test(start);
  const wantsFindings =
    options.findings !== false &&
    (options.goals === undefined ||
      options.goals.length === 0 ||
      options.goals.includes('findings') ||
      numeric);
  const bundle = await openBundle(inputs);
  try {
    options.onProgress?.('reading objects');
    const graph = new RelatedGraph(await loadCatalogue(bundle), await loadAlerts(bundle), vocabulary);
    let object = numeric ? null : resolveStart(start, graph, vocabulary, []);
    // A rule with a limit from the start (a Namespace's objects) lists those with findings first:
    // the catalogue runs for that too, unless told not to.
    const capping =
      object !== null &&
      rules.some((r) => r.limit !== undefined && (r.from.includes(object!.kind) || r.from.includes('*')));
    let findings: SearchOptions['findings'] = [];
    if (wantsFindings || (capping && options.findings !== false)) {
      options.onProgress?.('analyzing');
      findings = await findingsOf(inputs, rules);
    }
    object ??= resolveStart(start, graph, vocabulary, findings);
    options.onProgress?.('following the rules');
    const result = await searchRelated(bundle, graph, rules, vocabulary, object, { ...options, findings });
    return { ...result, start_text: start };
  } finally {
    bundle.close();
  }
}

/** Every finding of the catalogue, its chains following the same rules (the user's among them). */
async function findingsOf(
  inputs: readonly string[],
  rules: ReturnType<typeof loadRules>,
): Promise<NonNullable<SearchOptions['findings']>> {
  // Analysis replaces the views it reads by tables without bodies: it gets a bundle of its own.
  const analyzed = await openBundle(inputs);
  try {
    return (await analyzeBundle(analyzed, { all: true }, { ...loadAnalysisCatalogue(), rules })).findings;
  } finally {
    analyzed.close();
  }
}

function resolveStart(
  text: string,
  graph: RelatedGraph,
  vocabulary: LabelVocabulary,
  findings: NonNullable<SearchOptions['findings']>,
): CatalogueObject {
  const alert = graph.alert(text);
  if (alert) return alert;
  if (/^\d+$/.test(text)) {
    const finding = findings[Number(text)];
    if (!finding)
      throw new KstoryError(`there is no finding ${text}`, {
        hint: `kstory analyze --format json lists the findings and their ids (0 to ${Math.max(0, findings.length - 1)} here).`,
      });
    return objectOf(graph, finding.subject);
  }
  if (text.includes('{')) {
    const sample = parseExpositionLine(`${text} 0`);
    if (sample === null || typeof sample === 'string')
      throw new KstoryError(`${text} is not a metric series`, {
        hint: 'Write it as PromQL does: container_memory_working_set_bytes{namespace="shop",pod="x"}.',
      });
    const subject = subjectOfLabels(sample.labels, vocabulary);
    if (!subject)
      throw new KstoryError(`the labels of ${text} name no pod, workload, node or namespace`, {
        hint: 'Label names read: patterns/vocabulary/labels.yaml (pod, pod_name, k8s.pod.name, kubernetes.pod_name…).',
      });
    return objectOf(graph, subject);
  }
  return resolveTarget(text, graph.objects);
}

/** The newest incarnation of the object a finding or a series names; an unknown one is the error
 * resolveTarget gives, with the nearest names. */
function objectOf(
  graph: RelatedGraph,
  subject: { kind: string; namespace: string | null; name: string },
): CatalogueObject {
  return (
    graph.incarnations(subject.namespace, subject.kind, subject.name).at(-1) ??
    (subject.kind === 'Namespace' ? graph.namespaceNamed(subject.name) : undefined) ??
    resolveTarget(
      `${subject.kind}/${subject.namespace ? `${subject.namespace}/` : ''}${subject.name}`,
      graph.objects,
    )
  );
}
