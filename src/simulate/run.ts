// `kstory simulate` without the CLI: load a scenario, run it, write the bundle.

import { existsSync, rmSync } from 'node:fs';
import type { Source } from '../bundle/columns.ts';
import type { FinishResult } from '../bundle/final-bundle.ts';
import { checkOutputPath } from '../bundle/output-path.ts';
import type { BundleRow } from '../bundle/row.ts';
import { BundleWriter } from '../bundle/writer.ts';
import { KstoryError } from '../errors.ts';
import { fixedRedactionKey } from '../kube/redact.ts';
import { parseDuration } from './engine/quantity.ts';
import type { RecordSink, SimRecord } from './engine/records.ts';
import { Simulation } from './engine/simulation.ts';
import { toBundleRow } from './output/rows.ts';
import { scaleRows } from './scale/scale.ts';
import { parseScale } from './scale/spec.ts';
import { loadScenarioFile, resolveScenario } from './scenario/load.ts';
import type { Scenario } from './scenario/schema.ts';

export interface SimulateOptions {
  scenario: string;
  output: string;
  seed?: number;
  /** Start of the recorded window: RFC 3339; defaults to the scenario's start. */
  start?: string;
  force?: boolean;
  /** Only the rows of these sources: what a cluster that kept only them (its audit log alone, its
   * pods' logs alone) would give of the same story. Every source when absent. */
  sources?: readonly Source[];
}

export interface SimulateResult {
  scenario: Scenario;
  seed: number;
  start: string;
  bundle: FinishResult;
}

export const DEFAULT_START = '2026-03-02T09:00:00Z';

export function parseStart(text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d\d-\d\dT/.test(text) || Number.isNaN(ms)) {
    throw new KstoryError(`${text}: not an RFC 3339 time`, {
      option: 'start',
      hint: 'e.g. 2026-03-02T09:00:00Z',
    });
  }
  return ms;
}

/** Run a scenario and hand every row, in emission order, to `onRow`. Deterministic for a seed. */
export function simulateRows(
  scenario: Scenario,
  options: { seed?: number; start?: string },
  onRow: (row: BundleRow) => void,
): { seed: number; start: string } {
  const seed = options.seed ?? scenario.seed;
  const startText = options.start ?? scenario.start ?? DEFAULT_START;
  const start = parseStart(startText);
  // Objects of the kinds the recording could not read never reach it; their Events still do.
  const unread = new Set(scenario.recorded.withoutKinds);
  const sink: RecordSink = {
    push: (record: SimRecord) => {
      const row = toBundleRow(record);
      if (row.source === 'object' && unread.has(row.kind ?? '')) return;
      onRow(row);
    },
  };
  new Simulation(scenario, sink, { seed, start }).run();
  return { seed, start: new Date(start).toISOString() };
}

/**
 * The key of a simulated bundle's redaction tokens: synthetic data, so the same scenario and seed
 * give the same bundle, tokens included (and its fixture test can make the same rows).
 */
export function simulationRedactionKey(scenario: Scenario, seed?: number): Uint8Array {
  return fixedRedactionKey(`simulate:${scenario.name}:${seed ?? scenario.seed}`);
}

export async function runSimulate(options: SimulateOptions): Promise<SimulateResult> {
  const scenario = loadScenarioFile(resolveScenario(options.scenario));
  checkOutputPath(options.output, { force: options.force });
  if (existsSync(options.output)) rmSync(options.output);
  const writer = await BundleWriter.create({
    output: options.output,
    // Synthetic data: the same scenario and seed give the same bundle, tokens included.
    redactionKey: simulationRedactionKey(scenario, options.seed),
    metadata: {
      producer: 'simulate',
      cluster: { name: scenario.cluster.name, server_version: scenario.cluster.version },
      extra: {
        scenario: scenario.name,
        seed: options.seed ?? scenario.seed,
        description: scenario.description,
      },
    },
  });
  let run: { seed: number; start: string };
  try {
    const kept = options.sources ? new Set<string>(options.sources) : null;
    run = simulateRows(scenario, options, (row) => {
      if (kept === null || kept.has(row.source)) writer.append(row);
    });
  } catch (error) {
    await writer.close();
    throw error;
  }
  // The recorded window, not the earliest row: Events still alive and previous logs predate it.
  const end = new Date(Date.parse(run.start) + parseDuration(scenario.duration)).toISOString();
  writer.updateMetadata({
    window: { start: run.start, end },
    extra: {
      scenario: scenario.name,
      seed: run.seed,
      start: run.start,
      description: scenario.description,
      expect: scenario.expect,
    },
  });
  const bundle = await writer.finish();
  return { scenario, seed: run.seed, start: run.start, bundle };
}

export interface ScaleOptions {
  /** `nodes=N,pods=N,hours=N,records=N`. */
  scale: string;
  output: string;
  seed?: number;
  start?: string;
  force?: boolean;
}

/** A large benchmark bundle from the scale generator (see scale/scale.ts). */
export async function runSimulateScale(
  options: ScaleOptions,
): Promise<SimulateResult & { scale: string; spoolBacklog: { peakSegments: number; peakBytes: number } }> {
  const spec = parseScale(options.scale);
  const seed = options.seed ?? 1;
  const startText = options.start ?? DEFAULT_START;
  const start = parseStart(startText);
  checkOutputPath(options.output, { force: options.force });
  if (existsSync(options.output)) rmSync(options.output);
  const writer = await BundleWriter.create({
    output: options.output,
    memoryLimit: '2GB',
    redactionKey: fixedRedactionKey(`simulate-scale:${options.scale}:${seed}`),
    metadata: {
      producer: 'simulate',
      cluster: { name: 'scale', server_version: 'v1.34.1' },
      extra: { scale: spec, seed },
    },
  });
  try {
    await scaleRows(spec, seed, start, writer);
  } catch (error) {
    await writer.close();
    throw error;
  }
  writer.updateMetadata({
    window: {
      start: new Date(start).toISOString(),
      end: new Date(start + spec.hours * 3_600_000).toISOString(),
    },
  });
  // The most closed segments that waited for compaction at once: bounded by the writer's
  // back-pressure however far compaction fell behind (the benchmark shows it).
  const { peakSegments, peakBytes } = writer.backlog;
  const bundle = await writer.finish();
  const scenario = { name: 'scale', description: `scale ${options.scale}` } as Scenario;
  return {
    scenario,
    seed,
    start: new Date(start).toISOString(),
    bundle,
    scale: options.scale,
    spoolBacklog: { peakSegments, peakBytes },
  };
}
