// The size of a generated benchmark bundle (`--scale nodes=1000,pods=30000,hours=24,records=10M`),
// parsed with the defaults for what is not given.

import { KstoryError } from '../../errors.ts';

export interface ScaleSpec {
  nodes: number;
  pods: number;
  hours: number;
  /** Total rows to write, approximately. */
  records: number;
}

const KEYS = ['nodes', 'pods', 'hours', 'records'] as const;

export function parseScale(text: string): ScaleSpec {
  const spec: ScaleSpec = { nodes: 100, pods: 3000, hours: 24, records: 1_000_000 };
  for (const part of text.split(',').filter(Boolean)) {
    const [key, raw] = part.split('=');
    const value = Number((raw ?? '').replace(/_/g, '').replace(/[kK]$/, '000').replace(/[mM]$/, '000000'));
    if (!KEYS.includes(key as (typeof KEYS)[number]) || !Number.isFinite(value) || value <= 0) {
      throw new KstoryError(`${text}: "${part}" is not one of ${KEYS.map((k) => `${k}=N`).join(', ')}`, {
        option: 'scale',
        hint: 'e.g. nodes=1000,pods=30000,hours=24,records=10M',
      });
    }
    spec[key as keyof ScaleSpec] = value;
  }
  if (spec.pods < spec.nodes)
    throw new KstoryError(`${text}: fewer pods than nodes`, {
      option: 'scale',
      hint: 'A cluster runs at least one pod per node.',
    });
  return spec;
}
