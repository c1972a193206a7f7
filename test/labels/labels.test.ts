// `kstory labels` end to end on committed fixture bundles: every label validates against the
// committed JSON Schema, names the scenario's ground-truth root cause, has a plan and evidence, and
// the command line writes the same labels (same ids) in each format it is asked for.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { writeDataset } from '../../src/cli/labels-output.ts';
import { quantityValue } from '../../src/kube/quantity.ts';
import { LABEL_COLUMNS } from '../../src/labels/columns.ts';
import { DEFAULT_SHARES, groupOf, SPLITS, splitOf } from '../../src/labels/dataset.ts';
import { LABEL_FORMATS, labelFormatFor } from '../../src/labels/formats/index.ts';
import { jsonFormat } from '../../src/labels/formats/json.ts';
import { jsonlFormat } from '../../src/labels/formats/jsonl.ts';
import { resourceLabels } from '../../src/labels/resources.ts';
import { generateLabels, type LabelRun } from '../../src/labels/run.ts';
import {
  type IncidentSummaryLabel,
  type Label,
  labelJsonSchema,
  type ResourceLabel,
  type TroubleshootingLabel,
} from '../../src/labels/schema.ts';
import { MIN_SAMPLES } from '../../src/labels/sizing.ts';
import { labelSource } from '../../src/labels/source.ts';
import { plantedRows } from '../report/html-planted.ts';
import { openRows } from '../support/bundles.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { useTempDir } from '../support/temp.ts';

const FIXTURES = ['oom-memory-leak', 'bad-config-rollout', 'healthy-cluster'].map((name) =>
  path.join(ROOT, 'fixtures', `${name}.parquet`),
);
const committed = JSON.parse(readFileSync(path.join(ROOT, 'docs/labels.schema.json'), 'utf8'));
const tempDir = useTempDir('kstory-labels-');

let labels: Label[];
let run: LabelRun;

beforeAll(async () => {
  labels = [];
  run = await generateLabels(FIXTURES, { questions: 4 }, (label) => {
    labels.push(label);
  });
});

const troubleshooting = () => labels.filter((l): l is TroubleshootingLabel => l.type === 'troubleshooting');

describe('kstory labels', () => {
  it('docs/labels.schema.json is the schema of the code (run `npm run docs` to update), and every label validates', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(labelJsonSchema())));
    const validate = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(
      committed,
    );
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels)
      expect(validate(label), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const broken = structuredClone(labels[0]!) as Record<string, unknown>;
    delete broken.question;
    expect(validate(broken)).toBe(false);
  });

  it('names the ground-truth root cause of each simulated scenario', () => {
    for (const label of troubleshooting()) {
      const scenario = parseYaml(
        readFileSync(path.join(ROOT, 'fixtures/scenarios', `${label.source.scenario}.yaml`), 'utf8'),
      ) as { expect: { chain: string[] } };
      expect(label.root_cause.pattern, label.source.bundle).toBe(scenario.expect.chain[0]);
      expect(label.chain[0]!.pattern).toBe(label.root_cause.pattern);
    }
    expect(
      troubleshooting()
        .map((l) => l.source.scenario)
        .sort(),
    ).toEqual(['bad-config-rollout', 'oom-memory-leak']);
  });

  it('says that a healthy cluster gives no troubleshooting label, rather than nothing', () => {
    expect(run.bundles).toBe(3);
    expect(run.notes).toContain(
      'healthy-cluster.parquet: no troubleshooting or incident label: analysis found no incident',
    );
    expect(
      labels.filter((l) => l.source.bundle === 'healthy-cluster.parquet').map((l) => l.type),
    ).not.toContain('troubleshooting');
  });

  it('sizes the OOM-killed container above the limit it was killed at, from enough samples, and links it to its incident', () => {
    const cart = labels.find(
      (l): l is ResourceLabel =>
        l.type === 'resource_optimisation' &&
        l.source.scenario === 'oom-memory-leak' &&
        l.workload.name === 'cart',
    )!;
    expect(cart.workload).toEqual({ namespace: 'shop', kind: 'Deployment', name: 'cart', container: 'app' });
    expect(cart.samples.memory).toBeGreaterThanOrEqual(MIN_SAMPLES);
    expect(cart.memory.oom_kills).toBeGreaterThan(0);
    expect(cart.current.memory_limit).toBe('256Mi');
    expect(quantityValue(cart.suggestion.memory_limit)).toBeGreaterThan(256 * 1024 * 1024);
    expect(cart.command).toMatch(
      /^kubectl set resources deployment\/cart -n shop -c app --requests=cpu=\d+m,memory=\d+Mi --limits=memory=\d+Mi$/,
    );
    const incident = troubleshooting().find((l) => l.source.scenario === 'oom-memory-leak')!;
    expect(incident.relationships).toContainEqual({ type: 'caused_by', target: cart.id });
    expect(cart.relationships).toEqual([{ type: 'same_incident', target: incident.id }]);
  });

  it('summarises each incident with a timeline in time order, linked to its troubleshooting label', () => {
    const summaries = labels.filter((l): l is IncidentSummaryLabel => l.type === 'incident_summary');
    expect(summaries).toHaveLength(troubleshooting().length);
    for (const summary of summaries) {
      const times = summary.timeline.map((e) => e.time);
      expect(times).toEqual([...times].sort());
      const pair = troubleshooting().find((t) => t.id === summary.id.replace('is-', 'ts-'))!;
      expect(summary.relationships).toContainEqual({ type: 'same_incident', target: pair.id });
      expect(pair.relationships).toContainEqual({ type: 'same_incident', target: summary.id });
      expect(summary.summary).toContain(pair.root_cause.summary);
    }
  });

  it('makes no resource label where the bundle has no usage metrics, and says why', async () => {
    const bundle = await openRows(tempDir(), 'no-metrics.parquet', plantedRows());
    try {
      const window = { start: '2026-03-01T00:00:00Z', end: '2026-03-02T00:00:00Z' };
      const result = await resourceLabels(bundle, window, await labelSource(bundle));
      expect(result.labels).toEqual([]);
      expect(result.notes[0]).toMatch(
        /no resource_optimisation label: the bundle holds no container usage metrics/,
      );
    } finally {
      bundle.close();
    }
  });

  it('asks from the symptoms, in the number of phrasings asked for, without naming the root cause', () => {
    for (const label of troubleshooting()) {
      expect(label.questions).toHaveLength(4);
      expect(label.question).toBe(label.questions[0]);
      for (const q of label.questions) expect(q).not.toContain(label.root_cause.title);
    }
  });

  it('gives a plan with commands, verification, context manifests and evidence rows of the bundle', () => {
    const oom = troubleshooting().find((l) => l.source.scenario === 'oom-memory-leak')!;
    expect(oom.context.namespaces).toEqual(['shop']);
    expect(oom.context.objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toContain(
      'Deployment/cart',
    );
    expect(oom.resolution.steps[0]!.commands[0]).toMatch(/^kubectl describe pod cart-/);
    expect(oom.resolution.verification.map((v) => v.command)).toContain(
      'kubectl rollout status deployment/cart -n shop --timeout=5m',
    );
    expect(new Set(oom.evidence.map((e) => e.source)).size).toBeGreaterThanOrEqual(2);
    for (const e of oom.evidence) expect(oom.chain.map((s) => s.pattern)).toContain(e.pattern);
    // Effects never begin before their cause in these chains, and each names the step that explains it.
    for (const step of oom.chain.slice(1)) expect(step.caused_by).toBeLessThan(step.step);
    expect(oom.quality.band).toBe('high');
  });

  it('writes the same labels, with the same ids, from the command line', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'labels.json');
    const result = kstory(['labels', FIXTURES[0]!, '-o', out, '--questions', '4', '--no-progress']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^wrote \d+ labels \(troubleshooting 1, incident_summary 1, resource_optimisation \d+\) from 1 bundle\(s\) to .*labels\.json as json$/m,
    );
    const back = await jsonFormat.read(out);
    // Pseudonyms have a key of their own per run; what the label says and its ids do not change.
    const mine = labels.filter((l) => l.source.bundle === 'oom-memory-leak.parquet');
    const said = (l: Label) => [
      l.id,
      l.type,
      l.quality,
      l.relationships,
      'question' in l ? l.question : null,
    ];
    expect(back.map(said)).toEqual(mine.map(said));
  });

  it('refuses an output it cannot tell the format of or write, a type it does not know, and writes nothing when no bundle could be read', () => {
    const unknown = kstory(['labels', FIXTURES[0]!, '-o', path.join(tempDir(), 'labels.txt')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/cannot tell the format of .*labels\.txt/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const missingDir = kstory(['labels', FIXTURES[0]!, '-o', path.join(tempDir(), 'no', 'labels.jsonl')]);
    expect(missingDir.code).toBe(2);
    expect(missingDir.stderr).toMatch(/cannot write .*labels\.jsonl: directory .* does not exist/);
    const out = path.join(tempDir(), 'none.jsonl');
    const unreadable = kstory(['labels', path.join(ROOT, 'no-such-bundle.parquet'), '-o', out]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/no-such-bundle\.parquet: no such file or directory/);
    expect(existsSync(out)).toBe(false);
    const type = kstory(['labels', FIXTURES[0]!, '--type', 'jokes']);
    expect(type.code).toBe(2);
    expect(type.stderr).toMatch(/--type jokes: no such label type/);
  });
});

describe('label formats', () => {
  it('round-trip: each of the formats reads back the labels of the JSON lines', async () => {
    const dir = tempDir();
    const spool = path.join(dir, 'spool.jsonl');
    writeFileSync(spool, labels.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const expected = await jsonlFormat.read(spool);
    expect(expected).toEqual(labels);
    for (const format of LABEL_FORMATS) {
      const file = path.join(dir, `labels${format.extensions[0]}`);
      await format.write(spool, file);
      expect(await format.read(file), format.name).toEqual(expected);
      expect(labelFormatFor(undefined, file)).toBe(format);
    }
    expect(LABEL_FORMATS.map((f) => f.name)).toEqual(['jsonl', 'json', 'csv', 'yaml', 'parquet', 'arrow']);
  });

  it('writes a table with one column per field, the small records flattened', () => {
    const names = LABEL_COLUMNS.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['id', 'type', 'question', 'source.digest', 'quality.overall', 'chain']),
    );
    expect(LABEL_COLUMNS.find((c) => c.name === 'quality.overall')!.kind).toBe('number');
    expect(LABEL_COLUMNS.find((c) => c.name === 'chain')!.kind).toBe('json');
  });

  it('writes and reads back an empty run in every format', async () => {
    const dir = tempDir();
    const spool = path.join(dir, 'empty.jsonl');
    writeFileSync(spool, '');
    for (const format of LABEL_FORMATS) {
      const file = path.join(dir, `empty${format.extensions[0]}`);
      await format.write(spool, file);
      expect(await format.read(file), format.name).toEqual([]);
    }
  });
});

describe('datasets', () => {
  it('splits by scenario family, never one family in two splits, the same on every run', () => {
    const a = { source: { scenario: 'oom-memory-leak', digest: 'x' } } as Label;
    const b = { source: { scenario: 'oom-memory-leak', digest: 'y' } } as Label;
    expect(groupOf(a)).toBe(groupOf(b));
    expect(groupOf({ source: { scenario: null, digest: 'y' } } as Label)).toBe('bundle:y');
    const families = Array.from({ length: 400 }, (_, i) => splitOf(`scenario:s${i}`));
    const share = (s: string) => families.filter((f) => f === s).length / families.length;
    expect(share('train')).toBeGreaterThan(0.7);
    expect(share('validation')).toBeGreaterThan(0.05);
    expect(share('test')).toBeGreaterThan(0.05);
    expect(Array.from({ length: 400 }, (_, i) => splitOf(`scenario:s${i}`))).toEqual(families);
    expect(splitOf('scenario:s1', { train: 1, validation: 0 })).toBe('test');
  });

  it('writes the splits, the schema and a card that counts them', async () => {
    const dir = tempDir();
    const spool = path.join(dir, 'spool.jsonl');
    writeFileSync(spool, labels.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const out = path.join(dir, 'dataset');
    const counts = await writeDataset(jsonlFormat, spool, out, {
      shares: DEFAULT_SHARES,
      force: false,
      bundles: 3,
    });
    const back = await Promise.all(SPLITS.map((s) => jsonlFormat.read(path.join(out, `${s}.jsonl`))));
    expect(back.flat()).toHaveLength(labels.length);
    expect(counts.total).toBe(labels.length);
    for (const [i, split] of SPLITS.entries()) {
      expect(back[i]).toHaveLength(counts.bySplit[split]);
      for (const label of back[i]!) expect(splitOf(groupOf(label))).toBe(split);
    }
    const card = readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(card).toContain(`| troubleshooting | ${counts.byType.troubleshooting} |`);
    expect(card).toContain(`| oom-memory-leak | ${counts.byScenario['oom-memory-leak']} |`);
    expect(card).toMatch(/\| high \| \d+ \|/);
    expect(JSON.parse(readFileSync(path.join(out, 'labels.schema.json'), 'utf8'))).toEqual(committed);
    await expect(
      writeDataset(jsonlFormat, spool, out, { shares: DEFAULT_SHARES, force: false, bundles: 3 }),
    ).rejects.toThrow(/is not empty/);
  });
});
