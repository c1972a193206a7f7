// Damaged and odd inputs: each problem is counted and reported with file, line and reason, the rest
// is imported, and only an import of nothing at all fails (exit code 2, no bundle left behind).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Chalk } from 'chalk';
import { pack } from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { partialReasons } from '../../src/bundle/partial.ts';
import { runImport } from '../../src/import/run.ts';
import { importSummaryJson, partialImport, renderImportSummary } from '../../src/report/import-summary.ts';
import { openBundle } from '../../src/views/open.ts';
import { aPod } from '../kube/builders.ts';
import { kstoryInProcess } from '../support/cli-in-process.ts';
import { jsonl, rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const entry = (id: string, stage = 'ResponseComplete', extra: Record<string, unknown> = {}) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: id,
  stage,
  verb: 'get',
  user: { username: 'bob' },
  objectRef: { resource: 'configmaps', namespace: 'shop', name: 'cfg', apiVersion: 'v1' },
  stageTimestamp: '2026-03-01T10:00:00.000001Z',
  ...extra,
});

describe('damaged inputs', () => {
  it('a truncated line in an audit log is reported with its line number; the other lines are imported', async () => {
    const lines = jsonl(entry('a-1'), entry('a-2'), entry('a-3')).split('\n');
    lines[1] = lines[1]!.slice(0, 80);
    const file = scratch.write('audit.log', lines.join('\n'));
    const { result, bundle } = await scratch.import([file]);
    expect(await rows(bundle!, 'SELECT audit_id FROM audit ORDER BY 1')).toEqual([
      { audit_id: 'a-1' },
      { audit_id: 'a-3' },
    ]);
    expect(result.inputs[0]?.issues).toEqual([{ file, line: 2, reason: 'invalid JSON (truncated line)' }]);
    bundle!.close();
  });

  it('the last document of a kubectl -w stream cut off, and a document of an unknown kind', async () => {
    const pod = JSON.stringify(aPod(), null, 2);
    const cut = scratch.write('cut.json', `${pod}\n${pod.replace('1001', '1002').slice(0, 200)}`);
    const unknown = scratch.write(
      'unknown.yaml',
      'apiVersion: v1\nmetadata:\n  name: x\n---\nkind: Pod\nmetadata: [broken\n',
    );
    const { result, bundle } = await scratch.import([cut, unknown]);
    // The second input gave nothing: no bundle, and why.
    expect(bundle).toBeNull();
    expect(result.refused).toEqual([
      {
        input: unknown,
        message: expect.stringContaining(
          `nothing kstory reads in ${unknown} (1 file): read as kube-yaml but nothing came out; 2 damaged lines or documents (the first: ${unknown}:1: object without a kind`,
        ),
        hint: expect.any(String),
      },
    ]);
    expect(result.inputs[0]?.records).toEqual({ object: 1 });
    expect(result.inputs[0]?.issues).toEqual([
      { file: cut, line: expect.any(Number), reason: 'truncated JSON document (the file ends inside it)' },
    ]);
    expect(result.inputs[1]?.issues).toEqual([
      {
        file: unknown,
        line: 1,
        reason:
          'object without a kind, and neither its selfLink nor its file path says which: not imported (save it with kubectl get -o json, which keeps kind)',
      },
      { file: unknown, line: expect.any(Number), reason: expect.stringMatching(/^invalid YAML: /) },
    ]);
  });

  it('UTF-16 with a byte-order mark (little and big endian) reads like UTF-8', async () => {
    const text = JSON.stringify(aPod({ metadata: { labels: { team: 'café' } } }));
    const le = scratch.write(
      'le.json',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const be = Buffer.from(text.replace('1001', '1003'), 'utf16le');
    be.swap16();
    const beFile = scratch.write('be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    const { bundle } = await scratch.import([le, beFile]);
    expect(
      await rows(bundle!, "SELECT resource_version, labels['team'] AS team FROM objects ORDER BY 1"),
    ).toEqual([
      { resource_version: '1001', team: 'café' },
      { resource_version: '1003', team: 'café' },
    ]);
    bundle!.close();
  });

  it('empty, binary and unrecognised files are skipped and named; a kubeconfig is never imported', async () => {
    scratch.write('mixed/empty.json', '');
    scratch.write('mixed/image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3, 0, 0, 9]));
    scratch.write('mixed/notes.txt', 'we restarted the pods at 10:40\n');
    scratch.write(
      'mixed/kubeconfig.yaml',
      'apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: s3cr3t\n',
    );
    scratch.write('mixed/pod.json', JSON.stringify(aPod()));
    const { result, bundle } = await scratch.import([scratch.path('mixed')]);
    const stats = result.inputs[0]!;
    expect(
      Object.fromEntries(
        Object.entries(stats.skippedFiles).map(([reason, files]) => [
          reason,
          files.map((f) => f.split('/').pop()),
        ]),
      ),
    ).toEqual({
      'empty file': ['empty.json'],
      'binary file': ['image.png'],
      'unrecognised content: text in no format kstory reads': ['notes.txt'],
    });
    expect(stats.issues.map((i) => i.reason)).toEqual(['a kubeconfig, not imported: it holds credentials']);
    expect(
      await rows(bundle!, "SELECT count(*)::INTEGER AS n FROM bundle WHERE body LIKE '%s3cr3t%'"),
    ).toEqual([{ n: 0 }]);
    bundle!.close();
  });

  it('an archive cut short: what came before the cut is imported, the cut is reported', async () => {
    const p = pack();
    p.entry({ name: 'dump/pod.json' }, JSON.stringify(aPod()));
    // Incompressible, so that the cut falls inside this member.
    p.entry({ name: 'dump/noise.log' }, randomBytes(256 * 1024).toString('base64'));
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of p) chunks.push(chunk as Buffer);
    const whole = gzipSync(Buffer.concat(chunks));
    const file = scratch.write('cut.tar.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    const { result, bundle } = await scratch.import([file]);
    expect(await rows(bundle!, 'SELECT kind, name FROM objects')).toEqual([
      { kind: 'Pod', name: 'checkout-7d9f8-abcde' },
    ]);
    // Said once, on the member where the data stopped (not again on the archive around it).
    expect(result.inputs[0]?.cut).toEqual([
      {
        file: `${file}!dump/noise.log`,
        lines: 0,
        reason: 'the gzip data is damaged or cut short (unexpected end of file)',
      },
    ]);
    expect(result.inputs[0]?.issues).toEqual([]);
    bundle!.close();
  });

  describe('compressed data damaged or cut short midway', () => {
    const auditLines = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        JSON.stringify(
          entry(`z-${i}`, 'ResponseComplete', {
            requestURI: `/api/v1/x/${createHash('sha1').update(String(i)).digest('hex')}`,
          }),
        ),
      ).join('\n') + '\n';
    const text = auditLines(20_000);
    const compressed = {
      gzip: gzipSync(text),
      zstd: execFileSync('zstd', ['-q', '-c'], { input: text }),
      xz: execFileSync('xz', ['-c', '-0'], { input: text }),
    };
    const cases: [string, string, Buffer][] = [
      ['gzip', 'cut in half', compressed.gzip.subarray(0, compressed.gzip.length >> 1)],
      ['zstd', 'cut in half', compressed.zstd.subarray(0, compressed.zstd.length >> 1)],
      ['xz', 'cut in half', compressed.xz.subarray(0, compressed.xz.length >> 1)],
      ['gzip', 'with bytes flipped midway', flipped(compressed.gzip)],
    ];
    it.each(cases)(
      '%s %s: the lines before are imported, the cut is said with the lines read',
      async (kind, how, bytes) => {
        const file = scratch.write(`damaged-${kind}-${bytes.length}.log`, bytes);
        const { result, bundle, output } = await scratch.import([file]);
        const stats = result.inputs[0]!;
        expect(stats.cut).toHaveLength(1);
        expect(stats.cut[0]).toMatchObject({
          file,
          reason: expect.stringMatching(new RegExp(`^the ${kind} data is damaged or cut short \\(.+\\)$`)),
        });
        const imported = stats.records.audit ?? 0;
        expect(imported).toBeGreaterThan(1000);
        expect(stats.cut[0]!.lines).toBeGreaterThanOrEqual(imported);
        // Cut short: fewer lines than the file had (flipped bytes may decode to garbage with more newlines).
        if (how === 'cut in half') expect(stats.cut[0]!.lines).toBeLessThan(20_000);
        expect(partialImport(result)).toBe('1 file was cut short by damage');
        const summary = renderImportSummary(result, new Chalk({ level: 0 }));
        expect(summary).toContain(
          `${file}: ${stats.cut[0]!.reason}: ${stats.cut[0]!.lines.toLocaleString('en-US')} lines read, the rest of the file is lost`,
        );
        // The bundle says so too: a reader of the bundle alone knows the input was cut short.
        const { metadata } = bundle!;
        const extra = metadata.extra.import as { cut_short: unknown[] }[];
        expect(extra[0]?.cut_short).toEqual([
          { file, lines_read: stats.cut[0]!.lines, reason: stats.cut[0]!.reason },
        ]);
        // And its analysis says it is partial.
        expect(partialReasons(bundle!.files)).toEqual([
          `${file} was cut short by damage after ${stats.cut[0]!.lines} lines (${stats.cut[0]!.reason}): the rest of it is missing`,
        ]);
        bundle!.close();
        // Every damaged line reaches --json, however many.
        const json = importSummaryJson(result) as {
          inputs: { issues: unknown[]; issues_left_out: number; damaged: number }[];
        };
        expect(json.inputs[0]!.issues).toHaveLength(json.inputs[0]!.damaged);
        expect(json.inputs[0]!.issues_left_out).toBe(0);
        void output;
      },
    );
  });

  it('a bundle written into the directory being imported is not read back', async () => {
    scratch.write('self/pod.json', JSON.stringify(aPod()));
    const output = scratch.path('self/out.parquet');
    const result = await runImport({ inputs: [scratch.path('self')], output, progress: false });
    expect(result.bundle?.rowsBySource).toEqual({ object: 1, marker: 1 });
    expect(result.inputs[0]?.skippedFiles).toEqual({});
  });

  it('a request whose ResponseComplete never came is kept at its last stage', async () => {
    const file = scratch.write(
      'open.log',
      jsonl(
        entry('r-1', 'RequestReceived'),
        entry('r-2', 'RequestReceived'),
        entry('r-2', 'ResponseComplete', { responseStatus: { code: 404 } }),
      ),
    );
    const { bundle } = await scratch.import([file]);
    expect(await rows(bundle!, 'SELECT audit_id, audit_stage, audit_code FROM audit ORDER BY 1')).toEqual([
      { audit_id: 'r-1', audit_stage: 'RequestReceived', audit_code: null },
      { audit_id: 'r-2', audit_stage: 'ResponseComplete', audit_code: 404 },
    ]);
    bundle!.close();
  });

  it('rebuilds object history from RequestResponse bodies', async () => {
    const created = aPod({ metadata: { resourceVersion: '2001' } });
    const file = scratch.write(
      'rr.log',
      jsonl(
        entry('c-1', 'ResponseComplete', {
          level: 'RequestResponse',
          verb: 'create',
          objectRef: { resource: 'pods', namespace: 'shop', name: 'checkout-7d9f8-abcde', apiVersion: 'v1' },
          responseObject: created,
          responseStatus: { code: 201 },
          stageTimestamp: '2026-03-01T10:00:01Z',
        }),
        entry('c-2', 'ResponseComplete', {
          level: 'RequestResponse',
          verb: 'update',
          objectRef: {
            resource: 'pods',
            namespace: 'shop',
            name: 'checkout-7d9f8-abcde',
            apiVersion: 'v1',
            subresource: 'status',
          },
          responseObject: aPod({ metadata: { resourceVersion: '2002' }, status: { phase: 'Failed' } }),
          responseStatus: { code: 200 },
          stageTimestamp: '2026-03-01T10:05:00Z',
        }),
      ),
    );
    const { result, bundle } = await scratch.import([file]);
    expect(result.snapshot).toBe(false);
    expect(
      await rows(bundle!, 'SELECT watch_event, phase, ts::VARCHAR AS ts FROM objects ORDER BY ts'),
    ).toEqual([
      { watch_event: 'ADDED', phase: 'Running', ts: '2026-03-01 10:00:01+00' },
      { watch_event: 'MODIFIED', phase: 'Failed', ts: '2026-03-01 10:05:00+00' },
    ]);
    bundle!.close();
  });
});

describe('kstory import (CLI)', () => {
  const cli = (...args: string[]) => kstoryInProcess('import', ...args);

  it('prints a summary and writes the bundle (exit 0)', async () => {
    const file = scratch.write('cli/pod.json', JSON.stringify(aPod()));
    const output = scratch.path('cli/out.parquet');
    const { code, stdout } = await cli(file, '-o', output, '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.output.rows_by_source).toEqual({ object: 1, marker: 1 });
    expect(summary.inputs[0].format).toBe('kube-json');
    // The output exists now: refused without --force.
    const again = await cli(file, '-o', output);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
  });

  it('exits 2 and writes nothing when nothing could be imported', async () => {
    const empty = scratch.write('cli/empty.log', '');
    const output = scratch.path('cli/none.parquet');
    const { code, stderr } = await cli(empty, '-o', output);
    expect(code).toBe(2);
    expect(stderr).toContain('skipped 1 file: empty file');
    expect(stderr).toContain(
      `no bundle was written: nothing kstory reads in ${empty} (1 file): 1 empty file`,
    );
    expect(stderr).toContain('Every file is empty');
    expect(existsSync(output)).toBe(false);
    expect(existsSync(`${output}.spool`)).toBe(false);
  });

  it('refuses an input that gives nothing beside one that gives rows: exit 2, no bundle, and which input', async () => {
    const pod = scratch.write('cli/pod.json', JSON.stringify(aPod()));
    const manifest = scratch.write(
      'cli/deploy.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n',
    );
    const output = scratch.path('cli/mixed.parquet');
    const { code, stderr } = await cli(pod, manifest, '-o', output);
    expect(code).toBe(2);
    const text = stderr.replace(/\s+/g, ' ');
    expect(text).toContain(`no bundle was written: nothing kstory reads in ${manifest} (1 file): 1 manifest`);
    expect(text).toContain('Manifests and templates say what was applied, not what the cluster did');
    expect(text).toContain('Leave that input out to import the others.');
    expect(existsSync(output)).toBe(false);
  });

  it('refuses a dump whose lists gave no objects and no events, though its logs were read', async () => {
    const dump = scratch.write(
      'cli/dump.txt',
      [
        JSON.stringify(
          { kind: 'Unknownish', apiVersion: 'v1', Items: [{ Metadata: { Name: 'x' } }] },
          null,
          4,
        ),
        '==== START logs for container app of pod shop/checkout-7d9f8-abcde ====',
        '2026-03-01T10:04:30.500000Z connection refused',
        '==== END logs for container app of pod shop/checkout-7d9f8-abcde ====',
        '',
      ].join('\n'),
    );
    const output = scratch.path('cli/dump.parquet');
    const { code, stderr } = await cli(dump, '-o', output);
    expect(code).toBe(2);
    const text = stderr.replace(/\s+/g, ' ');
    expect(text).toContain(
      `no bundle was written: ${dump} looks like a kubectl cluster-info dump but gave no objects and no events, only 1 log row: 1 damaged line or document (the first: ${dump}:1: object without a kind`,
    );
    expect(text).toContain('Objects and events are what analysis judges');
    expect(existsSync(output)).toBe(false);
  });

  it('says an empty directory holds no files, and what an unrecognised file looked like', async () => {
    const dir = scratch.path('cli/empty-dir');
    mkdirSync(dir, { recursive: true });
    const none = await cli(dir, '-o', scratch.path('cli/e.parquet'));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no bundle was written: ${dir} holds no files`);
    const notes = scratch.write('cli/notes.csv', 'name,age,town\nann,3,rome\nbob,4,oslo\n');
    const csv = await cli(notes, '-o', scratch.path('cli/n.parquet'));
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('1 unrecognised content: a CSV table whose columns no format reads');
    expect(csv.stderr).toContain('`kstory import --help` lists the formats kstory reads');
  });

  it('keeps what was skipped, by reason, and where each row came from, in the bundle', async () => {
    scratch.write('cli/folder/pod.json', JSON.stringify(aPod()));
    scratch.write('cli/folder/empty.yaml', '');
    scratch.write('cli/folder/notes.txt', 'we restarted the pods at 10:40\n');
    const output = scratch.path('cli/folder.parquet');
    expect((await cli(scratch.path('cli/folder'), '-o', output)).code).toBe(0);
    const bundle = await openBundle([output]);
    const [input] = bundle.metadata.inputs;
    bundle.close();
    expect(input).toMatchObject({
      files_seen: 3,
      rows_by_source: { object: 1 },
      skipped_by_reason: { 'empty file': 1, 'unrecognised content: text in no format kstory reads': 1 },
      damaged: 0,
      files: [{ path: scratch.path('cli/folder/pod.json'), rows: { object: 1 } }],
    });
  });

  it('refuses --pod without --container, and a missing input with its path', async () => {
    expect((await cli('x.log', '-o', scratch.path('cli/a.parquet'), '--pod', 'shop/p')).stderr).toContain(
      '--pod and --container go together',
    );
    const missing = await cli(scratch.path('nope.json'), '-o', scratch.path('cli/b.parquet'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: no such file or directory');
  });
});

/** A copy with 64 bytes flipped in the middle: deflate decodes garbage, then the CRC says so. */
function flipped(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  for (let k = 0; k < 64; k++) copy[(copy.length >> 1) + k]! ^= 0x5a;
  return copy;
}
