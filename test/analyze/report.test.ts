// The report contract (src/analyze/report.ts): a real report keeps it, and it refuses what a reader
// of kstory.report/v2 would not expect: a key it does not declare, a key in another style, a time
// that is not RFC 3339 UTC, an index that is not a whole number.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_SCHEMA, type Report, ReportSchema } from '../../src/analyze/report.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { ROOT } from '../support/cli.ts';

let report: Report;

beforeAll(async () => {
  const bundle = await openBundle([path.join(ROOT, 'fixtures/bad-config-rollout.parquet')]);
  try {
    report = await analyzeBundle(bundle, { all: true });
  } finally {
    bundle.close();
  }
});

/** The report as a script reads it: plain JSON. */
const asJson = (): Record<string, unknown> & { findings: Record<string, unknown>[] } =>
  JSON.parse(JSON.stringify(report));

describe('the report contract', () => {
  it('holds for a real report, printed as JSON and read back', () => {
    expect(report.schema).toBe(REPORT_SCHEMA);
    expect(report.incidents.length).toBeGreaterThan(0);
    expect(ReportSchema.safeParse(asJson()).error?.issues ?? []).toEqual([]);
  });

  it('uses one key style: snake_case everywhere', () => {
    const keys = new Set<string>();
    const walk = (value: unknown, signals = false): void => {
      if (Array.isArray(value)) for (const item of value) walk(item);
      else if (value !== null && typeof value === 'object')
        for (const [key, child] of Object.entries(value)) {
          // The keys of `signals` are the pattern's signal names, not the contract's.
          if (!signals) keys.add(key);
          walk(child, key === 'signals');
        }
    };
    walk(asJson());
    expect([...keys].filter((key) => !/^[a-z]+(_[a-z]+)*$/.test(key))).toEqual([]);
    expect(keys).toContain('confidence_reasons');
  });

  it('refuses an undeclared key, the old camelCase key, a bad time and a fractional index', () => {
    const issues = (change: (json: ReturnType<typeof asJson>) => void) => {
      const json = asJson();
      change(json);
      return ReportSchema.safeParse(json).error?.issues.map((i) => i.path.join('.')) ?? [];
    };
    expect(issues((json) => Object.assign(json, { extra: 1 }))).toEqual(['']);
    expect(
      issues((json) => {
        json.findings[0]!.confidenceReasons = json.findings[0]!.confidence_reasons;
      }),
    ).toEqual(['findings.0']);
    expect(
      issues((json) => {
        json.findings[0]!.first = '2026-03-02 09:10:00';
      }),
    ).toEqual(['findings.0.first']);
    expect(
      issues((json) => {
        json.findings[0]!.id = 0.5;
      }),
    ).toEqual(['findings.0.id']);
  });
});
