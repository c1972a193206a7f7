// `kstory report` and `kstory analyze --format html` end to end through bin/kstory.js: one page
// written where asked (or beside the bundle's name), said on stderr, the bundle never replaced.

import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kstory, ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const fixture = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');

describe('kstory report', () => {
  it('writes <bundle>.html in the current directory and says so', () => {
    const dir = tempDir();
    const bundle = path.join(dir, 'incident.parquet');
    copyFileSync(fixture, bundle);
    const result = kstory(['report', bundle, '--no-progress'], { cwd: dir });
    expect(result.stderr).toMatch(/^wrote incident\.html \(\d+(\.\d)? (KB|MB)\)$/m);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const page = readFileSync(path.join(dir, 'incident.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('id="incident-1"');
    expect(page).toContain('"lanes":[');
  });

  it('names the page of a glob kstory-report.html', () => {
    const dir = tempDir();
    copyFileSync(fixture, path.join(dir, 'incident-1.parquet'));
    const result = kstory(['report', path.join(dir, 'incident-*.parquet'), '--no-progress'], { cwd: dir });
    expect(result.stderr).toMatch(/^wrote kstory-report\.html /m);
    expect(existsSync(path.join(dir, 'kstory-report.html'))).toBe(true);
  });

  it('is analyze --format html, filters included, to the file of -o', () => {
    const dir = tempDir();
    const out = path.join(dir, 'page.html');
    const result = kstory([
      'analyze',
      fixture,
      '--format',
      'html',
      '-o',
      out,
      '--since',
      '10m',
      '--subject',
      'shop/Deployment/checkout',
      '--no-progress',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('window 2026-03-02 09:20:00Z');
    // The timeline keeps to the subject, as the incidents do, and says so.
    expect(page).toContain('Lanes only for objects shop/Deployment/checkout, its owners and what it owns');
    const island = /<script type="application\/json" id="kstory-data">(.*?)<\/script>/s.exec(page)![1]!;
    const lanes: { kind: string; name: string; owner: string | null }[] = JSON.parse(island).timeline.lanes;
    expect(lanes.some((l) => l.kind === 'Pod')).toBe(true);
    for (const lane of lanes) {
      const isCheckout =
        lane.owner === 'Deployment checkout' || (lane.kind === 'Deployment' && lane.name === 'checkout');
      expect(isCheckout || lane.name === 'checkout-config' || lane.name === 'checkout').toBe(true);
    }
  });

  it('refuses to write its page over the bundle', () => {
    const dir = tempDir();
    const bundle = path.join(dir, 'incident.parquet');
    copyFileSync(fixture, bundle);
    const result = kstory(['report', bundle, '-o', bundle, '--no-progress']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a bundle being analysed/);
    expect(existsSync(bundle)).toBe(true);
  });
});
