// A container's environment as the kubelet resolves it (makeEnvironmentVariables): env values and
// references to ConfigMap and Secret keys, envFrom; a missing one is a CreateContainerConfigError.

import type { ApiServer } from '../api/server.ts';
import type { Json } from '../engine/json.ts';
import type { KubeObject } from '../engine/records.ts';
import type { ContainerRuntime } from './container.ts';
import type { PodRuntime } from './pod-runtime.ts';

/** Resolve env and envFrom as the kubelet's makeEnvironmentVariables does. */
export function resolveEnv(
  api: ApiServer,
  rt: PodRuntime,
  c: ContainerRuntime,
): { env: Record<string, string> } | { error: string } {
  const env: Record<string, string> = {};
  const data = (kind: 'ConfigMap' | 'Secret', name: string) => {
    const obj = api.get(kind, rt.namespace, name) as
      | (KubeObject & { data?: Record<string, string> })
      | undefined;
    return obj ? (obj.data ?? {}) : undefined;
  };
  for (const from of (c.spec.envFrom as Json[] | undefined) ?? []) {
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const name = (from.configMapRef ?? from.secretRef).name as string;
    const d = data(kind, name);
    if (!d) return { error: `${kind.toLowerCase()} "${name}" not found` };
    Object.assign(env, d);
  }
  for (const e of (c.spec.env as Json[] | undefined) ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
    if (!ref) continue;
    const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const d = data(kind, ref.name);
    if (!d) return { error: `${kind.toLowerCase()} "${ref.name}" not found` };
    if (!(ref.key in d))
      return { error: `couldn't find key ${ref.key} in ${kind} ${rt.namespace}/${ref.name}` };
    env[e.name] = kind === 'Secret' ? '<redacted>' : (d[ref.key] ?? '');
  }
  return { env };
}
