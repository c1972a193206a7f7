// The HTML renderer without a browser: one self-contained document, the same for the same report,
// cluster strings only ever as text (in markup, in attributes and in the JSON data island).

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analyze/report.ts';
import { analyzeBundle } from '../../src/analyze/run.ts';
import { buildTimeline } from '../../src/analyze/timeline/build.ts';
import type { Timeline } from '../../src/analyze/timeline/timeline.ts';
import type { Bundle } from '../../src/bundle/reader.ts';
import { renderHtml } from '../../src/report/html/document.ts';
import { escapeHtml, html, jsonForScript } from '../../src/report/html/escape.ts';
import { RENDERERS } from '../../src/report/renderers.ts';
import { plainChalk } from '../../src/report/style.ts';
import { openBundle } from '../../src/views/open.ts';
import { writeBundle } from '../support/bundles.ts';
import { ROOT } from '../support/cli.ts';
import { aLogRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';
import { IMG, plantedRows, SCRIPT } from './html-planted.ts';

describe('escaping', () => {
  it('writes text, never markup, into content and attributes', () => {
    expect(escapeHtml(`${SCRIPT}${IMG}`)).not.toMatch(/[<>"]/);
    expect(html`<p title="${IMG}">${SCRIPT}</p>`.value).toBe(
      `<p title="${escapeHtml(IMG)}">${escapeHtml(SCRIPT)}</p>`,
    );
  });

  it('keeps the JSON data island closed and parseable', () => {
    const value = { name: `${SCRIPT}<!-- ${IMG} \u2028` };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('the html renderer', () => {
  const dir = useTempDir('kstory-html-');
  let bundle: Bundle;
  let report: Report;
  let timeline: Timeline;
  let page: string;

  beforeAll(async () => {
    bundle = await openBundle([await writeBundle(dir(), 'planted.parquet', plantedRows())]);
    report = await analyzeBundle(bundle);
    timeline = await buildTimeline(bundle, report.window, { focus: report.findings.map((f) => f.subject) });
    page = renderHtml(report, timeline);
  });
  afterAll(() => bundle?.close());

  it('is in the registry behind --format html, drawing the timeline it is given', () => {
    const renderer = RENDERERS.find((r) => r.name === 'html')!;
    expect(renderer.produces).toBe('document');
    expect(renderer.timeline).toBe(true);
    const context = { chalk: plainChalk, width: 80, explain: false };
    expect(renderer.render(report, { ...context, timeline })).toBe(page);
    expect(renderer.render(report, context)).toContain('No timeline in this file');
  });

  it('has an incident about the planted pods, and their lanes', () => {
    expect(report.incidents.length).toBeGreaterThan(0);
    expect(timeline.lanes.map((l) => l.name)).toEqual(
      expect.arrayContaining([expect.stringContaining(SCRIPT)]),
    );
    expect(timeline.lanes.some((l) => l.marks.some((m) => m.type === 'log'))).toBe(true);
    expect(timeline.lanes.some((l) => l.versions.length > 0)).toBe(true);
  });

  it('never writes a planted string as markup', () => {
    expect(page).not.toContain(SCRIPT);
    expect(page).not.toContain('<img');
    expect(page).not.toContain(IMG);
    // Its own two scripts only: the data island and the page's code.
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(page).toContain(escapeHtml(SCRIPT));
  });

  it('allows no request: no URL outside the page, and a policy that forbids loading anything', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(page)?.[1]
      ?.replaceAll('&#39;', "'");
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });

  it('gives the same page for the same report', () => {
    expect(renderHtml(report, timeline)).toBe(page);
  });
});

describe('a bundle without objects', () => {
  const dir = useTempDir('kstory-html-');
  it('gives a page that says its timeline has no lane', async () => {
    const bundle = await openBundle([await writeBundle(dir(), 'logs.parquet', [aLogRow()])]);
    try {
      const report = await analyzeBundle(bundle);
      const timeline = await buildTimeline(bundle, report.window);
      expect(timeline.lanes).toEqual([]);
      expect(renderHtml(report, timeline)).toContain('holds no Kubernetes object in this window');
    } finally {
      bundle.close();
    }
  });
});

describe('the timeline of a bundle', () => {
  it('keeps the states where they change, and says what it summarised when held to small limits', async () => {
    const bundle = await openBundle([path.join(ROOT, 'fixtures/bad-config-rollout.parquet')]);
    try {
      const report = await analyzeBundle(bundle);
      const full = await buildTimeline(bundle, report.window, {
        focus: report.findings.map((f) => f.subject),
      });
      const pod = full.lanes.find((l) => l.kind === 'Pod' && l.name === 'checkout-89c55d8b4-hhcf7')!;
      const states = pod.spans.map((s) => full.states[s[2]]);
      expect(states).toContain('CrashLoopBackOff');
      expect(states).toContain('Terminated: Error');
      for (let i = 1; i < states.length; i++) expect(states[i]).not.toBe(states[i - 1]);
      expect(pod.owner).toBe('Deployment checkout');
      const config = full.lanes.find((l) => l.kind === 'ConfigMap' && l.name === 'checkout-config')!;
      expect(config.versions[0]).toMatchObject({ actor: 'alice', verb: 'patch' });
      expect(config.versions[0]!.changes.map((c) => c[0])).toContain('data.DATABASE_URL');
      // A rollout restart is alice's, not the controller's that wrote status just after.
      const deployment = full.lanes.find((l) => l.kind === 'Deployment' && l.name === 'checkout')!;
      const restart = deployment.versions.find((v) =>
        v.changes.some(([p]) => p.endsWith('kubectl.kubernetes.io/restartedAt')),
      );
      expect(restart).toMatchObject({ actor: 'alice', verb: 'patch' });
      expect(full.summarised).toEqual([]);

      const small = await buildTimeline(bundle, report.window, {
        focus: report.findings.map((f) => f.subject),
        limits: { lanes: 10, spansPerLane: 4, marksPerLane: 3, exactMarks: 10 },
      });
      expect(small.lanes).toHaveLength(10);
      // The lanes kept are the findings' objects first.
      expect(small.lanes.map((l) => l.name)).toContain('checkout-config');
      for (const lane of small.lanes) {
        expect(lane.spans.length).toBeLessThanOrEqual(4 + 1);
        expect(lane.marks.length).toBeLessThanOrEqual(3);
      }
      expect(small.summarised.join('\n')).toMatch(/objects have no lane/);
      expect(small.summarised.join('\n')).toMatch(/state changes merged/);
      expect(small.summarised.join('\n')).toMatch(/grouped per object and minute/);
      expect(small.summarised.join('\n')).toMatch(/marks left out/);

      // Limited to namespaces like analyze -n: their objects only, and no cluster-scoped one out of focus.
      const scoped = await buildTimeline(bundle, report.window, { namespaces: ['kube-*'] });
      expect(scoped.lanes.length).toBeGreaterThan(0);
      for (const lane of scoped.lanes) expect(lane.namespace).toMatch(/^kube-/);

      // Like analyze --kind, -l and --subject: the objects they select (or what those own), and the objects in focus.
      const configMap = { kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' };
      const nodes = await buildTimeline(bundle, report.window, { kinds: ['node'], focus: [configMap] });
      expect(nodes.lanes.filter((l) => l.kind !== 'Node').map((l) => l.name)).toEqual(['checkout-config']);
      expect(nodes.lanes.filter((l) => l.kind === 'Node').length).toBeGreaterThan(1);
      expect(nodes.scope).toMatch(
        /^Lanes only for objects of kind node, and for the objects of the incidents shown/,
      );
      const selected = await buildTimeline(bundle, report.window, {
        selector: 'app.kubernetes.io/name=checkout',
      });
      expect(selected.lanes.some((l) => l.kind === 'Pod')).toBe(true);
      for (const lane of selected.lanes)
        expect(
          lane.labels['app.kubernetes.io/name'] === 'checkout' || lane.owner === 'Deployment checkout',
        ).toBe(true);
      const podName = 'checkout-89c55d8b4-hhcf7';
      const subject = await buildTimeline(bundle, report.window, { subject: `shop/Pod/${podName}` });
      // The pod and its owners, nothing else.
      expect(subject.lanes.map((l) => `${l.kind} ${l.name}`).sort()).toEqual([
        'Deployment checkout',
        `Pod ${podName}`,
        'ReplicaSet checkout-89c55d8b4',
      ]);
      expect(full.scope).toBeNull();
    } finally {
      bundle.close();
    }
  });
});
