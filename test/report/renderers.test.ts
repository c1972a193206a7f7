// The output formats of `kstory analyze`: the registry behind --format, and the text renderer
// fitted to the width it is given.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { RENDERERS } from '../../src/report/renderers.ts';
import { plainChalk } from '../../src/report/style.ts';
import { displayWidth } from '../../src/report/width.ts';
import { openBundle } from '../../src/views/open.ts';
import { ROOT } from '../support/cli.ts';

let report: Report;

beforeAll(async () => {
  const bundle = await openBundle([path.join(ROOT, 'fixtures/bad-config-rollout.parquet')]);
  try {
    report = await analyzeBundle(bundle);
  } finally {
    bundle.close();
  }
});

describe('the renderer registry', () => {
  it('names each format and each alias flag once', () => {
    const names = RENDERERS.map((r) => r.name);
    const flags = RENDERERS.flatMap((r) => (r.flag ? [r.flag] : []));
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(flags).size).toBe(flags.length);
    expect(names[0]).toBe('text');
    expect(flags).toEqual(['--json', '--markdown']);
  });

  it('renders the same report whatever the width for documents', () => {
    for (const renderer of RENDERERS.filter((r) => r.produces === 'document')) {
      const narrow = renderer.render(report, { chalk: plainChalk, width: 40, explain: false });
      const wide = renderer.render(report, { chalk: plainChalk, width: 200, explain: false });
      expect(narrow).toEqual(wide);
    }
  });
});

describe('the text renderer', () => {
  const text = RENDERERS.find((r) => r.name === 'text')!;

  it.each([50, 80, 132])('fits every line into %i columns, but for words longer than a line', (width) => {
    const output = text.render(report, { chalk: plainChalk, width, explain: true }) as string;
    // The first line names the bundle file, whole.
    const [header, ...lines] = output.split('\n');
    expect(header).toBe(`kstory analysis of ${report.bundle.files[0]}`);
    for (const line of lines) {
      if (displayWidth(line) > width) expect(line.trim()).not.toContain(' ');
    }
  });

  it('uses the room a wide terminal gives', () => {
    const lines = (width: number) =>
      (text.render(report, { chalk: plainChalk, width, explain: false }) as string).split('\n').length;
    expect(lines(132)).toBeLessThan(lines(80));
  });
});
