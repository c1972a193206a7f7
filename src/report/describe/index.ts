// Which describer prints a kind: one per kind that kubectl has a special layout for, the generic
// outline for the rest. A new describer is one file and one line here.

import type { DescribeInput } from '../../serve/describe.ts';
import { describeCronJob, describeHorizontalPodAutoscaler, describeJob } from './batch-scaling.ts';
import { describeGeneric } from './generic.ts';
import { describePod } from './pod.ts';
import {
  describePersistentVolume,
  describePersistentVolumeClaim,
  describeService,
} from './services-storage.ts';
import { describeDeployment, describeNode } from './workloads.ts';

const DESCRIBERS: Readonly<Record<string, (input: DescribeInput) => string>> = {
  Pod: describePod,
  Deployment: describeDeployment,
  Node: describeNode,
  Job: describeJob,
  CronJob: describeCronJob,
  HorizontalPodAutoscaler: describeHorizontalPodAutoscaler,
  Service: describeService,
  PersistentVolumeClaim: describePersistentVolumeClaim,
  PersistentVolume: describePersistentVolume,
};

export function renderDescribe(input: DescribeInput): string {
  const describer = input.resource.origin === 'builtin' ? DESCRIBERS[input.resource.kind] : undefined;
  return (describer ?? describeGeneric)(input);
}
