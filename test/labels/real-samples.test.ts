// kstory labels on data from a real cluster (../shared/real-samples, never copied here): the
// minikube scrape nri-kubernetes-1_34, whose deployed manifests say what is wrong: a container in
// CrashLoopBackOff, a pod Pending on a node selector no node matches, a Job whose pods all exit 42.
// One troubleshooting label for each, every label valid; a scrape of one instant has too few usage
// samples for a resource label, and the run says so.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { Label } from '../../src/labels/schema.ts';
import { kstory, ROOT } from '../support/cli.ts';

const NRI = path.resolve(ROOT, '../shared/real-samples/nri-kubernetes-1_34');
const work = mkdtempSync(path.join(os.tmpdir(), 'kstory-real-labels-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!existsSync(NRI))(
  'kstory labels on the minikube scrape (real-samples/nri-kubernetes-1_34)',
  () => {
    it('labels each ground-truth root cause, validly, and says why there is no resource label', () => {
      const bundle = path.join(work, 'nri.parquet');
      const imported = kstory(['import', NRI, '-o', bundle]);
      expect(imported.code, imported.stderr).toBe(0);
      const out = path.join(work, 'labels.jsonl');
      const result = kstory(['labels', bundle, '-o', out, '--no-progress']);
      expect(result.code, result.stderr).toBe(0);
      const labels = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Label);
      const schema = JSON.parse(readFileSync(path.join(ROOT, 'docs/labels.schema.json'), 'utf8'));
      const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
      for (const label of labels)
        expect(validate(label), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
      const roots = labels.flatMap((l) => (l.type === 'troubleshooting' ? [l.root_cause.pattern] : []));
      expect(roots.sort()).toEqual(['crash-loop-backoff', 'failed-scheduling', 'job-failed']);
      expect(labels.some((l) => l.type === 'resource_optimisation')).toBe(false);
      expect(result.stderr).toMatch(
        /container\(s\) with fewer than 10 usage samples: no resource_optimisation label/,
      );
    });
  },
);
