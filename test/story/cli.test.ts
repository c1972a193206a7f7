// `kstory story` end to end through its command line, run in the test's process, on one fixture
// bundle: one story to a file or the terminal, every story into a directory or as NDJSON, filters
// and caps, and clear errors. Only the first story runs the pattern catalogue.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Story, StorySchema } from '../../src/story/schema.ts';
import { ROOT } from '../support/cli.ts';
import { kstoryInProcess as kstory } from '../support/cli-in-process.ts';
import { useTempDir } from '../support/temp.ts';

const BUNDLE = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');
const tempDir = useTempDir();
let checkout: Story;
let files = 0;

/** Runs kstory story writing to a file (stories are larger than a pipe's buffer), and reads it. */
async function storyTo(args: string[]): Promise<{ code: number; stderr: string; text: string }> {
  const file = path.join(tempDir(), `out-${files++}`);
  const result = await kstory('story', ...args, '-o', file, '--no-progress');
  return {
    code: result.code,
    stderr: result.stderr,
    text: result.code === 0 ? readFileSync(file, 'utf8') : '',
  };
}

beforeAll(async () => {
  const file = path.join(tempDir(), 'checkout.json');
  const result = await kstory('story', BUNDLE, 'deployment/shop/checkout', '-o', file, '--no-progress');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  checkout = JSON.parse(readFileSync(file, 'utf8'));
});

describe('kstory story', () => {
  it('writes the story of a Deployment: its ReplicaSets, pods, what they use, and what happened to them', () => {
    expect(StorySchema.safeParse(checkout).error).toBeUndefined();
    expect(checkout.root).toMatchObject({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    expect(checkout.correlation_id).toBe(checkout.root.uid);
    const relations = (relation: string) =>
      checkout.resources.filter((r) => r.relation === relation).map((r) => `${r.kind}/${r.name}`);
    expect(relations('owned')).toContain('ReplicaSet/checkout-64c8d548db');
    expect(relations('uses')).toContain('ConfigMap/checkout-config');
    expect(relations('selects')).toEqual(['Service/checkout']);
    expect(relations('node').length).toBeGreaterThan(0);
    // The pod of the restart rollout replaces the one scaled away.
    expect(checkout.resources.some((r) => r.kind === 'Pod' && r.replaces !== null)).toBe(true);

    const types = new Set(checkout.events.map((e) => e.event_type));
    for (const type of [
      'RESOURCE_CREATED',
      'RESOURCE_UPDATE',
      'RESOURCE_DELETED',
      'POD_STARTING',
      'POD_TERMINATING',
    ])
      expect(types).toContain(type);
    for (const type of [
      'CONTAINER_STARTED',
      'CONTAINER_TERMINATED',
      'K8S_EVENT',
      'AUDIT',
      'CONTAINER_LOG',
      'FINDING',
    ])
      expect(types).toContain(type);
    expect(checkout.events.every((e) => e.correlation_id === checkout.correlation_id)).toBe(true);

    // The bad edit, with what changed and who made it.
    const edit = checkout.events.find(
      (e) => e.event_type === 'RESOURCE_UPDATE' && e.resource?.name === 'checkout-config',
    );
    expect(edit?.changes?.[0]).toMatchObject({ path: 'data.DATABASE_URL' });
    const audit = checkout.events.find(
      (e) =>
        e.event_type === 'AUDIT' && e.resource?.name === 'checkout-config' && e.source_component === 'alice',
    );
    // The entry whole again, from the row's columns and the little its Metadata-level body keeps.
    expect(audit?.data).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      stage: 'ResponseComplete',
      user: { username: 'alice' },
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'checkout-config', apiVersion: 'v1' },
      stageTimestamp: expect.stringMatching(/\.\d{6}Z$/),
    });
    const exit = checkout.events.find((e) => e.event_type === 'CONTAINER_TERMINATED');
    expect(exit?.data).toMatchObject({ container: 'app', exit_code: 2, reason: 'Error' });
    expect(checkout.termination.state).toBe('window-end');
  });

  it('finds the root by UID, and tells a Job’s story until it completed', async () => {
    const byUid = await storyTo([BUNDLE, checkout.correlation_id, '--no-findings', '--logs', 'none']);
    expect(byUid.code).toBe(0);
    expect(JSON.parse(byUid.text).root.name).toBe('checkout');

    const job = await storyTo([BUNDLE, 'Job/shop/report-29540700', '--no-findings']);
    expect(job.code).toBe(0);
    const story: Story = JSON.parse(job.text);
    expect(story.termination.state).toBe('completed');
    expect(story.window.end).toBe(story.termination.at);
    expect(story.events.every((e) => e.timestamp <= story.termination.at)).toBe(true);
  });

  it('begins a story at its first record, not at a creation long before the recording', async () => {
    // The fixture's Nodes were created three months before its first record (08:50).
    const node: Story = JSON.parse(
      (await storyTo([BUNDLE, 'Node/worker-1', '--no-findings', '--logs', 'none'])).text,
    );
    expect(node.window.start >= '2026-03-02T08:50:00.000Z').toBe(true);
    expect(node.events.some((e) => e.event_type === 'RESOURCE_CREATED')).toBe(false);
    // Its first record, not a container's start a later version tells of.
    const told = ['POD_STARTING', 'CONTAINER_STARTED', 'CONTAINER_TERMINATED'];
    expect(checkout.window.start).toBe(checkout.events.find((e) => !told.includes(e.event_type))?.timestamp);
  });

  it('prints a timeline for a person with --format text', async () => {
    const result = await kstory(
      'story',
      BUNDLE,
      'deployment/shop/checkout',
      '--format',
      'text',
      '--logs',
      'none',
      '--no-findings',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Story of Deployment shop\/checkout/);
    expect(result.stdout).toMatch(/RESOURCE_UPDATE\s+ConfigMap shop\/checkout-config:\s+data\.DATABASE_URL/);
    // Only a word longer than the room (a URL, which a reader copies whole) passes 80 columns.
    const long = result.stdout.split('\n').filter((line) => line.length > 80);
    expect(long.every((line) => (line.trim().split(/\s+/).at(-1) ?? '').length > 40)).toBe(true);
  });

  it('applies the filters and caps, and counts what they left out', async () => {
    const result = await storyTo([
      BUNDLE,
      'deployment/shop/checkout',
      '--no-findings',
      '--exclude-pods',
      '89c55d8b4',
      '--max-log-lines',
      '2',
      '--event-sources',
      '^kubelet$',
    ]);
    expect(result.code).toBe(0);
    const story: Story = JSON.parse(result.text);
    expect(story.resources.some((r) => r.name.includes('89c55d8b4-'))).toBe(false);
    const logs = story.events.filter((e) => e.event_type === 'CONTAINER_LOG');
    const streams = new Set(logs.map((e) => e.source_component));
    expect(logs.length).toBeLessThanOrEqual(2 * streams.size);
    expect(Object.keys(story.omitted.log_lines_by_cap).length).toBeGreaterThan(0);
    expect(
      story.events.filter((e) => e.event_type === 'K8S_EVENT').every((e) => e.source_component === 'kubelet'),
    ).toBe(true);
    expect(story.omitted.filtered).toBeGreaterThan(0);
    expect(story.filters).toMatchObject({
      exclude_pods: '89c55d8b4',
      max_log_lines: '2',
      event_sources: '^kubelet$',
    });

    const capped: Story = JSON.parse(
      (await storyTo([BUNDLE, 'deployment/shop/checkout', '--no-findings', '--max-events', '50'])).text,
    );
    expect(capped.events).toHaveLength(50);
    expect(capped.omitted.by_cap.CONTAINER_LOG).toBeGreaterThan(0);
  });

  it('writes every root’s story and an index with --all', async () => {
    const dir = path.join(tempDir(), 'stories');
    const result = await kstory(
      'story',
      BUNDLE,
      '--all',
      '-o',
      dir,
      '--logs',
      'errors',
      '--no-findings',
      '--no-progress',
    );
    expect(result.code).toBe(0);
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));
    expect(index.stories.map((s: { file: string }) => s.file)).toContain('Deployment_shop_checkout.json');
    expect(readdirSync(dir).sort()).toEqual(
      [...index.stories.map((s: { file: string }) => s.file), 'index.json'].sort(),
    );
    const cronjob: Story = JSON.parse(readFileSync(path.join(dir, 'CronJob_shop_report.json'), 'utf8'));
    expect(cronjob.resources.filter((r) => r.kind === 'Job').length).toBe(4);
    expect(result.stderr).toMatch(new RegExp(`wrote ${index.stories.length} stories`));
    const ndjson = await storyTo([BUNDLE, '--all', '--ndjson', '--no-findings', '--logs', 'none']);
    expect(ndjson.code).toBe(0);
    const lines = ndjson.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Story);
    expect(lines.map((s) => s.correlation_id)).toEqual(
      index.stories.map((s: { correlation_id: string }) => s.correlation_id),
    );
  });

  it('names the nearest objects when the root is unknown, and refuses a directory that holds files', async () => {
    const unknown = await kstory('story', BUNDLE, 'deployment/shop/checkuot');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no object deployment\/shop\/checkuot/);
    expect(unknown.stderr).toMatch(/Deployment\/shop\/checkout/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);

    // The rules a story follows are the correlation rules, the user's too.
    const rules = await kstory(
      'story',
      BUNDLE,
      'deployment/shop/checkout',
      '--rules',
      path.join(tempDir(), 'none'),
    );
    expect(rules.code).toBe(2);
    expect(rules.stderr).toMatch(/cannot read the rule directory .*none/);

    const copy = path.join(tempDir(), 'copy.parquet');
    writeFileSync(copy, readFileSync(BUNDLE));
    const overwrite = await kstory('story', copy, 'deployment/shop/checkout', '-o', copy);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toMatch(/is a bundle being read/);
    expect(readFileSync(copy)).toEqual(readFileSync(BUNDLE));

    const dir = path.join(tempDir(), 'full');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const full = await kstory('story', BUNDLE, '--all', '-o', dir);
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(/not empty/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });
});
