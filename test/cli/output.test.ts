// Where command output goes: text for a person fitted to the stream (its terminal's width, 80
// columns in a pipe), listings whole in a pipe, JSON for scripts, reports to stdout or a file.

import { describe, expect, it } from 'vitest';
import { writeListing, writeText } from '../../src/cli/output.ts';
import type { LoadedPattern } from '../../src/patterns/load.ts';
import { renderPatternList } from '../../src/report/patterns-text.ts';
import { renderScenarioList } from '../../src/report/simulate-text.ts';
import { displayWidth } from '../../src/report/width.ts';

function aStream(isTTY: boolean, columns?: number) {
  const written: string[] = [];
  const write = (text: string | Uint8Array) => {
    written.push(String(text));
    return true;
  };
  return { stream: { isTTY, columns, write }, output: () => written.join('') };
}

const sentence =
  'wrote 12,345 rows to /data/incidents/2026-03-02/checkout-outage.parquet (3.1 MB): object 9,000, event 3,000';

describe('writeText', () => {
  it('wraps a line too wide for the terminal, and in a pipe for 80 columns', () => {
    for (const [isTTY, columns, width] of [
      [true, 50, 50],
      [false, 200, 80],
    ] as const) {
      const { stream, output } = aStream(isTTY, columns);
      writeText(stream, `${sentence}\n`);
      const lines = output().trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      expect(lines.join(' ')).toBe(sentence);
    }
  });

  it('draws for the width of the stream when given a function of it', () => {
    const { stream, output } = aStream(true, 132);
    writeText(stream, (width) => `${width}\n`);
    expect(output()).toBe('132\n');
  });
});

describe('writeListing', () => {
  const scenarios = [
    {
      name: 'bad-config-rollout',
      description:
        'a ConfigMap change makes the new pods crash, the rollout is stuck, the Service has no endpoints',
    },
    { name: 'healthy-cluster', description: 'nothing goes wrong' },
  ];

  it('keeps one record a line in a pipe, for grep', () => {
    const { stream, output } = aStream(false, 40);
    writeListing(stream, (width) => renderScenarioList(scenarios, width));
    expect(output().trimEnd().split('\n')).toEqual([
      `bad-config-rollout  ${scenarios[0]!.description}`,
      'healthy-cluster     nothing goes wrong',
    ]);
  });

  it('wraps a record under its own column on a terminal', () => {
    const { stream, output } = aStream(true, 60);
    writeListing(stream, (width) => renderScenarioList(scenarios, width));
    const lines = output().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    expect(lines[1]).toMatch(/^ {20}\S/);
    expect(lines.at(-1)).toBe('healthy-cluster     nothing goes wrong');
  });

  it('lists patterns the same way', () => {
    const patterns = [
      {
        id: 'crash-loop-backoff',
        severity: 'high',
        title: 'Container restarting in CrashLoopBackOff after its last start failed',
      },
    ] as unknown as LoadedPattern[];
    expect(renderPatternList(patterns, Number.POSITIVE_INFINITY)).toBe(
      `crash-loop-backoff  high      ${patterns[0]!.title}\n1 patterns\n`,
    );
    const narrow = renderPatternList(patterns, 60).split('\n');
    expect(narrow[1]).toMatch(/^ {30}\S/);
  });
});
