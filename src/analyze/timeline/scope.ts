// Which objects the timeline keeps to: the filters analyze was given (-n, --kind, -l, --subject),
// applied to lanes as analyze applies them to incidents, plus the objects of the incidents shown.

import picomatch from 'picomatch';
import { parseObjectPath } from '../../vocab/object-ref.ts';
import { type Labels, parseSelector } from '../selector.ts';

/** The filters of `kstory analyze` that narrow what a report is about. */
export interface TimelineScope {
  /** Namespace globs (-n): objects there, and the cluster-scoped objects in focus. */
  namespaces?: readonly string[];
  /** Kinds (--kind), as analyze compares them: case aside. */
  kinds?: readonly string[];
  /** A label selector (-l): the objects it selects, and what they own. */
  selector?: string;
  /** `namespace/Kind/name` (--subject): that object, its owners and what it owns. */
  subject?: string;
}

export interface ScopedObject {
  kind: string;
  namespace: string | null;
  name: string;
  labels: Labels;
}

export function isScoped(scope: TimelineScope): boolean {
  return Boolean(scope.namespaces?.length || scope.kinds?.length || scope.selector || scope.subject);
}

/** The findings whose objects come first on the timeline: under a filter, only the incidents shown bring theirs. */
export function focusOf<S>(
  findings: readonly { subject: S; incident: number | null }[],
  scope: TimelineScope,
): S[] {
  const scoped = isScoped(scope);
  return findings.filter((f) => !scoped || f.incident !== null).map((f) => f.subject);
}

const keyOf = (o: { kind: string; namespace: string | null; name: string }) =>
  `${o.namespace ?? ''}/${o.kind}/${o.name}`;

/**
 * Whether an object keeps its lane: every filter given must let it in, each one also letting in
 * the objects in focus (an incident about a Deployment shows its pods' lanes under `--kind Deployment`).
 * `ownersOf` lists an object's owners, nearest first.
 */
export function scopeFilter(
  scope: TimelineScope,
  focus: ReadonlySet<string>,
  laneKey: (kind: string, namespace: string | null, name: string) => string,
  ownersOf: (o: { kind: string; namespace: string | null; name: string }) => readonly ScopedObject[],
): (o: ScopedObject) => boolean {
  const globs = scope.namespaces ?? [];
  const kinds = new Set((scope.kinds ?? []).map((k) => k.toLowerCase()));
  const selects = scope.selector ? parseSelector(scope.selector) : null;
  const subject = scope.subject ? parseObjectPath(scope.subject) : null;
  // The subject itself and its owners (a pod's ReplicaSet and Deployment).
  const subjectAndOwners = subject ? new Set([subject, ...ownersOf(subject)].map(keyOf)) : null;
  return (o) => {
    const inFocus = focus.has(laneKey(o.kind, o.namespace, o.name));
    if (globs.length > 0) {
      const here =
        o.namespace === null ? inFocus : globs.some((g) => picomatch.isMatch(o.namespace as string, g));
      if (!here) return false;
    }
    if (inFocus) return true;
    if (kinds.size > 0 && !kinds.has(o.kind.toLowerCase())) return false;
    const owners = selects || subject ? ownersOf(o) : [];
    if (selects && ![o, ...owners].some((x) => selects(x.labels))) return false;
    if (subject && subjectAndOwners) {
      // The subject, one of its owners, or something it owns.
      const owned = owners.some((x) => keyOf(x) === keyOf(subject));
      if (!subjectAndOwners.has(keyOf(o)) && !owned) return false;
    }
    return true;
  };
}

/** What the lanes keep to, said on the page; null when the timeline shows the whole bundle. */
export function describeScope(scope: TimelineScope): string | null {
  if (!isScoped(scope)) return null;
  const parts: string[] = [];
  if (scope.namespaces?.length) parts.push(`in namespaces ${scope.namespaces.join(', ')}`);
  if (scope.kinds?.length) parts.push(`of kind ${scope.kinds.join(', ')}`);
  if (scope.selector) parts.push(`selected by ${scope.selector} or owned by what it selects`);
  if (scope.subject) parts.push(`${scope.subject}, its owners and what it owns`);
  return `Lanes only for objects ${parts.join(', ')}, and for the objects of the incidents shown.`;
}
