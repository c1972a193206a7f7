// `kstory analyze`: find what went wrong in one or more bundles and print it, most important first.

import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { Report } from '../../analyze/report.ts';
import type { Timeline } from '../../analyze/timeline/timeline.ts';
import type { Bundle, OpenOptions } from '../../bundle/reader.ts';
import { KstoryError } from '../../errors.ts';
import { escapeControl } from '../../report/escape.ts';
import { RENDERERS } from '../../report/renderers.ts';
import { SEVERITIES } from '../../vocab/severity.ts';
import { chosenRenderer, formatOptions } from '../formats.ts';
import { helpText } from '../help.ts';
import { commaList, fraction, positiveInt } from '../options.ts';

interface AnalyzeFlags {
  format?: string;
  output?: string;
  since?: string;
  until?: string;
  namespace?: string[];
  kind?: string[];
  subject?: string;
  only?: string[];
  skip?: string[];
  patterns?: string[];
  minConfidence?: number;
  top?: number;
  failOn?: (typeof SEVERITIES)[number];
  selector?: string;
  explain?: boolean;
  all?: boolean;
  merge?: boolean;
  progress?: boolean;
}

/** `-o incident.parquet` would replace the recording with its own report. */
function refuseToOverwriteInput(output: string, files: readonly { path: string }[]): void {
  const real = (file: string) => (existsSync(file) ? realpathSync(file) : path.resolve(file));
  if (files.some((file) => real(file.path) === real(output))) {
    throw new KstoryError(`-o ${output} is a bundle being analysed: the report would replace it`, {
      hint: 'Write the report to another file, e.g. -o postmortem.md',
    });
  }
}

/** A command that analyses bundles: `analyze` prints in any format, `report` writes the HTML page. */
export interface AnalysisCommand {
  name: string;
  description: string;
  /** Its one format; without it, --format and its aliases choose. */
  format?: string;
  examples: string;
  /** Where the report goes without -o; stdout when absent. */
  defaultOutput?: (paths: readonly string[]) => string;
  output: string;
}

const ANALYZE: AnalysisCommand = {
  name: 'analyze',
  description: 'find what went wrong in a bundle: findings with evidence, confidence and remediation',
  output: 'write the report to this file instead of stdout (replaced if it exists)',
  examples: `
Examples:
  kstory analyze incident.parquet
  kstory analyze incident.parquet --since 2h -n 'shop-*' --explain
  kstory analyze incident.parquet --subject shop/Deployment/checkout
  kstory analyze incident.parquet -l app.kubernetes.io/part-of=shop
  kstory analyze incident.parquet --json | jq '.incidents[0]'
  kstory analyze incident.parquet --format markdown -o postmortem.md
  kstory analyze incident.parquet --format html -o report.html
  kstory analyze nightly.parquet --fail-on high   # CI: exit 1 on high or worse

Exit code 2 when the window holds nothing to analyze (no objects, events, audit entries, logs or
metrics): that is never an all-clear.`,
};

export function defineAnalyzeCommand(program: Command): void {
  defineAnalysisCommand(program, ANALYZE);
}

export function defineAnalysisCommand(program: Command, spec: AnalysisCommand): void {
  const command = program
    .command(spec.name)
    .description(spec.description)
    .argument('<bundle...>', 'bundle files, spool directories or globs (read together)');
  if (spec.format === undefined) for (const option of formatOptions(RENDERERS)) command.addOption(option);
  command
    .option('-o, --output <file>', spec.output)
    .option('--since <time>', 'start of the window: RFC 3339 time or duration back from the end (2h)')
    .option('--until <time>', 'end of the window: RFC 3339 time or duration back from the end of the bundle')
    .option(
      '-n, --namespace <globs>',
      'only subjects in these namespaces (comma-separated globs, e.g. prod-*)',
      commaList,
    )
    .option(
      '-l, --selector <selector>',
      'only subjects with these labels, or owned by objects with them (app=checkout,tier!=db)',
    )
    .option('--kind <kinds>', 'only subjects of these kinds (comma-separated)', commaList)
    .option('--subject <ns/kind/name>', 'only incidents about this object, its owners and what it owns')
    .option('--only <ids>', 'run only these pattern ids (comma-separated)', commaList)
    .option('--skip <ids>', 'do not run these pattern ids (comma-separated)', commaList)
    .option(
      '--patterns <dir>',
      'add your own patterns from this directory (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--min-confidence <n>', 'hide incidents below this confidence (0..1)', fraction)
    .option('--top <n>', 'show only the N most important incidents', positiveInt)
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when an incident at or above this severity is found',
      ).choices(SEVERITIES),
    )
    .option('--explain', 'show how each confidence was reached')
    .option('--all', 'also report transient incidents: short problems that cleared by themselves')
    .option(
      '--merge',
      'read bundles of different clusters as one (otherwise each cluster is analysed on its own: their windows and names would merge)',
    )
    .option(
      '--no-progress',
      'do not show what it is doing on stderr (shown on a terminal after half a second)',
    )
    .addHelpText('after', helpText(spec.examples))
    .action(async (paths: string[], flags: AnalyzeFlags) => {
      const renderer = RENDERERS.find((r) => r.name === spec.format) ?? chosenRenderer(RENDERERS, flags);
      const output = flags.output ?? spec.defaultOutput?.(paths);
      const { checkReportOutput } = await import('../output.ts');
      checkReportOutput(output);
      const { openBundle } = await import('../../views/open.ts');
      const { separateClusters, filesByCluster } = await import('../../bundle/cluster-identity.ts');
      const { severityAtLeast } = await import('../../vocab/severity.ts');
      const { StatusLine } = await import('../status-line.ts');
      // The analysis's modules load while DuckDB opens the bundle in threads of its own (a failure
      // to load them is said where they are imported, in analyzeAndRender).
      import('../../analyze/run.ts').catch(() => {});
      const bundle = await openBundle(paths);
      let clusters: string[] | null;
      let clusterFiles: Map<string, string[]>;
      try {
        if (output !== undefined) refuseToOverwriteInput(output, bundle.files);
        clusters = separateClusters(bundle.files, flags.merge === true);
        clusterFiles = filesByCluster(bundle.files);
      } catch (error) {
        bundle.close();
        throw error;
      }
      const { joinsClusters, joinClusterReports } = await import('../../report/cluster-reports.ts');
      if (clusters !== null && !joinsClusters(renderer.name)) {
        bundle.close();
        throw new KstoryError(
          `these bundles are of ${clusters.length} different clusters (${clusters.join(', ')}), and a ${renderer.name} report is of one`,
          {
            hint: 'Make one report per cluster from its own bundles, or pass --merge to read them all as one.',
          },
        );
      }
      const status = new StatusLine(flags.progress !== false);
      const run: AnalysisRun = { paths, renderer, output, flags, status };
      let reports: { cluster: string | null; report: Report; rendered: string | Uint8Array }[];
      let rendered: string | Uint8Array;
      try {
        try {
          if (clusters === null)
            reports = [{ cluster: null, ...(await analyzeAndRender(bundle, {}, paths, run)) }];
          else {
            bundle.close();
            reports = [];
            for (const cluster of clusters) {
              status.set(`analysing cluster ${cluster}`);
              const own = await openBundle(paths, { cluster });
              const files = clusterFiles.get(cluster) ?? [];
              reports.push({ cluster, ...(await analyzeAndRender(own, { cluster }, files, run)) });
            }
          }
        } finally {
          status.done();
        }
        rendered =
          clusters === null
            ? reports[0]!.rendered
            : joinClusterReports(
                renderer.name,
                reports.map((r) => ({
                  cluster: r.cluster!,
                  files: clusterFiles.get(r.cluster!) ?? [],
                  rendered:
                    typeof r.rendered === 'string' ? r.rendered : Buffer.from(r.rendered).toString('utf8'),
                })),
              );
        const { writeRendered } = await import('../output.ts');
        writeRendered(rendered, output);
      } finally {
        // Closed once the report is out: freeing the working set of a large bundle is a moment
        // (about 0.05 CPU-seconds at a million records) the reader need not wait for.
        if (clusters === null) bundle.close();
      }
      if (output !== undefined && flags.output === undefined) {
        const { formatBytes } = await import('../../vocab/units.ts');
        process.stderr.write(`wrote ${output} (${formatBytes(Buffer.byteLength(rendered))})\n`);
      }
      const failOn = flags.failOn;
      const incidents = reports.flatMap((r) => r.report.incidents);
      if (failOn && incidents.some((i) => severityAtLeast(i.severity, failOn))) process.exitCode = 1;
      // Not an all-clear: a script reading the exit code must not take it for one.
      const empty = reports.filter((r) => r.report.coverage.nothing_to_analyze);
      if (empty.length > 0) {
        if (output !== undefined || renderer.name !== 'text' || clusters !== null) {
          const which =
            clusters === null
              ? 'the bundle holds'
              : `cluster ${empty.map((r) => escapeControl(r.cluster!)).join(', ')} holds`;
          process.stderr.write(
            `kstory: nothing to analyze: ${which} no objects, events, audit entries, logs or metrics in the window\n`,
          );
        }
        process.exitCode = 2;
      }
    });
}

/** What one analysis of a command needs besides its bundle. */
interface AnalysisRun {
  paths: string[];
  renderer: (typeof RENDERERS)[number];
  output: string | undefined;
  flags: AnalyzeFlags;
  status: { set(text: string): void; done(): void };
}

/**
 * Analyse one bundle (all the files, or one cluster's) and render it; the bundle is closed after.
 * Damage DuckDB finds while reading is read around: the damaged row groups are found and left out,
 * and the report says what was.
 */
async function analyzeAndRender(
  opened: Bundle,
  openOptions: OpenOptions,
  bundleArgs: readonly string[],
  { paths, renderer, output, flags, status }: AnalysisRun,
): Promise<{ report: Report; rendered: string | Uint8Array }> {
  const { analyzeBundle } = await import('../../analyze/run.ts');
  const { openBundle } = await import('../../views/open.ts');
  const options = {
    onProgress: (stage: string) => status.set(stage),
    since: flags.since,
    until: flags.until,
    namespaces: flags.namespace,
    kinds: flags.kind,
    subject: flags.subject,
    selector: flags.selector,
    all: flags.all,
    // One cluster's files, or files read as one because the user asked for it or they are of one.
    merge: true,
    // What the commands remediation suggests name: the bundles of this analysis.
    bundleArgs: [...bundleArgs],
    only: flags.only,
    skip: flags.skip,
    patternDirs: flags.patterns,
    minConfidence: flags.minConfidence,
    top: flags.top,
  };
  let bundle = opened;
  try {
    let report: Report;
    try {
      report = await analyzeBundle(bundle, options);
    } catch (error) {
      // Named by the files read when its message names none.
      const { damagedFileError } = await import('../../errors.ts');
      const damaged = damagedFileError(
        error,
        bundle.files.map((f) => f.path),
      );
      if (!damaged) throw error;
      status.set('finding the damaged parts of the bundle');
      const { verifyBundle } = await import('../../bundle/verify.ts');
      const verification = await verifyBundle(bundle.files);
      if (verification.damaged.length === 0) throw damaged;
      bundle.close();
      bundle = await openBundle(paths, { ...openOptions, leaveOut: verification.damaged });
      const lost = verification.damaged.reduce((n, part) => n + part.rows, 0);
      status.done();
      process.stderr.write(
        `kstory: warning: ${escapeControl(damaged.message)}: its ${lost} damaged rows are left out and the analysis is partial\n`,
      );
      report = await analyzeBundle(bundle, options);
    }
    let timeline: Timeline | undefined;
    if (renderer.timeline) {
      const { buildTimeline } = await import('../../analyze/timeline/build.ts');
      const { focusOf } = await import('../../analyze/timeline/scope.ts');
      // The lanes keep to what the report is about, narrowed as its incidents are.
      const scope = {
        namespaces: flags.namespace,
        kinds: flags.kind,
        selector: flags.selector,
        subject: flags.subject,
      };
      timeline = await buildTimeline(bundle, report.window, {
        focus: focusOf(report.findings, scope),
        ...scope,
        onProgress: (stage) => status.set(stage),
      });
    }
    status.done();
    const { renderContextFor } = await import('../output.ts');
    const context = renderContextFor(renderer, output, { explain: flags.explain });
    return { report, rendered: renderer.render(report, timeline ? { ...context, timeline } : context) };
  } finally {
    bundle.close();
  }
}
