// Whether a root cause kstory reported is the one a person named: the same cause (a pattern id of
// the label, or a pattern of the catalogue that refines one of them) about the same object (the
// labelled object, one of its controllers, or a controller of it).

import { possibleControllers } from '../kube/generated-names.ts';
import { formatSubject, objectKey, type Subject } from '../vocab/object-ref.ts';

/** The object a labelled root cause is about. */
export interface SubjectSpec {
  kind: string;
  /** The object's name, or with `regex` a regular expression its whole name matches. */
  name: string;
  regex: boolean;
  /** Undefined: any namespace; null: cluster-scoped. */
  namespace?: string | null;
  /** Only this container of the pod, when given. */
  container?: string;
}

/** A root cause as a person names it: the patterns that name the cause, and its subject. */
export interface RootSpec {
  patterns: string[];
  subject: SubjectSpec;
  /** What the person read in the data, in their words. */
  says?: string;
  /** Other names of the same cause that count as right: what a snapshot can show of it. */
  or?: { patterns: string[]; subject: SubjectSpec }[];
}

/** What the reader of a report needs of a finding to match it. */
export interface Ownership {
  /** The subject and its controllers, as `namespace/Kind/name` keys, nearest first. */
  ancestry(subject: Subject): string[];
}

/** As analysis names subjects (`kube-system/Pod kube-flannel-ds-.*`, `Node worker-3`,
 * `shop/Deployment checkout, container app`); no namespace: cluster-scoped, or any namespace. */
export function describeSpec(spec: SubjectSpec): string {
  return formatSubject({
    namespace: spec.namespace ?? null,
    kind: spec.kind,
    name: spec.name,
    container: spec.container ?? null,
  });
}

/** `namespace/Kind/name` (or `Kind/name`, cluster-scoped) as a simulator scenario names a subject. */
export function specOfKey(text: string, container?: string): SubjectSpec {
  const parts = text.split('/');
  const [namespace, kind, name] =
    parts.length >= 3 ? [parts[0]!, parts[1]!, parts.slice(2).join('/')] : [null, parts[0]!, parts[1] ?? ''];
  return { kind, name, regex: false, namespace, ...(container === undefined ? {} : { container }) };
}

function parseKey(key: string): { namespace: string | null; kind: string; name: string } {
  const [namespace, kind, ...name] = key.split('/');
  return { namespace: namespace || null, kind: kind!, name: name.join('/') };
}

const compiled = new Map<string, RegExp>();

function nameMatches(spec: SubjectSpec, name: string): boolean {
  if (!spec.regex) return spec.name === name;
  let re = compiled.get(spec.name);
  if (!re) {
    re = new RegExp(`^(?:${spec.name})$`);
    compiled.set(spec.name, re);
  }
  return re.test(name);
}

/** Whether an object (`namespace/Kind/name` key) is the one the spec describes. */
export function objectMatches(
  object: { namespace: string | null; kind: string; name: string },
  spec: SubjectSpec,
): boolean {
  return (
    object.kind === spec.kind &&
    (spec.namespace === undefined || (spec.namespace ?? null) === object.namespace) &&
    nameMatches(spec, object.name)
  );
}

/**
 * Whether a finding's subject is about the specified object: the object itself or something it
 * controls (a pod of the labelled Deployment), or a controller of it (the Deployment of a labelled
 * pod: the same cause seen one level up). `objects` are the bundle's objects the spec matches, for
 * the second case; without them only the first is checked. A pod of which the bundle tells no
 * controller is matched to the controllers its name may come from, of any kind (`web-x2x9z`: a
 * DaemonSet `web` as well as a ReplicaSet), as a person reading the pod's name would.
 */
export function subjectMatches(
  subject: Subject,
  spec: SubjectSpec,
  ownership: Ownership,
  objects: readonly { namespace: string | null; kind: string; name: string }[] = [],
): boolean {
  if (spec.container !== undefined && subject.container !== spec.container) return false;
  const ancestry = ownership.ancestry(subject);
  if (ancestry.some((key) => objectMatches(parseKey(key), spec))) return true;
  if (
    subject.kind === 'Pod' &&
    ancestry.length === 1 &&
    possibleControllers(subject.name).some((c) => objectMatches({ namespace: subject.namespace, ...c }, spec))
  )
    return true;
  const own = objectKey(subject);
  return objects.some(
    (o) =>
      objectMatches(o, spec) &&
      ownership
        .ancestry({ ...o, container: null })
        .slice(1)
        .includes(own),
  );
}

/** A pattern and the patterns it declares it refines (`refines:` in the catalogue). */
export interface Refinement {
  id: string;
  refines: readonly string[];
}

/**
 * The pattern ids that name a cause labelled with `labelled`: those ids, and every pattern of the
 * catalogue that refines one of them, directly or through another refinement. A label written
 * before a more specific pattern existed keeps counting it as right.
 */
export function acceptedPatterns(labelled: readonly string[], catalogue: readonly Refinement[]): Set<string> {
  const accepted = new Set(labelled);
  for (let grew = true; grew; ) {
    grew = false;
    for (const pattern of catalogue) {
      if (!accepted.has(pattern.id) && pattern.refines.some((id) => accepted.has(id))) {
        accepted.add(pattern.id);
        grew = true;
      }
    }
  }
  return accepted;
}
