// Authorization of the simulated API server: the requests a scenario's users may not make
// (`verb resource namespace|*`), refused with 403 Forbidden as the RBAC authorizer words it.

import type { Actor } from './actors.ts';
import { qualifiedResource, resourceOf } from './resources.ts';
import type { Failure } from './types.ts';

export class Authorizer {
  /** Users and the requests RBAC refuses them: `verb resource namespace|*`. */
  private readonly denied = new Map<string, Set<string>>();

  deny(username: string, rule: string): void {
    const set = this.denied.get(username) ?? new Set<string>();
    set.add(rule);
    this.denied.set(username, set);
  }

  /** A 403 Forbidden as the RBAC authorizer words it, or null when the request is allowed. */
  authorize(
    actor: Actor,
    verb: string,
    kind: string,
    namespace: string | undefined,
    name: string | undefined,
  ): Failure | null {
    const rules = this.denied.get(actor.username);
    if (!rules) return null;
    const r = resourceOf(kind);
    if (!rules.has(`${verb} ${r.plural} ${namespace ?? '*'}`) && !rules.has(`${verb} ${r.plural} *`))
      return null;
    const group = r.group ? ` in API group "${r.group}"` : ' in API group ""';
    const scope = r.namespaced && namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
    return {
      code: 403,
      authz: true,
      reason: 'Forbidden',
      message: `${qualifiedResource(kind)}${name ? ` "${name}"` : ''} is forbidden: User "${actor.username}" cannot ${verb} resource "${r.plural}"${group}${scope}`,
      details: { ...(name ? { name } : {}), ...(r.group ? { group: r.group } : {}), kind: r.plural },
    };
  }
}
