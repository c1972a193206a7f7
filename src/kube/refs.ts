// The refs column of an object row: the objects it needs by name (ConfigMaps, Secrets, claims,
// a ServiceAccount, a scale target, an Ingress's Services), so a missing one can be found.

import type { RefRow } from '../bundle/row.ts';
import { arr, type Json, rec } from './fields.ts';

export function refsOf(
  kind: string | null,
  spec: Json | undefined,
  podSpec: Json | undefined,
): RefRow[] | null {
  const out: RefRow[] = [];
  const seen = new Set<string>();
  const add = (refKind: string, name: unknown, via: string) => {
    if (typeof name !== 'string' || name === '') return;
    const key = `${refKind}\0${name}\0${via}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind: refKind, name, via });
  };
  if (podSpec) addPodRefs(podSpec, add);
  switch (kind) {
    case 'PersistentVolumeClaim':
      add('StorageClass', spec?.storageClassName, 'storageClassName');
      add('PersistentVolume', spec?.volumeName, 'volumeName');
      break;
    case 'PersistentVolume':
      add('StorageClass', spec?.storageClassName, 'storageClassName');
      break;
    case 'HorizontalPodAutoscaler': {
      const target = rec(spec?.scaleTargetRef);
      if (typeof target?.kind === 'string') add(target.kind, target.name, 'scaleTargetRef');
      break;
    }
    case 'Ingress': {
      addIngressBackend(rec(spec?.defaultBackend) ?? rec(spec?.backend), add);
      for (const rule of arr(spec?.rules)) {
        for (const p of arr(rec(rec(rule)?.http)?.paths)) addIngressBackend(rec(rec(p)?.backend), add);
      }
      for (const tls of arr(spec?.tls)) add('Secret', rec(tls)?.secretName, 'tls');
      break;
    }
  }
  return podSpec || out.length > 0 ? out : null;
}

type AddRef = (kind: string, name: unknown, via: string) => void;

function addIngressBackend(backend: Json | undefined, add: AddRef): void {
  if (!backend) return;
  // networking.k8s.io/v1 nests the service; extensions/v1beta1 names it directly.
  add('Service', rec(backend.service)?.name ?? backend.serviceName, 'backend');
}

/** References marked `optional: true` are left out: their absence breaks nothing. */
function addPodRefs(podSpec: Json, add: AddRef): void {
  const required = (ref: Json | undefined) => (ref && ref.optional !== true ? ref : undefined);
  for (const volume of arr(podSpec.volumes)) {
    const v = rec(volume);
    if (!v) continue;
    add('ConfigMap', required(rec(v.configMap))?.name, 'volume');
    add('Secret', required(rec(v.secret))?.secretName, 'volume');
    add('PersistentVolumeClaim', rec(v.persistentVolumeClaim)?.claimName, 'volume');
    for (const source of arr(rec(v.projected)?.sources)) {
      add('ConfigMap', required(rec(rec(source)?.configMap))?.name, 'volume');
      add('Secret', required(rec(rec(source)?.secret))?.name, 'volume');
    }
  }
  for (const list of [podSpec.initContainers, podSpec.containers]) {
    for (const container of arr(list)) {
      const c = rec(container);
      if (!c) continue;
      for (const env of arr(c.env)) {
        const from = rec(rec(env)?.valueFrom);
        add('ConfigMap', required(rec(from?.configMapKeyRef))?.name, 'env');
        add('Secret', required(rec(from?.secretKeyRef))?.name, 'env');
      }
      for (const envFrom of arr(c.envFrom)) {
        add('ConfigMap', required(rec(rec(envFrom)?.configMapRef))?.name, 'envFrom');
        add('Secret', required(rec(rec(envFrom)?.secretRef))?.name, 'envFrom');
      }
    }
  }
  add('ServiceAccount', podSpec.serviceAccountName ?? podSpec.serviceAccount, 'serviceAccount');
  for (const pull of arr(podSpec.imagePullSecrets)) add('Secret', rec(pull)?.name, 'imagePullSecret');
}
