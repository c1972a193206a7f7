// An import stopped partway (here: the disk filled before its third file, and the last line written
// was cut) goes on with --resume: the rows its spool holds are kept and not written again, the rest
// are written, and the bundle is the one an uninterrupted import writes. Changed inputs are refused.

import { appendFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpoolWriteError } from '../../src/bundle/spool-error.ts';
import { BundleWriter } from '../../src/bundle/writer.ts';
import { KstoryError } from '../../src/errors.ts';
import { runImport } from '../../src/import/run.ts';
import { openBundle } from '../../src/views/open.ts';
import { aPod } from '../kube/builders.ts';
import { kstoryInProcess } from '../support/cli-in-process.ts';
import { jsonl, rows, Scratch } from './helpers.ts';

const scratch = new Scratch();
afterAll(() => scratch.remove());

const audit = (id: string, stage = 'ResponseComplete') => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: id,
  stage,
  verb: 'get',
  user: { username: 'bob' },
  objectRef: { resource: 'configmaps', namespace: 'shop', name: 'cfg', apiVersion: 'v1' },
  stageTimestamp: `2026-03-01T10:00:${String(Number(id.replace(/\D/g, '')) % 60).padStart(2, '0')}.000001Z`,
});

const configMap = (rv: string, level: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'db',
    namespace: 'shop',
    uid: 'cm-1',
    resourceVersion: rv,
    creationTimestamp: '2026-03-01T09:00:00Z',
  },
  data: { db_password: 'hunter2-correct-horse', log_level: level },
});

/** Five files: objects, two audit logs (one request's stages split between them), objects again. */
function writeInputs(dir: string): void {
  const pods = [1, 2, 3].map((i) =>
    aPod({ metadata: { name: `web-${i}`, uid: `pod-${i}`, resourceVersion: String(100 + i) } }),
  );
  scratch.write(
    `${dir}/a-objects.json`,
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...pods, configMap('10', 'info')] }),
  );
  scratch.write(
    `${dir}/b-audit.log`,
    jsonl(...[1, 2, 3, 4, 5].map((i) => audit(`r${i}`)), audit('r99', 'RequestReceived')),
  );
  scratch.write(`${dir}/c-audit.log`, jsonl(...[6, 7, 8].map((i) => audit(`r${i}`)), audit('r99')));
  // The same pods again (merged, not counted twice), a new version of one, the ConfigMap changed.
  const again = [...pods, aPod({ metadata: { name: 'web-1', uid: 'pod-1', resourceVersion: '201' } })];
  scratch.write(
    `${dir}/d-objects.json`,
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...again, configMap('11', 'debug')] }),
  );
  scratch.write(`${dir}/e-audit.log`, jsonl(audit('r10'), audit('r11')));
}

/** A disk that fills as the import reaches `file`: the spool keeps what was written before. */
function fullDiskAt(file: string, output: string) {
  return () => ({
    update: (_bytes: number, _records: number, current: string) => {
      if (current.endsWith(file))
        throw new SpoolWriteError(
          `${output}.spool`,
          new KstoryError('no space left on the device (simulated)'),
        );
    },
    done: () => {},
  });
}

/** `kstory import <args...>` in this process. */
const cli = (...args: string[]) => kstoryInProcess('import', ...args);

const BY_SOURCE = 'SELECT source, count(*)::INTEGER AS n FROM bundle GROUP BY source ORDER BY source';

describe('kstory import --resume', () => {
  it('keeps what the spool holds, writes the rest once, and gives the bundle an uninterrupted import gives', async () => {
    writeInputs('inputs');
    const inputs = scratch.path('inputs');
    const reference = await scratch.import([inputs]);
    const expected = await rows(reference.bundle!, BY_SOURCE);
    reference.bundle!.close();

    const output = scratch.path('resumed.parquet');
    await expect(
      runImport({ inputs: [inputs], output, progress: fullDiskAt('c-audit.log', output) }),
    ).rejects.toThrow(/simulated/);
    const spool = `${output}.spool`;
    const open = readdirSync(spool)
      .filter((f) => f.endsWith('.ndjson'))
      .sort()
      .at(-1)!;
    // A kill in the middle of a write leaves part of a line: here all of it but its newline, which
    // parses, yet is not in the spool once the writer cuts it.
    appendFileSync(path.join(spool, open), '{"source":"marker","ts":"2026-03-01T10:00:00Z","marker":"gap"}');

    const refused = await cli(inputs, '-o', output, '--no-progress');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${output}.spool is left by an import that did not finish`);
    expect(refused.stderr).toContain('Go on from it with --resume');
    expect((await cli(inputs, '-o', output, '--resume', '--force')).stderr).toContain(
      "each other's opposite",
    );

    // Inputs that changed since are refused, and the spool is left as it was.
    const extra = scratch.write('inputs/f-late.log', jsonl(audit('r50')));
    const changed = await cli(inputs, '-o', output, '--resume');
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('the inputs are not those the interrupted import was reading');
    expect(changed.stderr).toContain('changed (5 files');
    rmSync(extra);
    expect(existsSync(spool)).toBe(true);

    const resumed = await cli(inputs, '-o', output, '--resume', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.resumed.rows_kept).toBeGreaterThan(0);
    expect(summary.resumed.rows_kept_by_source.object).toBe(4);
    expect(existsSync(spool)).toBe(false);

    const bundle = await openBundle([output]);
    try {
      expect(await rows(bundle, BY_SOURCE)).toEqual(expected);
      const [distinct] = await rows(
        bundle,
        `SELECT count(*) FILTER (source = 'audit')::INTEGER AS audit, count(DISTINCT audit_id)::INTEGER AS ids,
                count(*) FILTER (source = 'object')::INTEGER AS objects,
                count(DISTINCT (uid, resource_version)) FILTER (source = 'object')::INTEGER AS versions
         FROM bundle`,
      );
      expect(distinct).toEqual({ audit: 11, ids: 11, objects: 6, versions: 6 });
      // The password is the same token before and after the stop: it did not change.
      const tokens = await rows(
        bundle,
        `SELECT resource_version, json_extract_string(body, '$.data.db_password') AS password
         FROM bundle WHERE kind = 'ConfigMap' AND source = 'object' ORDER BY resource_version`,
      );
      expect(tokens).toHaveLength(2);
      expect(tokens[0]!.password).toMatch(/redacted/);
      expect(tokens[1]!.password).toBe(tokens[0]!.password);
      expect(bundle.metadata.extra).not.toHaveProperty('import_inputs');
    } finally {
      bundle.close();
    }
  });

  it('says what it knows when there is nothing to resume, or a spool it cannot go on from', async () => {
    const input = scratch.write('one/pod.json', JSON.stringify(aPod()));
    const output = scratch.path('one/out.parquet');
    const none = await cli(input, '-o', output, '--resume');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`there is no interrupted import to resume at ${output}.spool`);

    const writer = await BundleWriter.create({ output, metadata: { producer: 'record' } });
    await writer.close();
    const recorded = await cli(input, '-o', output, '--resume');
    expect(recorded.stderr).toContain('was left by kstory record, not by an import');
  });
});
