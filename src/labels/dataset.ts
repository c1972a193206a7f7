// A dataset of labels: a train/validation/test split that never puts labels of one group in two
// splits (a simulated scenario family, so that a model is tested on failures it never saw; a bundle
// for recorded or imported data), and the counts its card reports.

import { createHash } from 'node:crypto';
import type { Label } from './schema.ts';

export const SPLITS = ['train', 'validation', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** Percentages of groups in train and validation; test has the rest. */
export interface SplitShares {
  train: number;
  validation: number;
}
export const DEFAULT_SHARES: SplitShares = { train: 80, validation: 10 };

/** What keeps labels together: the scenario of a simulated bundle, else the bundle itself. */
export function groupOf(label: Label): string {
  return label.source.scenario !== null
    ? `scenario:${label.source.scenario}`
    : `bundle:${label.source.digest}`;
}

/** The split of a group: where the hash of its name falls, the same on every run. */
export function splitOf(group: string, shares: SplitShares = DEFAULT_SHARES): Split {
  const point = createHash('sha256').update(group).digest().readUInt32BE(0) % 100;
  return point < shares.train ? 'train' : point < shares.train + shares.validation ? 'validation' : 'test';
}

export interface DatasetCounts {
  total: number;
  bySplit: Record<Split, number>;
  byType: Record<string, number>;
  byScenario: Record<string, number>;
  byBand: Record<string, number>;
  groupsBySplit: Record<Split, number>;
}

export class DatasetCounter {
  private readonly counts: DatasetCounts = {
    total: 0,
    bySplit: { train: 0, validation: 0, test: 0 },
    byType: {},
    byScenario: {},
    byBand: {},
    groupsBySplit: { train: 0, validation: 0, test: 0 },
  };
  private readonly groups = new Set<string>();

  add(label: Label, split: Split): void {
    const c = this.counts;
    c.total++;
    c.bySplit[split]++;
    c.byType[label.type] = (c.byType[label.type] ?? 0) + 1;
    const scenario = label.source.scenario ?? '(recorded or imported)';
    c.byScenario[scenario] = (c.byScenario[scenario] ?? 0) + 1;
    c.byBand[label.quality.band] = (c.byBand[label.quality.band] ?? 0) + 1;
    const group = groupOf(label);
    if (!this.groups.has(group)) {
      this.groups.add(group);
      c.groupsBySplit[split]++;
    }
  }

  result(): DatasetCounts {
    return structuredClone(this.counts);
  }
}
