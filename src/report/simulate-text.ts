// What `kstory simulate` prints: the built-in scenarios, and what a run wrote, as text or (for
// scripts) as the values printed as JSON. Computes nothing.

import type { SimulateResult } from '../simulate/run.ts';
import { wrap } from './width.ts';

interface ScenarioEntry {
  name: string;
  description: string;
}

/** A line per scenario: its name, and its description wrapped under itself to the width. */
export function renderScenarioList(scenarios: readonly ScenarioEntry[], width: number): string {
  const nameWidth = Math.max(0, ...scenarios.map((s) => s.name.length));
  return scenarios
    .flatMap((s) => wrap(s.description, 0, width, `${s.name.padEnd(nameWidth)}  `))
    .map((line) => `${line}\n`)
    .join('');
}

export function scenarioListJson(scenarios: readonly ScenarioEntry[]): unknown {
  return scenarios.map(({ name, description }) => ({ name, description }));
}

export function renderSimulateSummary(result: SimulateResult): string {
  const sources = Object.entries(result.bundle.rowsBySource)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `simulated ${result.scenario.name} (seed ${result.seed}, from ${result.start}): ${result.bundle.rows} rows (${sources}), ${(result.bundle.bytes / 1024).toFixed(0)} KiB → ${result.bundle.path}\n`;
}

export function simulateSummaryJson(result: SimulateResult): unknown {
  return {
    scenario: result.scenario.name,
    seed: result.seed,
    start: result.start,
    output: result.bundle.path,
    rows: result.bundle.rows,
    bytes: result.bundle.bytes,
    rows_by_source: result.bundle.rowsBySource,
  };
}
