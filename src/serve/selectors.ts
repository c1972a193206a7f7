// Label and field selectors as the API server takes them (`labelSelector=app=x,tier!=db`,
// `fieldSelector=spec.nodeName=n1,status.phase!=Succeeded`), with the fields each kind supports.

import { parseSelector } from '../analyze/selector.ts';
import { isKstoryError } from '../errors.ts';
import { type Json, rec } from '../kube/fields.ts';

export class SelectorError extends Error {}

type Getter = (obj: Json) => unknown;

const metadata =
  (field: string): Getter =>
  (obj) =>
    rec(obj.metadata)?.[field];
const path =
  (...keys: string[]): Getter =>
  (obj) => {
    let v: unknown = obj;
    for (const k of keys) v = rec(v)?.[k];
    return v;
  };

/** Fields the API server lets each kind be selected by, beyond metadata.name and metadata.namespace. */
const FIELDS: Readonly<Record<string, Readonly<Record<string, Getter>>>> = {
  Pod: {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': path('spec', 'hostNetwork'),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  Event: {
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    // events.k8s.io/v1 names the same fields after its own shape.
    'regarding.kind': path('involvedObject', 'kind'),
    'regarding.namespace': path('involvedObject', 'namespace'),
    'regarding.name': path('involvedObject', 'name'),
    'regarding.uid': path('involvedObject', 'uid'),
    reason: path('reason'),
    reportingComponent: (ev) => ev.reportingComponent ?? rec(ev.source)?.component,
    reportingController: (ev) => ev.reportingComponent ?? rec(ev.source)?.component,
    source: (ev) => rec(ev.source)?.component ?? ev.reportingComponent,
    type: path('type'),
  },
  Node: { 'spec.unschedulable': path('spec', 'unschedulable') },
  Namespace: { 'status.phase': path('status', 'phase') },
  Secret: { type: path('type') },
  ReplicaSet: { 'status.replicas': path('status', 'replicas') },
  ReplicationController: { 'status.replicas': path('status', 'replicas') },
  Job: { 'status.successful': path('status', 'succeeded') },
  PersistentVolumeClaim: { 'spec.volumeName': path('spec', 'volumeName') },
  CertificateSigningRequest: { 'spec.signerName': path('spec', 'signerName') },
};

export interface FieldRequirement {
  field: string;
  value: string;
  equal: boolean;
}

/** `a=b,c!=d,e==f`. Empty text selects everything. */
export function parseFieldSelector(text: string, kind: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(p);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${p}'`);
    const field = m[1]!.trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !FIELDS[kind]?.[field]) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    out.push({ field, value: m[3]!.trim(), equal: m[2] !== '!=' });
  }
  return out;
}

function fieldValue(obj: Json, kind: string, field: string): string {
  const get =
    field === 'metadata.name' || field === 'metadata.namespace'
      ? metadata(field.slice(9))
      : (FIELDS[kind]?.[field] ?? (() => undefined));
  const v = get(obj);
  return v === undefined || v === null ? '' : String(v);
}

export function matchesFields(obj: Json, kind: string, requirements: readonly FieldRequirement[]): boolean {
  return requirements.every((r) => (fieldValue(obj, kind, r.field) === r.value) === r.equal);
}

/** A label selector predicate; the API server's 400 message for what does not parse. */
export function parseLabelSelector(text: string): (obj: Json) => boolean {
  let predicate: (labels: Record<string, string>) => boolean;
  try {
    predicate = parseSelector(text);
  } catch (error) {
    if (isKstoryError(error)) throw new SelectorError(`unable to parse requirement: ${error.message}`);
    throw error;
  }
  return (obj) => predicate((rec(rec(obj.metadata)?.labels) ?? {}) as Record<string, string>);
}
