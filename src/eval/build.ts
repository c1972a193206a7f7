// Each sample's bundle, as `kstory eval` builds it (a scenario simulated, seen through a view, or real
// artifacts imported), and kept with a stamp of what it was built from so that a later evaluation
// with the same `--bundles` folder analyses it again instead of building it again.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Source } from '../bundle/columns.ts';
import { KstoryError } from '../errors.ts';
import { runImport } from '../import/run.ts';
import { runSimulate } from '../simulate/run.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { writeAuditLog } from './audit-log.ts';
import type { EvalSample, View } from './corpus.ts';
import { writeSnapshotList } from './snapshot.ts';

/** Writes the `kubectl describe` text of a recording and says when it was printed: what the
 * `kubectl` view is made of (src/cli/kubectl-view.ts, above the describers it prints with). */
export type KubectlText = (recording: string, output: string) => Promise<{ at: string }>;

/** Where the writer of kubectl text is, from the code's root: its code builds the `kubectl` view
 * though this file cannot import it. */
const KUBECTL_TEXT_CODE = 'cli/kubectl-view';

/** Views that are the recording of some of its sources alone: the same story, the rest never
 * written. */
const RECORDED_VIEWS: Partial<Record<View, readonly Source[]>> = { logs: ['log'] };

/** Views that are a file the recording's sources are written to, imported as users import theirs:
 * its audit log alone, one entry per line as the API server writes it. */
const LOGGED_VIEWS: Partial<Record<View, 'audit'>> = { audit: 'audit' };

/** Views that are a dump of the recording's end (a JSON List of these), imported as dumps are. */
const DUMPED_VIEWS: Partial<Record<View, readonly ('object' | 'event')[]>> = {
  snapshot: ['object', 'event'],
  objects: ['object'],
  events: ['event'],
};

/** Each scenario's recording, simulated once for every view made of it (a simulation is the same
 * every time: its seed is the scenario's). */
export class Recordings {
  private readonly made = new Map<string, string>();
  constructor(private readonly dir: string) {}

  /** The scenario's recording is this bundle already (a sample's, built or kept). */
  know(scenario: string, bundle: string): void {
    this.made.set(scenario, bundle);
  }

  async of(scenario: string, step: (text: string) => void): Promise<string> {
    const known = this.made.get(scenario);
    if (known) return known;
    step('simulating');
    mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${readdirSync(this.dir).length}.parquet`);
    await runSimulate({ scenario, output: file, force: true });
    this.made.set(scenario, file);
    return file;
  }

  /** Removes the recordings it simulated (those it was told of are not its own). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Builds the sample's bundle at `output`; returns what was imported (rows, skipped files). */
export async function buildBundle(
  sample: EvalSample,
  output: string,
  recordings: Recordings,
  kubectlText: KubectlText | undefined,
  step: (text: string) => void,
): Promise<string> {
  let inputs: string[];
  let at: string | undefined;
  if ('scenario' in sample.source) {
    const { scenario, view } = sample.source;
    if (view === undefined || RECORDED_VIEWS[view]) {
      step('simulating');
      const result = await runSimulate({
        scenario,
        output,
        force: true,
        sources: view && RECORDED_VIEWS[view],
      });
      return `${result.bundle.rows} rows`;
    }
    if (LOGGED_VIEWS[view]) {
      step('simulating');
      const recording = `${output}.recording.parquet`;
      await runSimulate({ scenario, output: recording, force: true, sources: ['audit'] });
      inputs = [`${output}.audit.log`];
      await writeAuditLog(recording, inputs[0]!);
      rmSync(recording, { force: true });
    } else {
      const recording = await recordings.of(scenario, step);
      const dumped = DUMPED_VIEWS[view];
      if (dumped) {
        inputs = [`${output}.snapshot.json`];
        await writeSnapshotList(recording, inputs[0]!, dumped);
      } else {
        if (!kubectlText) throw new KstoryError('the kubectl view needs a writer of kubectl describe text');
        inputs = [`${output}.kubectl.txt`];
        // Its ages (`5m`, `3m (x4 over 10m)`) count back from when it was printed.
        at = (await kubectlText(recording, inputs[0]!)).at;
      }
    }
  } else inputs = sample.source.inputs;
  step('importing');
  const result = await runImport({ inputs, output, force: true, progress: false, at });
  if ('scenario' in sample.source) rmSync(inputs[0]!, { force: true });
  const skipped = result.inputs.reduce(
    (n, s) => n + Object.values(s.skippedFiles).reduce((m, files) => m + files.length, 0),
    0,
  );
  const damaged = result.inputs.reduce((n, s) => n + s.issueCount, 0);
  const notes = [
    skipped && `${skipped} file${skipped === 1 ? '' : 's'} skipped`,
    damaged && `${damaged} damaged record${damaged === 1 ? '' : 's'}`,
  ].filter(Boolean);
  if (!result.bundle && result.refused.length > 0) {
    throw new KstoryError(result.refused.map((r) => r.message).join('; '));
  }
  if (!result.bundle) {
    const firstIssue = result.inputs.flatMap((s) => s.issues)[0]?.reason;
    const reasons = [
      ...new Set(result.inputs.flatMap((s) => Object.keys(s.skippedFiles))),
      ...(firstIssue ? [`${damaged} damaged records, the first: ${firstIssue}`] : []),
    ];
    throw new KstoryError(`nothing importable${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
  }
  return [`${result.bundle.rows} rows`, ...notes].join(', ');
}

/** The code each kind of bundle is built by, named from the code's root: a recording (or some of
 * its sources alone) by the simulator; a dump of its end by the simulator, the writer of the dump
 * and the importer; kubectl text by the simulator, its writer and the importer; real artifacts by
 * the importer. */
const BUILDERS = {
  simulate: ['simulate/run'],
  dump: ['simulate/run', 'eval/snapshot', 'import/run'],
  'audit-log': ['simulate/run', 'eval/audit-log', 'import/run'],
  kubectl: ['simulate/run', KUBECTL_TEXT_CODE, 'import/run'],
  import: ['import/run'],
} as const;
export type Builder = keyof typeof BUILDERS;

/** Which code builds the sample's bundle. */
export function builderOf(sample: EvalSample): Builder {
  if (!('scenario' in sample.source)) return 'import';
  const { view } = sample.source;
  if (view === undefined || RECORDED_VIEWS[view]) return 'simulate';
  if (LOGGED_VIEWS[view]) return 'audit-log';
  return DUMPED_VIEWS[view] ? 'dump' : 'kubectl';
}

/**
 * The code that builds each kind of bundle, hashed: this file, and every module its builders are
 * made of, followed through their relative imports, with each module's sibling data files (the SQL
 * of views), and package.json with its lock (DuckDB's version writes the Parquet). Analysis code
 * and the pattern catalogue are in none: changing them never forces a rebuild, and a change to the
 * importer leaves the recordings' bundles as they are. `root` is where the running code is (src/,
 * or dist/src/ when built).
 */
export function buildCodeHashes(
  root: string = path.resolve(import.meta.dirname, '..'),
): Record<Builder, { hash: string; files: string[] }> {
  const ext = path.extname(import.meta.filename);
  const hashes = new Map<string, string>();
  const hashed = (file: string) => {
    const known = hashes.get(file) ?? hashFile(file);
    hashes.set(file, known);
    return known;
  };
  const closure = (entries: readonly string[]) => {
    const modules = new Set<string>();
    const visit = (file: string) => {
      if (modules.has(file) || !existsSync(file)) return;
      modules.add(file);
      for (const spec of relativeImports(readFileSync(file, 'utf8')))
        visit(path.resolve(path.dirname(file), spec));
    };
    for (const entry of entries) visit(path.join(root, `${entry}${ext}`));
    const files = new Set([...modules, import.meta.filename]);
    for (const dir of new Set([...modules].map((m) => path.dirname(m)))) {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (!CODE.test(name) && !name.endsWith('.map') && statSync(file).isFile()) files.add(file);
      }
    }
    for (const name of ['package.json', 'package-lock.json']) {
      const file = path.join(PACKAGE_ROOT, name);
      if (existsSync(file)) files.add(file);
    }
    const sorted = [...files].sort();
    const hash = createHash('sha256');
    for (const file of sorted) hash.update(`${path.relative(root, file)}\0${hashed(file)}\n`);
    return { hash: hash.digest('hex'), files: sorted };
  };
  return Object.fromEntries(
    (Object.keys(BUILDERS) as Builder[]).map((builder) => [builder, closure(BUILDERS[builder])]),
  ) as Record<Builder, { hash: string; files: string[] }>;
}

const CODE = /\.(ts|js|mjs|cjs)$/;

/** The relative modules a source imports or re-exports, statically or dynamically (not its
 * `import type`: erased when it runs). */
function relativeImports(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /(?:^|[\s;])(?:import|export)\s(?!type\s)[^'"`;]*?\sfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    /(?:^|[\s;])import\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found;
}

function hashFile(file: string): string {
  return createHash('sha1').update(readFileSync(file)).digest('hex');
}

/** Files under a folder (or the file itself), with their content hashes, named from `base`. */
function hashTree(target: string, base: string): string[] {
  if (!existsSync(target)) return [`${path.relative(base, target)}: absent`];
  const stat = statSync(target);
  if (stat.isFile()) return [`${path.relative(base, target)}: ${hashFile(target)}`];
  if (!stat.isDirectory()) return [];
  return readdirSync(target)
    .sort()
    .flatMap((name) => hashTree(path.join(target, name), base));
}

/**
 * The stamp of a sample's bundle: the code that builds it, with its scenario file and the
 * backgrounds it may name, and its view; or the real artifacts its labels name, each file's
 * content. The same stamp builds the same bundle: a simulation's seed is its scenario's.
 */
export function buildStamp(sample: EvalSample, codeHash: string): string {
  const parts: string[] = [`code ${codeHash}`];
  if ('scenario' in sample.source) {
    const file = path.resolve(sample.source.scenario);
    parts.push(`view ${sample.source.view ?? 'recording'}`, ...hashTree(file, path.dirname(file)));
    parts.push(...hashTree(path.join(path.dirname(file), 'backgrounds'), path.dirname(file)));
  } else {
    const inputs = sample.source.inputs;
    const base = commonFolder(inputs);
    for (const input of inputs) parts.push(`input ${path.relative(base, input)}`, ...hashTree(input, base));
  }
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

function commonFolder(files: readonly string[]): string {
  let base = path.dirname(path.resolve(files[0] ?? '.'));
  while (!files.every((f) => path.resolve(f).startsWith(base + path.sep)) && path.dirname(base) !== base)
    base = path.dirname(base);
  return base;
}

/** What a kept bundle's stamp file says: its stamp, its size, and what its import said. */
interface StampFile {
  stamp: string;
  bytes: number;
  imported: string;
}

/** The stamp file beside a kept bundle. */
export function stampFileOf(bundle: string): string {
  return bundle.replace(/\.parquet$/, '.build.json');
}

/** What was imported into a kept bundle, when it is there and was built from what `stamp` says;
 * else null. */
export function reusableBundle(bundle: string, stamp: string): string | null {
  const file = stampFileOf(bundle);
  if (!existsSync(file) || !existsSync(bundle)) return null;
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<StampFile>;
    if (kept.stamp !== stamp || kept.bytes !== statSync(bundle).size || typeof kept.imported !== 'string')
      return null;
    return kept.imported;
  } catch {
    return null;
  }
}

/** Forgets a kept bundle's stamp, before it is built again (a build cut short leaves none). */
export function forgetStamp(bundle: string): void {
  rmSync(stampFileOf(bundle), { force: true });
}

/** Stamps a bundle just built. */
export function writeStamp(bundle: string, stamp: string, imported: string): void {
  const kept: StampFile = { stamp, bytes: statSync(bundle).size, imported };
  writeFileSync(stampFileOf(bundle), `${JSON.stringify(kept, null, 2)}\n`);
}
