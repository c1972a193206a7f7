// The HTML report in a real browser (Debian's Chromium, headless): it draws without console errors
// or requests, its incidents open on their chain, its lanes are there, the time cursor changes the
// state shown, deep links work, and planted markup stays text. A screenshot is kept in test-results/.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { buildTimeline } from '../../src/analyze/timeline/build.ts';
import { renderHtml } from '../../src/report/html/document.ts';
import { openBundle } from '../../src/views/open.ts';
import { writeBundle } from '../support/bundles.ts';
import { artifactPath, chromiumMissing, launchChromium, watchedPage } from '../support/chromium.ts';
import { ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';
import { IMG, PLANTED_GAP, POD, plantedRows, SCRIPT } from './html-planted.ts';

async function reportPage(bundlePath: string, file: string): Promise<Report> {
  const bundle = await openBundle([bundlePath]);
  try {
    const report = await analyzeBundle(bundle);
    const timeline = await buildTimeline(bundle, report.window, {
      focus: report.findings.map((f) => f.subject),
    });
    writeFileSync(file, renderHtml(report, timeline));
    return report;
  } finally {
    bundle.close();
  }
}

describe.skipIf(chromiumMissing !== null)(chromiumMissing ?? 'the HTML report in Chromium', () => {
  const dir = useTempDir('kstory-html-browser-');
  let browser: Browser;
  let report: Report;
  let file: string;

  beforeAll(async () => {
    file = path.join(dir(), 'bad-config-rollout.html');
    report = await reportPage(path.join(ROOT, 'fixtures/bad-config-rollout.parquet'), file);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws incidents and lanes with no console error and no request; expanding shows the chain', async () => {
    const { page, watched } = await watchedPage(browser, file);
    await page.goto(`file://${file}`);
    await page.locator('.row.lane').first().waitFor();

    expect(await page.locator('details.incident').count()).toBe(report.incidents.length);
    const lanes = page.locator('.row.lane .label');
    expect(await lanes.count()).toBeGreaterThan(5);
    await expect
      .poll(() => lanes.allTextContents())
      .toContainEqual(expect.stringContaining('Deployment checkout'));

    const incident = page.locator('#incident-1');
    const graph = incident.locator('.chain-graph');
    expect(await graph.isVisible()).toBe(false);
    await incident.locator('summary').click();
    expect(await graph.isVisible()).toBe(true);
    const chain = report.incidents[0]!.chain;
    expect(await graph.locator('.node').count()).toBe(chain.length);
    const root = report.findings[report.incidents[0]!.root]!;
    expect(await graph.locator('.node.root title').textContent()).toContain(root.title);
    expect(await incident.locator('.chain-list > li').count()).toBe(chain.length);
    expect(await incident.locator('.remediation li').count()).toBeGreaterThan(0);

    await page.locator('#timeline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifactPath('html-report-timeline.png') });
    expect(watched.errors).toEqual([]);
    expect(watched.requests).toEqual([]);
    await page.close();
  });

  it('shows the state at the cursor, moved with the slider or a #t= link', async () => {
    const { page, watched } = await watchedPage(browser, file);
    const t0 = Date.parse(report.window.start);
    await page.goto(`file://${file}#t=2026-03-02T09:05:00Z`);
    const state = page
      .locator('#cursor-panel tr', { hasText: 'Pod shop/checkout-64c8d548db-5jtrj' })
      .locator('td.state');
    await expect.poll(() => state.textContent()).toBe('Running');
    expect(await page.locator('#cursor-time').textContent()).toBe('2026-03-02 09:05:00Z');

    await page.locator('#cursor').fill(String(Date.parse('2026-03-02T09:20:00Z') - t0));
    await expect.poll(() => page.locator('#cursor-time').textContent()).toBe('2026-03-02 09:20:00Z');
    await expect.poll(() => state.textContent()).not.toBe('Running');
    expect(['CrashLoopBackOff', 'Terminated: Error', 'Running, not ready', 'Terminating']).toContain(
      await state.textContent(),
    );
    expect(page.url()).toContain('#t=2026-03-02T09:20:00Z');

    // Zooming in around the cursor shows a shorter stretch of time; Fit shows the whole window again.
    const ticks = () => page.locator('.tl-axis .tick').allTextContents();
    const whole = await ticks();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(ticks).not.toEqual(whole);
    await page.getByRole('button', { name: 'Pan left' }).click();
    await page.getByRole('button', { name: 'Show the whole window' }).click();
    await expect.poll(ticks).toEqual(whole);

    // The keyboard moves it too.
    await page.locator('.tl').focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('#cursor-time').textContent()).not.toBe('2026-03-02 09:20:00Z');
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('opens and closes a group from the keyboard, and prints every incident open', async () => {
    const { page, watched } = await watchedPage(browser, file);
    await page.goto(`file://${file}`);
    await page.locator('.row.lane').first().waitFor();
    const firstGroup = page.locator('.row.group').first();
    const name = await firstGroup.textContent();
    const lanes = await page.locator('.row.lane').count();
    await page.locator('.tl').focus();
    const incidentRows = await page.locator('.row.incident').count();
    for (let i = 0; i < incidentRows; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.row.group').first().textContent()).toBe(name!.replace('▾', '▸'));
    expect(await page.locator('.row.lane').count()).toBeLessThan(lanes);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.row.group').first().textContent()).toBe(name);

    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('beforeprint')));
    expect(await page.locator('details.incident:not([open])').count()).toBe(0);
    expect(await page.locator('.toolbar').isVisible()).toBe(false);
    await page.pdf({ path: artifactPath('html-report.pdf') });
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('filters lanes, follows #incident-N, and compares two versions of an object', async () => {
    const { page, watched } = await watchedPage(browser, file);
    await page.goto(`file://${file}#incident-1`);
    expect(await page.locator('#incident-1').getAttribute('open')).not.toBeNull();

    await page.locator('#lane-filter').fill('kind:configmap checkout');
    await expect.poll(() => page.locator('.row.lane').count()).toBe(1);
    expect(await page.locator('.row.lane .label').textContent()).toContain('ConfigMap checkout-config');

    await page.locator('#diff-object').selectOption({ label: 'ConfigMap shop/checkout-config (1 changes)' });
    const row = page.locator('#diff-result tr', { hasText: 'data.DATABASE_URL' });
    expect(await row.locator('td.old').textContent()).toContain('postgres://orders-db');
    expect(await row.locator('td').last().textContent()).toBe('patch by alice');
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('shows planted markup in names, messages and log lines as text', async () => {
    const planted = path.join(dir(), 'planted.html');
    await reportPage(
      await writeBundle(dir(), 'planted.parquet', plantedRows(), { gaps: [PLANTED_GAP] }),
      planted,
    );
    const { page, watched } = await watchedPage(browser, planted);
    await page.goto(`file://${planted}`);
    await page.locator('.row.lane').first().waitFor();
    await page.locator('#incident-1 summary').click();
    // A log mark's tooltip draws the planted lines too.
    await page.locator('.mark.log').first().hover();
    expect(await page.locator('.tooltip').textContent()).toContain(SCRIPT);
    await page.locator('#diff-object').selectOption({ index: 0 });

    expect(await page.evaluate(() => (globalThis as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    const text = await page.locator('body').textContent();
    expect(text).toContain(SCRIPT);
    expect(await page.locator('#timeline-app').textContent()).toContain(POD);
    expect(await page.locator('#diff-result').textContent()).toContain(IMG);
    // The gap is said in the header and hatched on every lane.
    expect(await page.locator('header').textContent()).toContain(PLANTED_GAP.reason);
    expect(await page.locator('.row.lane').first().locator('.gap').count()).toBe(1);
    expect(watched.errors).toEqual([]);
    expect(watched.requests).toEqual([]);
    await page.close();
  });
});
