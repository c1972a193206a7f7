// `kubectl describe pod` read back into a core/v1 Pod: node and IPs, phase, reason and message,
// controller, conditions, containers and init containers with their states, volumes, QoS class.

import {
  compact,
  conditionsOf,
  type DescribedObject,
  type DescribeKind,
  dateValue,
  intOf,
  type Json,
  metadataOf,
} from './describe-common.ts';
import { describedPodSpec } from './describe-pod-spec.ts';
import { child, type DescribeNode, fieldValue, listOf, someValue } from './describe-tree.ts';
import { beforeCapture, parseAge } from './time-text.ts';

export const describePod: DescribeKind = {
  kind: 'Pod',
  apiVersion: 'v1',
  namespaced: true,
  matches: (keys) =>
    keys.has('Containers') &&
    !keys.has('Pod Template') &&
    (keys.has('QoS Class') || keys.has('Start Time') || keys.has('IP') || keys.has('Node')),
  build: buildPod,
};

function buildPod(nodes: DescribeNode[]): DescribedObject {
  const metadata = metadataOf(nodes, true);
  const { spec, statuses, initStatuses } = describedPodSpec(nodes);
  // `Node: node-1/10.0.0.5`, or `<none>` before it is scheduled.
  const node = someValue(nodes, 'Node');
  const [nodeName, hostIP] = node ? splitOnce(node, '/') : [undefined, undefined];
  if (nodeName) spec.nodeName = nodeName;
  const priority = intOf(fieldValue(nodes, 'Priority'));
  if (priority !== undefined) spec.priority = priority;
  const runtimeClass = someValue(nodes, 'Runtime Class Name');
  if (runtimeClass) spec.runtimeClassName = runtimeClass;

  const statusText = someValue(nodes, 'Status');
  const terminating = statusText ? /^Terminating \(lasts (\S+)\)$/.exec(statusText) : null;
  const podIP = someValue(nodes, 'IP');
  const ips = child(nodes, 'IPs');
  const podIPs = ips
    ? [...listOf(ips), ...ips.children.filter((c) => c.key === 'IP').map((c) => c.value)].map((ip) => ({
        ip,
      }))
    : podIP
      ? [{ ip: podIP }]
      : [];
  const startTime = dateValue(nodes, 'Start Time');
  const status = compact({
    // A terminating pod's phase is not printed.
    phase: terminating ? undefined : statusText,
    reason: someValue(nodes, 'Reason'),
    message: someValue(nodes, 'Message'),
    hostIP: hostIP || undefined,
    podIP,
    podIPs: podIPs.length > 0 ? podIPs : undefined,
    startTime,
    nominatedNodeName: someValue(nodes, 'NominatedNodeName'),
    qosClass: someValue(nodes, 'QoS Class'),
    conditions: nonEmpty(conditionsOf(nodes)),
    initContainerStatuses: nonEmpty(initStatuses),
    containerStatuses: nonEmpty(statuses),
  });
  const containers = [
    ...((spec.initContainers as Json[] | undefined) ?? []).map((c) => ({
      name: c.name as string,
      init: true,
    })),
    ...((spec.containers as Json[] | undefined) ?? []).map((c) => ({ name: c.name as string, init: false })),
  ];
  return {
    object: { apiVersion: 'v1', kind: 'Pod', metadata, spec, status },
    since: startTime,
    subject: { containers, node: nodeName },
    relative: terminating
      ? (object, capture) => {
          // `lasts 2m`: the deletion time is that long before the capture (`<invalid>` while in the future).
          const age = parseAge(terminating[1]!);
          (object.metadata as Json).deletionTimestamp = age ? beforeCapture(capture, age) : capture;
        }
      : undefined,
  };
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
