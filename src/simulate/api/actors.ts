// Who makes requests: the identities and user agents the real components authenticate with.

export interface Actor {
  username: string;
  groups: string[];
  userAgent: string;
  sourceIP: string;
  /** Field manager / query string kubectl adds, for request URIs. */
  fieldManager?: string;
}

const BUILD = 'kubernetes/8e1ee7c';

export function controllerActor(controller: string, version: string): Actor {
  const sa = `system:serviceaccount:kube-system:${controller}`;
  return {
    username: sa,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    userAgent: `kube-controller-manager/${version} (linux/amd64) ${BUILD}/${controller === 'generic-garbage-collector' ? 'system:serviceaccount:kube-system:generic-garbage-collector' : controller}`,
    sourceIP: '10.0.0.10',
  };
}

export function schedulerActor(version: string): Actor {
  return {
    username: 'system:kube-scheduler',
    groups: ['system:authenticated'],
    userAgent: `kube-scheduler/${version} (linux/amd64) ${BUILD}/scheduler`,
    sourceIP: '10.0.0.10',
  };
}

export function kubeletActor(node: string, ip: string, version: string): Actor {
  return {
    username: `system:node:${node}`,
    groups: ['system:nodes', 'system:authenticated'],
    userAgent: `kubelet/${version} (linux/amd64) ${BUILD}`,
    sourceIP: ip,
  };
}

export function userActor(name: string, groups: string[], version: string, userAgent?: string): Actor {
  const isServiceAccount = name.startsWith('system:serviceaccount:');
  return {
    username: name,
    groups,
    userAgent:
      userAgent ?? (isServiceAccount ? `Go-http-client/2.0` : `kubectl/${version} (linux/amd64) ${BUILD}`),
    sourceIP: isServiceAccount ? '10.244.3.17' : '203.0.113.24',
    fieldManager: isServiceAccount ? undefined : 'kubectl-patch',
  };
}

export function certManagerActor(): Actor {
  return {
    username: 'system:serviceaccount:cert-manager:cert-manager',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:cert-manager', 'system:authenticated'],
    userAgent: 'cert-manager-certificates-readiness/v1.16.2 (linux/amd64) cert-manager/5b9b2d7',
    sourceIP: '10.244.0.21',
  };
}

export function argoCdActor(namespace: string): Actor {
  return {
    username: `system:serviceaccount:${namespace}:argocd-application-controller`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    userAgent: 'argocd-application-controller/v2.13.2+dc43124 (linux/amd64)',
    sourceIP: '10.244.1.38',
  };
}
