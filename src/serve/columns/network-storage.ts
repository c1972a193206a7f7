// Tables of networking, storage, scheduling, coordination, RBAC and admission kinds.

import { arr, type Json, rec, str } from '../../kube/fields.ts';
import { age, formatLabelSelector, listWithMore, nameOf, num, text } from './format.ts';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer, wide } from './table.ts';

function loadBalancer(status: unknown): string {
  const ips = [
    ...new Set(
      arr(rec(rec(status)?.loadBalancer)?.ingress).map((i) => text(rec(i)?.ip) || text(rec(i)?.hostname)),
    ),
  ]
    .filter(Boolean)
    .sort()
    .join(',');
  return ips.length > 16 ? `${ips.slice(0, 13)}...` : ips;
}

const INGRESS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  cells(ing, now) {
    const spec = rec(ing.spec) ?? {};
    const hosts = arr(spec.rules)
      .map((r) => text(rec(r)?.host))
      .filter(Boolean);
    return [
      nameOf(ing),
      text(spec.ingressClassName, '<none>'),
      hosts.length === 0 ? '*' : listWithMore(hosts, 3, '*'),
      loadBalancer(ing.status),
      arr(spec.tls).length > 0 ? '80, 443' : '80',
      age(ing, now),
    ];
  },
};

const INGRESS_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'Controller that is responsible for handling this class'),
    column('Parameters', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  cells(ic, now) {
    const spec = rec(ic.spec) ?? {};
    const p = rec(spec.parameters);
    const parameters = p
      ? `${text(p.kind)}${str(p.apiGroup) ? `.${p.apiGroup}` : ''}/${text(p.name)}`
      : '<none>';
    return [nameOf(ic), text(spec.controller), parameters, age(ic, now)];
  },
};

const ENDPOINT_SLICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    AGE_COLUMN,
  ],
  cells(slice, now) {
    const ports = arr(slice.ports).map((p) => {
      const port = rec(p) ?? {};
      return typeof port.port === 'number' ? String(port.port) : (str(port.name) ?? '*');
    });
    const addresses = arr(slice.endpoints).flatMap((e) => arr(rec(e)?.addresses).map(String));
    return [
      nameOf(slice),
      text(slice.addressType),
      listWithMore(ports, 3, '<unset>'),
      listWithMore(addresses, 3, '<unset>'),
      age(slice, now),
    ];
  },
};

const NETWORK_POLICY_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'),
    AGE_COLUMN,
  ],
  cells: (np, now) => [nameOf(np), formatLabelSelector(rec(np.spec)?.podSelector), age(np, now)],
};

const STORAGE_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'provisioner indicates the type of the provisioner.'),
    column(
      'ReclaimPolicy',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.',
    ),
    column(
      'VolumeBindingMode',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.',
    ),
    column(
      'AllowVolumeExpansion',
      'allowVolumeExpansion shows whether the storage class allow volume expand.',
    ),
    AGE_COLUMN,
  ],
  cells(sc, now) {
    const annotations = rec(rec(sc.metadata)?.annotations) ?? {};
    const isDefault =
      annotations['storageclass.kubernetes.io/is-default-class'] === 'true' ||
      annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    return [
      `${nameOf(sc)}${isDefault ? ' (default)' : ''}`,
      text(sc.provisioner),
      text(sc.reclaimPolicy, 'Delete'),
      text(sc.volumeBindingMode, 'Immediate'),
      sc.allowVolumeExpansion === true ? 'true' : 'false',
      age(sc, now),
    ];
  },
};

const LEASE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Holder', 'holderIdentity contains the identity of the holder of a current lease.'),
    AGE_COLUMN,
  ],
  cells: (lease, now) => [nameOf(lease), text(rec(lease.spec)?.holderIdentity), age(lease, now)],
};

const PRIORITY_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Value', 'value represents the integer value of this priority class.', { type: 'integer' }),
    column(
      'Global-Default',
      'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.',
      { type: 'boolean' },
    ),
    column('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
    AGE_COLUMN,
  ],
  cells: (pc, now) => [
    nameOf(pc),
    num(pc.value),
    pc.globalDefault === true,
    text(pc.preemptionPolicy, 'PreemptLowerPriority'),
    age(pc, now),
  ],
};

function subjects(binding: Json): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of arr(binding.subjects).map((x) => rec(x) ?? {})) {
    if (s.kind === 'User') users.push(text(s.name));
    else if (s.kind === 'Group') groups.push(text(s.name));
    else if (s.kind === 'ServiceAccount') sas.push(`${text(s.namespace)}/${text(s.name)}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

const BINDING_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      'Role',
      'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.',
    ),
    AGE_COLUMN,
    wide('Users', 'Users in the roleBinding'),
    wide('Groups', 'Groups in the roleBinding'),
    wide('ServiceAccounts', 'ServiceAccounts in the roleBinding'),
  ],
  cells(binding, now) {
    const ref = rec(binding.roleRef) ?? {};
    return [nameOf(binding), `${text(ref.kind)}/${text(ref.name)}`, age(binding, now), ...subjects(binding)];
  },
};

const WEBHOOK_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Webhooks', 'Webhooks indicates the number of webhooks registered in this configuration', {
      type: 'integer',
    }),
    AGE_COLUMN,
  ],
  cells: (config, now) => [nameOf(config), arr(config.webhooks).length, age(config, now)],
};

export const OTHER_PRINTERS: Readonly<Record<string, Printer>> = {
  Ingress: INGRESS_PRINTER,
  IngressClass: INGRESS_CLASS_PRINTER,
  EndpointSlice: ENDPOINT_SLICE_PRINTER,
  NetworkPolicy: NETWORK_POLICY_PRINTER,
  StorageClass: STORAGE_CLASS_PRINTER,
  Lease: LEASE_PRINTER,
  PriorityClass: PRIORITY_CLASS_PRINTER,
  RoleBinding: BINDING_PRINTER,
  ClusterRoleBinding: BINDING_PRINTER,
  MutatingWebhookConfiguration: WEBHOOK_PRINTER,
  ValidatingWebhookConfiguration: WEBHOOK_PRINTER,
};
