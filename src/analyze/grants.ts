// The `grants` join of chain links: whether an RBAC object (a Role, a ClusterRole or a binding of one)
// gave the identity that was later refused what it lost. Known from the bindings' subjects when the
// bundle kept a version of them; otherwise from what the refusals and the object's name say.

import type { Relations } from './relations.ts';
import type { Finding } from './report.ts';

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** The identity's own name, as people name bindings after it: `release-bot` of
 * `system:serviceaccount:ci:release-bot`, `alice` of `alice@example.com`. */
function shortName(user: string): string {
  const account = /^system:serviceaccount:[^:]+:(.+)$/.exec(user);
  return (account ? account[1]! : user.split('@')[0]!).toLowerCase();
}

/**
 * Whether the cause, an RBAC object, concerns the refused identity of the effect (an rbac-forbidden
 * finding, whose subject is the user): a binding of it names the identity; or, where the bundle
 * kept no version of the object's bindings, the object lives in a namespace the refusals name, or is
 * named after the identity.
 */
export function grants(effect: Finding, cause: Finding, relations: Relations): boolean {
  if (!RBAC_KINDS.has(cause.subject.kind) || effect.subject.kind !== 'User') return false;
  const user = effect.subject.name;
  const bound = relations.boundTo(cause.subject);
  if (bound !== null) return bound.has(user);
  const namespace = cause.subject.namespace;
  if (namespace !== null) {
    const texts = [
      ...Object.values(effect.signals).map((hit) => hit.text ?? ''),
      ...effect.evidence.map((e) => e.excerpt),
    ];
    if (user.startsWith(`system:serviceaccount:${namespace}:`)) return true;
    if (texts.some((t) => t.includes(`namespace "${namespace}"`) || t.includes(` in ${namespace} `)))
      return true;
  }
  const short = shortName(user);
  return short.length >= 3 && cause.subject.name.toLowerCase().includes(short);
}
