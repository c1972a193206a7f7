// Zip archives imported as they are, like tar: members recognised by content, a tar.gz inside read in
// turn, names that point outside the archive kept inside it, files not understood named, and damage
// said with the file it is in (a zip that cannot be opened at all is refused, exit 2).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.ts';
import type { ImportResult } from '../../src/import/run.ts';
import { cleanName } from '../../src/import/zip.ts';
import { aPod } from '../kube/builders.ts';
import { kstoryInProcess } from '../support/cli-in-process.ts';
import { zipOf } from '../support/zip.ts';
import { rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const POD_UID = '6f1d2c3b-0000-4000-8000-00000000c0de';
const list = (kind: string, items: unknown[]) => JSON.stringify({ kind, apiVersion: 'v1', items });

async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) p.entry({ name }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('a zip archive', () => {
  let file: string;
  let result: ImportResult;
  let bundle: Bundle;
  beforeAll(async () => {
    const nodeLogs = await tarGz({
      [`var/log/pods/shop_checkout-7d9f8-abcde_${POD_UID}/app/0.log`]:
        '2026-03-01T10:04:30.500000000Z stderr F panic: connection refused\n',
    });
    file = scratch.write(
      'incident.zip',
      zipOf([
        { name: 'incident/pods.json', data: list('PodList', [aPod()]) },
        { name: 'incident/node-logs.tar.gz', data: nodeLogs, stored: true },
        // Written on Windows, and by a tool that would write outside the folder it is unpacked in.
        { name: 'incident\\notes\\readme.txt', data: 'Called in at 10:05, checkout down.\n' },
        {
          name: '../../escaped/pod.json',
          data: JSON.stringify(aPod({ metadata: { name: 'escaped', uid: 'pod-uid-2' } })),
        },
        { name: 'incident/screenshot.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]) },
      ]),
    );
    const imported = await scratch.import([file]);
    result = imported.result;
    bundle = imported.bundle!;
  });
  afterAll(() => bundle?.close());

  it('imports its members, and a tar.gz inside it, by content', async () => {
    expect(await rows(bundle, 'SELECT kind, name FROM objects ORDER BY name')).toEqual([
      { kind: 'Pod', name: 'checkout-7d9f8-abcde' },
      { kind: 'Pod', name: 'escaped' },
    ]);
    expect(await rows(bundle, 'SELECT namespace, name, container, log_line, origin FROM logs')).toEqual([
      {
        namespace: 'shop',
        name: 'checkout-7d9f8-abcde',
        container: 'app',
        log_line: 'panic: connection refused',
        origin: `${file}!incident/node-logs.tar.gz!var/log/pods/shop_checkout-7d9f8-abcde_${POD_UID}/app/0.log`,
      },
    ]);
    expect(result.inputs[0]?.format).toMatch(/^zip: /);
  });

  it('keeps names that point outside the archive inside it, and writes nothing', () => {
    expect(result.inputs[0]?.formats['kube-json']).toBe(2);
    expect(existsSync(path.join(scratch.dir, '..', 'escaped'))).toBe(false);
    expect(cleanName('../../escaped/pod.json')).toBe('escaped/pod.json');
    expect(cleanName('C:\\Users\\sre\\..\\dump\\pods.json')).toBe('Users/sre/dump/pods.json');
    expect(cleanName('/./')).toBe('(unnamed)');
  });

  it('names each member it does not understand, with its path inside the archive', () => {
    const skipped = result.inputs[0]!.skippedFiles;
    expect(skipped['binary file']).toEqual([`${file}!incident/screenshot.png`]);
    const text = Object.entries(skipped).find(([reason]) => reason.startsWith('unrecognised'));
    expect(text?.[1]).toEqual([`${file}!incident/notes/readme.txt`]);
    expect(result.inputs[0]?.files).toBe(5);
  });
});

describe('a damaged zip archive', () => {
  const good = () => ({ name: 'dump/pods.json', data: list('PodList', [aPod()]) });

  it('a member whose content fails its checksum is said cut short; the others are imported', async () => {
    const file = scratch.write(
      'crc.zip',
      zipOf([good(), { name: 'dump/events.json', data: list('EventList', []), stored: true, crc: 1 }]),
    );
    const { result, bundle } = await scratch.import([file]);
    expect(await rows(bundle!, 'SELECT name FROM objects')).toEqual([{ name: 'checkout-7d9f8-abcde' }]);
    expect(result.inputs[0]?.cut).toEqual([
      {
        file: `${file}!dump/events.json`,
        lines: 0,
        reason: 'the zip data is damaged or cut short (its content does not match its checksum)',
      },
    ]);
    bundle!.close();
  });

  it('one cut short (no central directory) is refused naming the file, exit 2', async () => {
    const whole = zipOf([
      good(),
      {
        name: 'dump/more.json',
        data: list('PodList', [aPod({ metadata: { name: 'b', uid: 'pod-uid-3' } })]),
      },
    ]);
    const file = scratch.write('cut.zip', whole.subarray(0, whole.length - 30));
    const output = scratch.path('cut.parquet');
    const { code, stderr } = await kstoryInProcess('import', file, '-o', output);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: the zip data is damaged or cut short`);
    expect(stderr).toContain('the file was cut short');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(output)).toBe(false);
  });

  it('a zip inside a tar.gz is read from memory', async () => {
    const inner = zipOf([good()]);
    const p = pack();
    p.entry({ name: 'upload/bundle.zip' }, inner);
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of p) chunks.push(chunk as Buffer);
    const file = scratch.write('outer.tar.gz', gzipSync(Buffer.concat(chunks)));
    const { bundle } = await scratch.import([file]);
    expect(await rows(bundle!, 'SELECT name, origin FROM objects')).toEqual([
      { name: 'checkout-7d9f8-abcde', origin: `${file}!upload/bundle.zip!dump/pods.json` },
    ]);
    bundle!.close();
  });
});

describe('links in a tar archive', () => {
  it('reads a link where its target sits, and counts and says one whose target the archive lacks', async () => {
    const log = (name: string) => `var/log/pods/shop_${name}_${POD_UID}/app/0.log`;
    const p = pack();
    p.entry({ name: 'dump/pods.json' }, list('PodList', [aPod()]));
    p.entry({ name: log('checkout-7d9f8-abcde') }, '2026-03-01T10:04:30.500000000Z stderr F panic: boom\n');
    // The link of /var/log/containers to a pod's log the archive holds, and to one it was packed without.
    p.entry(
      {
        name: 'var/log/containers/held.log',
        type: 'symlink',
        linkname: `../pods/shop_checkout-7d9f8-abcde_${POD_UID}/app/0.log`,
      },
      '',
    );
    p.entry({ name: 'var/log/containers/lost.log', type: 'symlink', linkname: `/${log('web-1')}` }, '');
    p.entry({ name: 'dump/pods-copy.json', type: 'link', linkname: 'dump/pods.json' }, '');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of p) chunks.push(chunk as Buffer);
    const file = scratch.write('node.tar', Buffer.concat(chunks));
    const { result, bundle } = await scratch.import([file]);
    expect(await rows(bundle!, 'SELECT count(*)::INTEGER AS n FROM logs')).toEqual([{ n: 1 }]);
    const skipped = Object.entries(result.inputs[0]!.skippedFiles);
    expect(skipped).toEqual([
      [
        `cannot be read: a symbolic link to /${log('web-1')}, which the archive does not hold`,
        [`${file}!var/log/containers/lost.log`],
      ],
    ]);
    bundle!.close();
  });
});
