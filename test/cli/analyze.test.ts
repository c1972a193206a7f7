// `kstory analyze` from its command line: the three output formats, --fail-on for CI, and clear
// errors for bad options; in this process, but for one run end to end through bin/kstory.js and
// one with colour forced in its environment.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { markerRow } from '../../src/kube/sample-rows.ts';
import { RENDERERS } from '../../src/report/renderers.ts';
import { shellQuote } from '../../src/vocab/shell.ts';
import { writeBundle } from '../support/bundles.ts';
import { kstory } from '../support/cli.ts';
import { kstoryInProcess as run } from '../support/cli-in-process.ts';
import { reportContractIssues } from '../support/report-contract.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
let crashing: string;
let healthy: string;
let markersOnly: string;

beforeAll(async () => {
  const dir = tempDir();
  crashing = await writeBundle(dir, 'crashing.parquet', [
    aPodRow({
      ts: '2026-03-01T10:30:00Z',
      containers: [{ name: 'app', restart_count: 0, state: 'running' }],
    }),
    aPodRow(),
    aLogRow(),
  ]);
  markersOnly = await writeBundle(
    dir,
    'markers-only.parquet',
    [markerRow({ ts: '2026-03-01T10:00:00Z', marker: 'recording-start' })],
    {
      inputs: [
        {
          path: 'notes/',
          format: 'nothing recognised',
          records: 0,
          skipped: 2,
          skipped_by_reason: { 'empty file': 2 },
        },
      ],
    },
  );
  healthy = await writeBundle(dir, 'healthy.parquet', [
    aPodRow({
      containers: [{ name: 'app', restart_count: 0, state: 'running', ready: true }],
      conditions: [{ type: 'Ready', status: 'True' }],
    }),
  ]);
});

describe('kstory analyze', () => {
  it('prints incidents as text, root cause first, within 80 columns', () => {
    const result = kstory(['analyze', crashing]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ 1\. HIGH +Container killed for exceeding its memory limit/);
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('exceeding its memory limit (256 MB)');
    expect(result.stdout).toContain('What happened');
    expect(result.stdout).toContain('Remediation');
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('says so when nothing is found, and what it looked at', async () => {
    const result = await run('analyze', healthy);
    expect(result.code).toBe(0);
    const text = result.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('No incidents');
    expect(text).toContain(
      'Looked at 1 object version (at 2026-03-01 10:42:13Z); no events, audit entries, log lines or metric samples.',
    );
  });

  it('says "nothing to analyze", never "No incidents", and exits 2 when the window holds no rows', async () => {
    const result = await run(
      'analyze',
      healthy,
      '--since',
      '2001-01-01T00:00:00Z',
      '--until',
      '2001-01-02T00:00:00Z',
    );
    expect(result.code).toBe(2);
    const text = result.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Nothing to analyze');
    expect(text).toContain('(1 outside the window)');
    expect(text).not.toContain('No incidents');
  });

  it('says "nothing to analyze" of a bundle without rows to judge, and what its import skipped, in every format', async () => {
    const text = await run('analyze', markersOnly);
    expect(text.code).toBe(2);
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(
      'no objects, events, audit entries, logs or metrics at all',
    );
    expect(text.stdout.replace(/\s+/g, ' ')).toContain('Its import skipped 2 files (2 empty file)');
    const json = await run('analyze', markersOnly, '--json');
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('nothing to analyze');
    const report = JSON.parse(json.stdout);
    expect(reportContractIssues(report)).toEqual([]);
    expect(report.coverage.nothing_to_analyze).toBe(true);
    expect(report.coverage.skipped).toEqual({ 'empty file': 2 });
    expect(report.coverage.sources.map((s: { rows: number }) => s.rows)).toEqual([0, 0, 0, 0, 0]);
    const markdown = await run('analyze', markersOnly, '--markdown');
    expect(markdown.code).toBe(2);
    expect(markdown.stdout).toContain('Nothing to analyze');
    expect(markdown.stdout).not.toContain('found no incident');
  });

  it('prints the versioned JSON report with --json', async () => {
    const report = JSON.parse((await run('analyze', crashing, '--json')).stdout);
    expect(report.schema).toBe('kstory.report/v2');
    expect(reportContractIssues(report)).toEqual([]);
    expect(
      report.incidents[0].chain.map((s: { finding: number }) => report.findings[s.finding].pattern),
    ).toEqual(['oom-killed', 'crash-loop-backoff']);
    expect(report.findings.every((f: { evidence: unknown[] }) => Array.isArray(f.evidence))).toBe(true);
    // The commands it suggests read the bundle analysed, named as it was given.
    const steps: string[] = report.incidents[0].remediation;
    expect(steps.some((step) => step.includes(`-b ${shellQuote(crashing)}`))).toBe(true);
    expect(JSON.stringify(report)).not.toContain('<bundle>');
  });

  it('writes a postmortem draft with --markdown', async () => {
    const markdown = (await run('analyze', crashing, '--markdown')).stdout;
    for (const heading of [
      '# Postmortem draft',
      '## Summary',
      '## Timeline (UTC)',
      '## Root cause',
      '## Impact',
      '## Evidence',
      '## Remediation',
      '## Alternative explanations',
    ]) {
      expect(markdown).toContain(heading);
    }
  });

  it('prints each format of --format, the same as its alias flag, and lists them in its help', async () => {
    expect((await run('analyze', crashing, '--format', 'json')).stdout).toBe(
      (await run('analyze', crashing, '--json')).stdout,
    );
    const help = (await run('analyze', '--help')).stdout;
    for (const renderer of RENDERERS) expect(help).toContain(`${renderer.name} (${renderer.description})`);
  });

  it('refuses two formats at once and a format it does not know', async () => {
    for (const args of [
      ['--json', '--markdown'],
      ['--format', 'markdown', '--json'],
    ]) {
      const result = await run('analyze', crashing, ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/cannot be used with option/);
    }
    const unknown = await run('analyze', crashing, '--format', 'pdf');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('expected one of text, json, markdown');
  });

  it('writes the report to the file of -o: text plain and in 80 columns even when colour is forced', async () => {
    const dir = tempDir();
    const text = path.join(dir, 'report.txt');
    const markdown = path.join(dir, 'postmortem.md');
    const result = kstory(['analyze', crashing, '-o', text], { env: { FORCE_COLOR: '1' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(text, 'utf8')).toBe((await run('analyze', crashing)).stdout);
    expect((await run('analyze', crashing, '--markdown', '-o', markdown)).code).toBe(0);
    expect(readFileSync(markdown, 'utf8')).toBe(
      (await run('analyze', crashing, '--format', 'markdown')).stdout,
    );
    expect(readdirSync(dir).sort()).toEqual(['postmortem.md', 'report.txt']);
  });

  it('will not write the report over a bundle it reads, nor into a missing directory', async () => {
    const over = await run('analyze', crashing, '-o', crashing);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('is a bundle being analysed');
    expect(existsSync(crashing) && readFileSync(crashing).subarray(0, 4).toString()).toBe('PAR1');
    const missing = path.join(tempDir(), 'no/such/dir/report.md');
    const result = await run('analyze', crashing, '-o', missing);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write ${missing}: directory`);
    expect(result.stderr).not.toContain('    at ');
  });

  it('keeps only incidents about objects a label selector (-l) picks, or what they own', async () => {
    const fixture = path.join(import.meta.dirname, '../../fixtures/bad-config-rollout.parquet');
    const count = async (selector: string) => {
      const { code, stdout } = await run('analyze', fixture, '-l', selector, '--json');
      expect(code).toBe(0);
      return (JSON.parse(stdout) as { incidents: unknown[] }).incidents.length;
    };
    expect(await count('app.kubernetes.io/name=checkout')).toBe(1);
    expect(await count('app.kubernetes.io/name in (frontend,cart)')).toBe(0);
    const bad = await run('analyze', fixture, '-l', 'a=b=c');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--selector "a=b=c"');
  });

  it('explains confidences with --explain', async () => {
    expect((await run('analyze', crashing, '--explain')).stdout).toMatch(
      /How confident[\s\S]*0\.85 base for oom-killed/,
    );
  });

  it('exits 1 with --fail-on when an incident reaches the severity, 0 otherwise', async () => {
    expect((await run('analyze', crashing, '--fail-on', 'high')).code).toBe(1);
    expect((await run('analyze', crashing, '--fail-on', 'critical')).code).toBe(0);
    expect((await run('analyze', healthy, '--fail-on', 'info')).code).toBe(0);
  });

  it('rejects bad options with exit 2 and a clear message', async () => {
    const badSeverity = await run('analyze', crashing, '--fail-on', 'urgent');
    expect(badSeverity.code).toBe(2);
    expect(badSeverity.stderr).toMatch(/Allowed choices are info, low, medium, high, critical/);
    const badSince = await run('analyze', crashing, '--since', 'last tuesday');
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toMatch(/--since "last tuesday" is neither a time nor a duration/);
    const badPatterns = await run('analyze', crashing, '--patterns', path.join(tempDir(), 'none'));
    expect(badPatterns.code).toBe(2);
    expect(badPatterns.stderr).toMatch(/not a directory of patterns/);
    const both = await run('analyze', crashing, '--json', '--markdown');
    expect(both.code).toBe(2);
  });
});
