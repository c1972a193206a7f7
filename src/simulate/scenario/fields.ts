// The field types scenario files share: durations (30s, 1h30m), quantities (250m, 128Mi), DNS-1123
// names and label maps.

import { z } from 'zod';
import { DurationSchema } from '../../vocab/duration.ts';

/** A duration as text (`90s`, `1h30m`) or a number of seconds. */
export const Duration = z.union([DurationSchema, z.number()]);
export const Quantity = z.union([
  z.string().regex(/^[0-9]+(\.[0-9]+)?[a-zA-Z]*$/, 'a quantity like 250m, 2 or 128Mi'),
  z.number(),
]);
export const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a DNS-1123 name (lower case, digits, "-")');
export const Labels = z.record(z.string(), z.string());
