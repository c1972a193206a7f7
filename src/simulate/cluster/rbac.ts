// RBAC objects of a scenario: a Role and the RoleBinding that grants it, created at bootstrap; what
// their users lose when the Role loses a rule or the binding is deleted is refused from then on
// (the simulated authorizer allows everything it was not told to refuse).

import type { Actor } from '../api/actors.ts';
import { resourceByPlural } from '../api/resources.ts';
import type { ApiServer } from '../api/server.ts';
import type { SimContext } from '../engine/context.ts';
import type { KubeObject } from '../engine/records.ts';

const RBAC = 'rbac.authorization.k8s.io';
const ACCOUNT = /^system:serviceaccount:([^:]+):(.+)$/;

/** A Role's rules as the API holds them, from `verb resource` lines (a rule per resource). */
function ruleObjects(
  rules: readonly string[],
): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const byResource = new Map<string, string[]>();
  for (const rule of rules) {
    const [verb, resource] = rule.split(' ') as [string, string];
    byResource.set(resource, [...(byResource.get(resource) ?? []), verb]);
  }
  return [...byResource].map(([resource, verbs]) => ({
    apiGroups: [resourceByPlural(resource)?.group ?? ''],
    resources: [resource],
    verbs,
  }));
}

/** `verb resource` lines of a Role as the API holds it. */
function ruleLines(role: KubeObject): string[] {
  const rules = (role as { rules?: { resources?: string[]; verbs?: string[] }[] }).rules ?? [];
  return rules.flatMap((r) =>
    (r.resources ?? []).flatMap((res) => (r.verbs ?? []).map((v) => `${v} ${res}`)),
  );
}

export function createRoles(sim: SimContext, admin: Actor): void {
  for (const role of sim.scenario.resources.roles) {
    sim.api.create(
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'Role',
        metadata: { name: role.name, namespace: role.namespace },
        rules: ruleObjects(role.rules),
      } as KubeObject,
      admin,
    );
    sim.api.create(
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'RoleBinding',
        metadata: { name: role.name, namespace: role.namespace },
        roleRef: { apiGroup: RBAC, kind: 'Role', name: role.name },
        subjects: role.boundTo.map((user) => {
          const account = ACCOUNT.exec(user);
          return account
            ? { kind: 'ServiceAccount', name: account[2], namespace: account[1] }
            : { apiGroup: RBAC, kind: 'User', name: user };
        }),
      } as KubeObject,
      admin,
    );
  }
}

/** The users a RoleBinding binds, as they authenticate. */
function usersOf(binding: KubeObject): string[] {
  const subjects =
    (binding as { subjects?: { kind: string; name: string; namespace?: string }[] }).subjects ?? [];
  return subjects.map((s) =>
    s.kind === 'ServiceAccount'
      ? `system:serviceaccount:${s.namespace ?? binding.metadata.namespace}:${s.name}`
      : s.name,
  );
}

/** Refuse from now on what these users did through the rules. */
function revoke(api: ApiServer, namespace: string, users: readonly string[], rules: readonly string[]): void {
  for (const user of users) for (const rule of rules) api.deny(user, `${rule} ${namespace}`);
}

/** kubectl edit of a Role: its users lose the rules it no longer has. */
export function setRoleRules(
  api: ApiServer,
  actor: Actor,
  namespace: string,
  name: string,
  rules: string[],
): void {
  const role = api.get('Role', namespace, name);
  if (!role) throw new Error(`timeline: no role ${namespace}/${name}`);
  const lost = ruleLines(role).filter((rule) => !rules.includes(rule));
  const next = { ...structuredClone(role), rules: ruleObjects(rules) } as KubeObject;
  api.update(next, actor, { verb: 'update', requestObject: next, query: '?fieldManager=kubectl-edit' });
  const bindings = api
    .list('RoleBinding', namespace)
    .filter((b) => (b as { roleRef?: { kind: string; name: string } }).roleRef?.name === name);
  revoke(api, namespace, bindings.flatMap(usersOf), lost);
}

/** Deleting a RoleBinding: its users lose what its Role gave them. */
export function revokeBinding(api: ApiServer, namespace: string, name: string): void {
  const binding = api.get('RoleBinding', namespace, name);
  const roleName = (binding as { roleRef?: { name: string } } | undefined)?.roleRef?.name;
  const role = roleName ? api.get('Role', namespace, roleName) : undefined;
  if (binding && role) revoke(api, namespace, usersOf(binding), ruleLines(role));
}
