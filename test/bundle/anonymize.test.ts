// Share-safe bundles: `kstory bundle anonymize` and `--anonymize` on import replace names, users,
// addresses and hosts by stable pseudonyms everywhere, keep what Kubernetes gives meaning to, and
// the copy analyzes to the same incidents about the pseudonymised subjects.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database, sqlString } from '../../src/bundle/duckdb.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { runRecord } from '../../src/record/run.ts';
import { writeKubeconfig } from '../record/helpers.ts';
import { writeBundle } from '../support/bundles.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { aPod, FakeApiServer } from '../support/fake-apiserver.ts';
import { aLogRow, aPodRow } from '../support/rows.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-anonymize-');

interface Mapping {
  words: Record<string, string>;
  ips: Record<string, string>;
}

interface Finding {
  pattern: string;
  subject: { namespace: string | null; kind: string; name: string; container: string | null };
  first: string;
  last: string;
  confidence: number;
  variant: string | null;
}

interface Report {
  findings: Finding[];
  incidents: {
    rank: number;
    severity: string;
    confidence: number;
    root: number;
    chain: { finding: number; via: { from: number; link: string } | null }[];
  }[];
}

function mapped(text: string | null, mapping: Mapping): string | null {
  if (text === null) return null;
  let out = text;
  for (const [ip, pseudonym] of Object.entries(mapping.ips)) out = out.replaceAll(ip, pseudonym);
  return out.replace(/[a-z]+/g, (word) => mapping.words[word] ?? word);
}

function analyze(bundle: string): Report {
  const result = kstory(['analyze', bundle, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Report;
}

/** Every value in a bundle (columns, and the strings of bodies), one a line: member names left out. */
async function bundleText(bundle: string): Promise<string> {
  const db = await Database.open();
  try {
    const rows = await db.all<{ row: string }>(
      `SELECT CAST(to_json(t) AS VARCHAR) AS row FROM read_parquet(${sqlString(bundle)}) AS t`,
    );
    const values: string[] = [];
    const visit = (value: unknown, key = ''): void => {
      if (key === 'body' && typeof value === 'string') visit(JSON.parse(value));
      else if (typeof value === 'string') values.push(value);
      else if (Array.isArray(value)) for (const item of value) visit(item);
      else if (value !== null && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) {
          // Keys of label maps are values too (`acme.io/team`).
          if (k.includes('/') || k.includes('.')) values.push(k);
          visit(v, k);
        }
    };
    for (const r of rows) visit(JSON.parse(r.row));
    return values.join('\n');
  } finally {
    db.close();
  }
}

describe('kstory bundle anonymize', () => {
  it.each(['bad-config-rollout', 'missing-secret-key', 'node-lost'])(
    '%s: the same incidents, about the pseudonymised subjects, with no original name left',
    async (fixture) => {
      const dir = tempDir();
      const input = path.join(ROOT, 'fixtures', `${fixture}.parquet`);
      const output = path.join(dir, 'shareable.parquet');
      const mappingFile = path.join(dir, 'mapping.json');
      const run = kstory(['bundle', 'anonymize', input, '-o', output, '--mapping', mappingFile]);
      expect(run.code, run.stderr).toBe(0);
      expect(statSync(output).mode & 0o777).toBe(0o600);
      expect(statSync(mappingFile).mode & 0o777).toBe(0o600);
      const mapping = JSON.parse(readFileSync(mappingFile, 'utf8')) as Mapping;
      expect(Object.keys(mapping.words).length).toBeGreaterThan(3);
      expect(mapping.words).toHaveProperty('shop');

      const before = analyze(input);
      const after = analyze(output);
      expect(after.findings.length).toBeGreaterThan(0);
      // The same findings about the pseudonymised subjects. Findings that tie on everything else
      // are ordered by their subjects' names, which the (random) pseudonyms order differently: the
      // findings are compared as a set, and the incidents through which finding is which.
      const key = (f: Finding, subject: unknown = f.subject) =>
        JSON.stringify([f.pattern, f.first, f.last, f.confidence, f.variant, subject]);
      const expected = before.findings.map((f) =>
        key(f, {
          ...f.subject,
          namespace: mapped(f.subject.namespace, mapping),
          name: mapped(f.subject.name, mapping),
          container: mapped(f.subject.container, mapping),
        }),
      );
      const found = after.findings.map((f) => key(f));
      expect([...found].sort()).toEqual([...expected].sort());
      const asBefore = (i: number) => expected.indexOf(found[i]!);
      const shape = (r: Report, index: (i: number) => number) =>
        r.incidents
          .map((i) => {
            // Steps with the same cause and time are in the order of their subjects' names, too.
            const steps = i.chain.map((c) => JSON.stringify([index(c.finding), c.via?.link])).sort();
            return JSON.stringify([i.severity, i.confidence, index(i.root), steps]);
          })
          .sort();
      expect(after.incidents.map((i) => i.rank)).toEqual(before.incidents.map((i) => i.rank));
      expect(shape(after, asBefore)).toEqual(shape(before, (i) => i));

      const text = await bundleText(output);
      const words = new Set(text.match(/[a-z]+/g));
      expect(Object.keys(mapping.words).filter((w) => words.has(w))).toEqual([]);
      expect(
        Object.keys(mapping.ips).filter((ip) =>
          new RegExp(`(?<![\\d.])${ip.replaceAll('.', '\\.')}(?![\\d.])`).test(text),
        ),
      ).toEqual([]);
      // What Kubernetes gives meaning to stays.
      expect(text.split('\n')).toContain('kube-system');
      expect(text).toMatch(/system:(?:kube-scheduler|kube-controller-manager|serviceaccount|node)/);
      expect(JSON.parse(kstory(['bundle', 'info', output, '--json']).stdout).metadata.anonymized).toBe(true);
    },
  );

  it('refuses to replace an existing output without --force, and a directory even with it', async () => {
    const dir = tempDir();
    // A few rows: the refusals come before any work, and the run that replaces needs a bundle only.
    const input = await writeBundle(dir, 'input.parquet', [
      aPodRow({ namespace: 'acme-billing', name: 'invoicer-7d9f8-abcde', node: 'node-a' }),
    ]);
    const existing = path.join(dir, 'taken.parquet');
    writeFileSync(existing, 'mine');
    const refused = kstory(['bundle', 'anonymize', input, '-o', existing]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already exists');
    expect(readFileSync(existing, 'utf8')).toBe('mine');
    const directory = path.join(dir, 'out');
    mkdirSync(directory);
    const onDirectory = kstory(['bundle', 'anonymize', input, '-o', directory, '--force']);
    expect(onDirectory.code).toBe(2);
    expect(onDirectory.stderr).toContain('is a directory');
    // The mapping file too: not replaced without --force, checked before any work.
    const mapping = path.join(dir, 'mapping.json');
    writeFileSync(mapping, 'kept');
    const output = path.join(dir, 'new.parquet');
    const mappingRefused = kstory(['bundle', 'anonymize', input, '-o', output, '--mapping', mapping]);
    expect(mappingRefused.code).toBe(2);
    expect(mappingRefused.stderr).toContain('already exists');
    expect(readFileSync(mapping, 'utf8')).toBe('kept');
    expect(existsSync(output)).toBe(false);
    const replaced = kstory(['bundle', 'anonymize', input, '-o', output, '--mapping', mapping, '--force']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(mapping, 'utf8'))).toHaveProperty('words');
    expect(statSync(mapping).mode & 0o777).toBe(0o600);
  });

  it('a spool left by an anonymizing writer is repaired into a share-safe bundle', async () => {
    const dir = tempDir();
    const output = path.join(dir, 'interrupted.parquet');
    const writer = await BundleWriter.create({ output, metadata: { producer: 'test' }, anonymize: {} });
    writer.append(aPodRow({ namespace: 'acme-billing', name: 'invoicer-7d9f8-abcde', node: 'node-a' }));
    writer.append(
      aLogRow({ namespace: 'acme-billing', name: 'invoicer-7d9f8-abcde', log_line: 'invoicer ready' }),
    );
    // Stopped as a crash would: the spool is left, marked for anonymization.
    await writer.close();
    const repaired = kstory(['bundle', 'repair', `${output}.spool`]);
    expect(repaired.code, repaired.stderr).toBe(0);
    const text = await bundleText(output);
    for (const original of ['acme', 'billing', 'invoicer']) expect(text, original).not.toContain(original);
    expect(JSON.parse(kstory(['bundle', 'info', output, '--json']).stdout).metadata.anonymized).toBe(true);
  });
});

describe('kstory import --anonymize', () => {
  it('writes a share-safe bundle directly, its metadata saying so, the mapping only if asked', async () => {
    const dir = tempDir();
    // Named as people name them: the bundle's provenance (which file gave which rows) says it too.
    mkdirSync(path.join(dir, 'acme-billing'));
    const dump = path.join(dir, 'acme-billing', 'payments-dump.json');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'payments-api-6f7d9c8b5-q2w3e',
        namespace: 'acme-billing',
        uid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
        creationTimestamp: '2026-03-01T10:00:00Z',
        labels: { app: 'payments-api', 'acme.io/team': 'treasury' },
      },
      spec: {
        nodeName: 'ip-10-20-30-40.eu-west-1.compute.internal',
        containers: [{ name: 'api', image: 'registry.acme.io/treasury/payments-api:1.2.3' }],
      },
      status: { phase: 'Running', podIP: '10.20.31.7', hostIP: '10.20.30.40' },
    };
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'payments.1', namespace: 'acme-billing', creationTimestamp: '2026-03-01T10:00:05Z' },
      involvedObject: { kind: 'Pod', namespace: 'acme-billing', name: pod.metadata.name },
      reason: 'Scheduled',
      type: 'Normal',
      message: `Successfully assigned acme-billing/${pod.metadata.name} to ip-10-20-30-40.eu-west-1.compute.internal`,
      lastTimestamp: '2026-03-01T10:00:05Z',
    };
    writeFileSync(dump, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod, event] }));
    const output = path.join(dir, 'shareable.parquet');
    const plain = kstory(['import', dump, '-o', output, '--anonymize', '--no-progress']);
    expect(plain.code, plain.stderr).toBe(0);
    const text = await bundleText(output);
    for (const original of [
      'acme',
      'billing',
      'payments',
      'treasury',
      '10.20.30.40',
      '10-20-30-40',
      '10.20.31.7',
    ])
      expect(text, original).not.toContain(original);
    const info = kstory(['bundle', 'info', output, '--json']);
    expect(JSON.parse(info.stdout).metadata.anonymized).toBe(true);
    expect(JSON.parse(info.stdout).metadata.inputs[0].files).toHaveLength(1);
    for (const original of ['acme', 'billing', 'payments'])
      expect(info.stdout, original).not.toContain(original);
    expect(plain.stdout + plain.stderr).not.toContain('mapping');

    const withMapping = path.join(dir, 'mapped.parquet');
    const mappingFile = path.join(dir, 'mapping.json');
    const mappedRun = kstory([
      'import',
      dump,
      '-o',
      withMapping,
      '--anonymize',
      '--mapping',
      mappingFile,
      '--no-progress',
    ]);
    expect(mappedRun.code, mappedRun.stderr).toBe(0);
    const mapping = JSON.parse(readFileSync(mappingFile, 'utf8')) as Mapping;
    expect(Object.keys(mapping.words)).toEqual(
      expect.arrayContaining(['acme', 'billing', 'payments', 'treasury']),
    );
    expect(mapping.ips).toHaveProperty(['10.20.30.40']);
    // The Event still names the Pod its columns name.
    const db = await Database.open();
    try {
      const [row] = await db.all<{ name: string; message: string }>(
        `SELECT name, event_message AS message FROM read_parquet(${sqlString(withMapping)}) WHERE source = 'event'`,
      );
      expect(row?.message).toContain(`/${row?.name} to ip-`);
    } finally {
      db.close();
    }
    const refused = kstory(['import', dump, '-o', path.join(dir, 'x.parquet'), '--mapping', mappingFile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--mapping goes with --anonymize');
  });
});

describe('kstory record --anonymize', () => {
  it('records a share-safe bundle: no name of the cluster in it, the spool gone', async () => {
    const api = await FakeApiServer.start();
    try {
      api.apply({ kind: 'Namespace', metadata: { name: 'acme-billing' } });
      api.apply(aPod('acme-billing', 'invoicer-7d9f8b6c5d-x2x4z'));
      const dir = tempDir();
      const output = path.join(dir, 'recorded.parquet');
      const mappingFile = path.join(dir, 'mapping.json');
      await runRecord({
        output,
        kubeconfig: writeKubeconfig(dir, api),
        namespaces: [],
        include: ['pods', 'namespaces'],
        exclude: [],
        once: true,
        anonymize: { mappingFile },
        log: () => {},
      });
      const text = await bundleText(output);
      expect(text).toMatch(/-7d9f8b6c5d-x2x4z/);
      for (const original of ['acme', 'billing', 'invoicer']) expect(text, original).not.toContain(original);
      const mapping = JSON.parse(readFileSync(mappingFile, 'utf8')) as Mapping;
      expect(text).toContain(`${mapping.words.invoicer}-7d9f8b6c5d-x2x4z`);
      expect(statSync(output).mode & 0o777).toBe(0o600);
      expect(existsSync(`${output}.spool`)).toBe(false);
    } finally {
      await api.close();
    }
  });
});
