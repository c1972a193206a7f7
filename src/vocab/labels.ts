// Label vocabularies as data (patterns/vocabulary/labels.yaml): the names the same thing goes by
// across ecosystems, and the object a row's labels name through them.

import path from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../version.ts';
import { loadYamlFile } from './yaml-file.ts';

/** The concepts a row's labels can name, and the kind of object each one is. */
export const CONCEPT_KINDS = {
  namespace: 'Namespace',
  pod: 'Pod',
  container: null,
  node: 'Node',
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  replicaset: 'ReplicaSet',
  job: 'Job',
  cronjob: 'CronJob',
  persistentvolumeclaim: 'PersistentVolumeClaim',
  horizontalpodautoscaler: 'HorizontalPodAutoscaler',
  resourcequota: 'ResourceQuota',
  persistentvolume: 'PersistentVolume',
} as const;
export type Concept = keyof typeof CONCEPT_KINDS;
const CONCEPTS = Object.keys(CONCEPT_KINDS) as [Concept, ...Concept[]];

export const LabelVocabularySchema = z.strictObject({
  // Every concept is required: a record keyed by an enum is exhaustive.
  concepts: z.record(z.enum(CONCEPTS), z.array(z.string().min(1)).min(1)),
});
export type LabelVocabulary = z.infer<typeof LabelVocabularySchema>;

export const BUILTIN_LABELS_FILE = path.join(PACKAGE_ROOT, 'patterns', 'vocabulary', 'labels.yaml');

export function loadLabelVocabulary(file = BUILTIN_LABELS_FILE): LabelVocabulary {
  return loadYamlFile(
    file,
    LabelVocabularySchema,
    `See ${path.basename(file)}: concepts, each with its label names.`,
  );
}

/** What a row's labels name, concept by concept (the first of a concept's names present wins). */
export function namedByLabels(
  labels: Readonly<Record<string, string>>,
  vocabulary: LabelVocabulary,
): Partial<Record<Concept, string>> {
  const named: Partial<Record<Concept, string>> = {};
  for (const concept of CONCEPTS) {
    const label = vocabulary.concepts[concept]!.find(
      (name) => labels[name] !== undefined && labels[name] !== '',
    );
    if (label) named[concept] = labels[label]!;
  }
  return named;
}

/** The object a row is about: the most specific concept its labels name (a container's pod, then a
 * pod, then a workload, a claim, an autoscaler or a quota, then a node, a volume), in the namespace
 * they name; else the namespace. */
export function subjectOfLabels(
  labels: Readonly<Record<string, string>>,
  vocabulary: LabelVocabulary,
): { kind: string; namespace: string | null; name: string; container: string | null } | null {
  const named = namedByLabels(labels, vocabulary);
  const namespace = named.namespace ?? null;
  const container = named.container ?? null;
  for (const concept of [
    'pod',
    'deployment',
    'statefulset',
    'daemonset',
    'replicaset',
    'job',
    'cronjob',
    'persistentvolumeclaim',
    'horizontalpodautoscaler',
    'resourcequota',
  ] as const) {
    const name = named[concept];
    if (name)
      return {
        kind: CONCEPT_KINDS[concept],
        namespace,
        name,
        container: concept === 'pod' ? container : null,
      };
  }
  if (named.node) return { kind: 'Node', namespace: null, name: named.node, container: null };
  if (named.persistentvolume)
    return { kind: 'PersistentVolume', namespace: null, name: named.persistentvolume, container: null };
  if (namespace) return { kind: 'Namespace', namespace: null, name: namespace, container: null };
  return null;
}

/** SQL for a concept's value in a MAP(VARCHAR, VARCHAR) column: the first of its names present. */
export function conceptSql(concept: Concept, column: string, vocabulary: LabelVocabulary): string {
  const names = vocabulary.concepts[concept]!.map(
    (n) => `nullif(${column}['${n.replaceAll("'", "''")}'], '')`,
  );
  return names.length === 1 ? names[0]! : `coalesce(${names.join(', ')})`;
}
