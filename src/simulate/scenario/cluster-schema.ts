// The cluster of a scenario file: its nodes (capacity, zone, taints, disk and PID limits), the taints
// and tolerations pods are scheduled with, and the users who act on it.

import { z } from 'zod';
import { Labels, Name, Quantity } from './fields.ts';

export const TaintSchema = z.object({
  key: z.string(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

export const TolerationSchema = z.object({
  key: z.string().optional(),
  operator: z.enum(['Equal', 'Exists']).default('Equal'),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

export const NodeSchema = z.strictObject({
  name: Name,
  /** Several nodes named name-1..name-N. */
  count: z.number().int().min(1).max(5000).optional(),
  cpu: Quantity.default('4'),
  memory: Quantity.default('16Gi'),
  pods: z.number().int().default(110),
  zone: z.string().default('eu-west-1a'),
  instanceType: z.string().default('m6i.xlarge'),
  role: z.enum(['worker', 'control-plane']).default('worker'),
  labels: Labels.default({}),
  taints: z.array(TaintSchema).default([]),
  /** Space used on the node's 100 GiB filesystem by everything but pods and images (OS, runtime, logs). */
  diskUsed: Quantity.default('30Gi'),
  /** The kernel's pid_max: processes and threads the node can run (PIDPressure below 10 % left). */
  pidMax: z.number().int().min(1024).default(4194304),
});

export const UserSchema = z.strictObject({
  name: z.string(),
  groups: z.array(z.string()).default(['system:authenticated']),
  /** Requests this user may not make: `verb resource [namespace]`, e.g. `patch deployments shop`. */
  denied: z.array(z.string()).default([]),
  userAgent: z.string().optional(),
});
