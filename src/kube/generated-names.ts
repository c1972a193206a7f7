// What a name says of the controller that made it: Kubernetes' controllers name what they make after
// themselves, so a pod seen only in Events (no object, no owner reference) still tells its workload.

/**
 * The alphabet of generated names (k8s.io/apimachinery/pkg/util/rand: `rand.String`, and
 * `SafeEncodeString` of a pod template's hash): no vowels, no 0, 1 or 3.
 */
const ALPHANUM = '[bcdfghjklmnpqrstvwxz2456789]';
/** The random suffix `generateName` gets (k8s.io/apiserver/pkg/storage/names: five characters). */
const SUFFIX = new RegExp(`^${ALPHANUM}{5}$`);
/** A ReplicaSet's pod-template-hash: the decimal FNV hash of its template (up to 10 digits), each
 * digit encoded with the alphabet; numeric in releases before 1.8. */
const TEMPLATE_HASH = new RegExp(`^(?:${ALPHANUM}{1,10}|\\d{1,10})$`);
/** The hash alone as a name's shape tells it: shorter words of these letters are real names. */
const TEMPLATE_HASH_ALONE = new RegExp(`^${ALPHANUM}{6,10}$`);
/** A CronJob's Job: `<cronjob>-<scheduled time>`, in minutes since the epoch (in seconds in the
 * first releases of CronJob). */
const SCHEDULED_TIME = /^\d{8,10}$/;
/** A StatefulSet's ordinal: no leading zero. */
const ORDINAL = /^(?:0|[1-9]\d{0,5})$/;
/** `generateName` keeps at most this much of its base before the suffix (63 − 5). */
const MAX_BASE = 58;

/** Kinds that make pods named `<name>-<suffix>`. */
const POD_GENERATORS = new Set(['ReplicaSet', 'DaemonSet', 'Job', 'ReplicationController']);
/** Kinds that make other controllers, and what they make. */
const MAKES: Record<string, string> = { Deployment: 'ReplicaSet', CronJob: 'Job' };

export interface NamedObject {
  kind: string;
  name: string;
}

/** Splits `<base>-<last>` at its last dash. */
function split(name: string): [string, string] | null {
  const at = name.lastIndexOf('-');
  return at > 0 && at < name.length - 1 ? [name.slice(0, at), name.slice(at + 1)] : null;
}

/** Whether `pod` is a name `generateName: <base>-` gives (the base cut to 58 characters). */
function generatedFrom(base: string, pod: string): boolean {
  const prefix = `${base}-`.slice(0, MAX_BASE);
  return pod.length === prefix.length + 5 && pod.startsWith(prefix) && SUFFIX.test(pod.slice(prefix.length));
}

/**
 * Whether Kubernetes names `child` so when `parent` makes it: a pod of a ReplicaSet, DaemonSet or
 * Job (`<name>-<5 characters>`), of a StatefulSet (`<name>-<ordinal>`), of a Deployment through
 * its ReplicaSet (`<name>-<template hash>-<5>`); a Deployment's ReplicaSet (`<name>-<template
 * hash>`), a CronJob's Job (`<name>-<scheduled time>`) and that Job's pods.
 */
export function isNamedBy(child: NamedObject, parent: NamedObject): boolean {
  const { name } = child;
  if (!name.startsWith(`${parent.name}-`.slice(0, MAX_BASE))) return false;
  if (child.kind === 'Pod') {
    if (POD_GENERATORS.has(parent.kind)) return generatedFrom(parent.name, name);
    if (parent.kind === 'StatefulSet') return ORDINAL.test(name.slice(parent.name.length + 1));
    const made = MAKES[parent.kind];
    if (!made) return false;
    const parts = split(name);
    return (
      parts !== null && isNamedBy({ kind: made, name: parts[0] }, parent) && generatedFrom(parts[0], name)
    );
  }
  if (MAKES[parent.kind] !== child.kind) return false;
  const rest = name.slice(parent.name.length + 1);
  return parent.kind === 'Deployment' ? TEMPLATE_HASH.test(rest) : SCHEDULED_TIME.test(rest);
}

/**
 * The controller an object's name alone says made it, when the shape leaves no doubt of its kind:
 * a pod `<a>-<template hash>-<5>` is a Deployment's (its ReplicaSet `<a>-<hash>`), a pod
 * `<a>-<scheduled time>-<5>` a CronJob's (its Job); such a ReplicaSet is Deployment `<a>`'s, such a
 * Job CronJob `<a>`'s. A pod `<a>-<5>` may be a ReplicaSet's, a DaemonSet's or a Job's and `<a>-0`
 * a StatefulSet's or nobody's: null (see `possibleControllers`).
 */
export function controllerByName(child: NamedObject): NamedObject | null {
  const parts = split(child.name);
  if (!parts) return null;
  const [base, last] = parts;
  if (child.kind === 'Pod') {
    if (!SUFFIX.test(last) || base.length > MAX_BASE - 1) {
      // A base cut at 58 characters may have lost its dash: only an uncut one is read.
      return null;
    }
    const owner =
      controllerByName({ kind: 'ReplicaSet', name: base }) ?? controllerByName({ kind: 'Job', name: base });
    return owner ? { kind: owner.kind === 'Deployment' ? 'ReplicaSet' : 'Job', name: base } : null;
  }
  if (child.kind === 'ReplicaSet' && TEMPLATE_HASH_ALONE.test(last))
    return { kind: 'Deployment', name: base };
  if (child.kind === 'Job' && SCHEDULED_TIME.test(last)) return { kind: 'CronJob', name: base };
  return null;
}

/**
 * Every controller a pod's name may come from, nearest first, whatever its kind: what a person
 * reading only a pod's name could take for its workload (`web-x2x9z`: ReplicaSet, DaemonSet, Job or
 * ReplicationController `web`; `db-0`: StatefulSet `db`; `web-7d4b9c8f6-x2x9z`: those of
 * `web-7d4b9c8f6` and Deployment `web`).
 */
export function possibleControllers(pod: string): NamedObject[] {
  const parts = split(pod);
  if (!parts) return [];
  const [base, last] = parts;
  // `web-24567` is both an ordinal and a suffix.
  const out: NamedObject[] = ORDINAL.test(last) ? [{ kind: 'StatefulSet', name: base }] : [];
  if (!SUFFIX.test(last)) return out;
  out.push(...[...POD_GENERATORS].map((kind) => ({ kind, name: base })));
  for (const made of Object.values(MAKES)) {
    const owner = controllerByName({ kind: made, name: base });
    if (owner) out.push(owner);
  }
  return out;
}

/**
 * Whether a PersistentVolumeClaim is one a StatefulSet made for its pod from a volume claim
 * template: `<template>-<pod>`, the pod `<statefulset>-<ordinal>`.
 */
export function isClaimOfPod(claim: string, pod: string): boolean {
  const parts = split(pod);
  return (
    parts !== null && ORDINAL.test(parts[1]) && claim.length > pod.length + 1 && claim.endsWith(`-${pod}`)
  );
}
