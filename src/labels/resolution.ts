// The action plan of a troubleshooting label: the catalogue's remediation as ordered steps with the
// kubectl commands they name, diagnostic commands for the root's subject first, and how to verify
// that the effects are gone. Only commands that run as written: none with a placeholder in it.

import type { Subject } from '../vocab/object-ref.ts';

export interface Resolution {
  steps: { order: number; action: string; commands: string[] }[];
  verification: { check: string; command: string }[];
}

/** `kubectl ...` up to the end of its sentence, a semicolon, a closing parenthesis or a comma-and. */
const COMMAND_RE = /\bkubectl\s+[^;()\n]*?(?=\.(?:\s|$)|;|\)|,\s|$)/g;

/** Commands that can be run as they are: no `<placeholder>`, no `...`, nothing but kubectl. */
export function commandsIn(text: string): string[] {
  // An ellipsis is a placeholder too; made one that the filter below sees whole.
  return [...text.replace(/\.\.\.|…/g, '<…>').matchAll(COMMAND_RE)]
    .map((m) => m[0].trim().replace(/[.,:]$/, ''))
    .filter((c) => !/[<>{}]/.test(c) && c.split(/\s+/).length >= 3);
}

const ns = (s: { namespace: string | null }) => (s.namespace ? ` -n ${s.namespace}` : '');
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * Subjects the catalogue names that are not API objects kubectl can get (a webhook named in an
 * error, an identity, a resource type): how to look at each instead, or nothing.
 */
const NOT_OBJECTS: Record<string, ((s: Subject) => string[]) | undefined> = {
  AdmissionWebhook: () => ['kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations'],
  User: (s) => [`kubectl auth can-i --list --as ${s.name}`],
  APIResource: () => [],
};

/** How to look at the root's subject on the cluster, before changing anything. */
export function diagnosticCommands(subject: Subject): string[] {
  if (subject.kind in NOT_OBJECTS) return NOT_OBJECTS[subject.kind]?.(subject) ?? [];
  const kind = subject.kind.toLowerCase();
  const out = [`kubectl describe ${kind} ${subject.name}${ns(subject)}`];
  if (subject.kind === 'Pod' && subject.container)
    out.push(`kubectl logs ${subject.name}${ns(subject)} -c ${subject.container} --previous`);
  if (subject.namespace)
    out.push(
      `kubectl get events${ns(subject)} --field-selector involvedObject.kind=${subject.kind},involvedObject.name=${subject.name}`,
    );
  return out;
}

/** How to see that an effect is gone, per kind of object it was seen on. */
export function verificationFor(subject: Subject): { check: string; command: string } | null {
  const kind = subject.kind;
  if (kind in NOT_OBJECTS) return null;
  if (WORKLOADS.has(kind))
    return {
      check: `${kind} ${subject.name} rolls out and all its replicas are ready`,
      command: `kubectl rollout status ${kind.toLowerCase()}/${subject.name}${ns(subject)} --timeout=5m`,
    };
  if (kind === 'Pod')
    return {
      check: `pod ${subject.name} (or its replacement) is Running and Ready, its restarts no longer growing`,
      command: `kubectl get pod ${subject.name}${ns(subject)} -o wide`,
    };
  if (kind === 'Service')
    return {
      check: `Service ${subject.name} has ready endpoints again`,
      command: `kubectl get endpointslices${ns(subject)} -l kubernetes.io/service-name=${subject.name}`,
    };
  if (kind === 'Node')
    return {
      check: `node ${subject.name} is Ready with no pressure condition`,
      command: `kubectl get node ${subject.name} -o jsonpath='{range .status.conditions[*]}{.type}={.status}{"\\n"}{end}'`,
    };
  return {
    check: `${kind} ${subject.name} no longer reports the problem`,
    // A Secret's YAML would print its values: only that it exists, and its keys, are shown.
    command:
      kind === 'Secret'
        ? `kubectl describe secret ${subject.name}${ns(subject)}`
        : `kubectl get ${kind.toLowerCase()} ${subject.name}${ns(subject)} -o yaml`,
  };
}

/** The plan: look first, then each remediation in the catalogue's order, then verify each effect. */
export function buildResolution(
  root: Subject,
  remediation: readonly string[],
  effects: readonly Subject[],
): Resolution {
  const steps = [
    {
      action:
        root.kind in NOT_OBJECTS
          ? `Look at what ${root.kind} ${root.name} is and does now.`
          : `Look at ${root.kind} ${root.name} as it is now, with its recent events.`,
      commands: diagnosticCommands(root),
    },
    ...remediation.map((action) => ({ action, commands: commandsIn(action) })),
  ].map((step, i) => ({ order: i + 1, ...step }));
  const seen = new Set<string>();
  const verification: Resolution['verification'] = [];
  for (const subject of [root, ...effects]) {
    const check = verificationFor(subject);
    if (check && !seen.has(check.command)) {
      seen.add(check.command);
      verification.push(check);
    }
  }
  return { steps, verification };
}
