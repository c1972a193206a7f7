// The report contract: what `kstory analyze` returns and `--format json` prints, as a zod schema
// with one key style (snake_case, as the bundle's columns). The core builds a Report; tests check
// it against the schema; docs/report-format.md is generated from it (`npm run docs`).

import { z } from 'zod';
import { GapSchema } from '../bundle/metadata.ts';
import type { Subject } from '../vocab/object-ref.ts';
import { SeveritySchema } from '../vocab/severity.ts';
import type { Features } from './calibration.ts';

export const REPORT_SCHEMA = 'kstory.report/v2';

/** Every time in a report: RFC 3339 in UTC, as `2026-03-02T09:10:00.009000Z`. Its metadata is
 * JSON Schema's own (`format: date-time`), since the JSON Schema of the report carries it as it is. */
const time = (description?: string) =>
  z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'expected an RFC 3339 time in UTC')
    .meta({ format: 'date-time', ...(description === undefined ? {} : { description }) });

const index = (description: string) => z.number().int().nonnegative().describe(description);
const confidence = (description: string) => z.number().min(0).max(1).describe(description);

export const SubjectSchema = z
  .strictObject({
    namespace: z.string().nullable().describe('null for a cluster-scoped object'),
    kind: z.string(),
    name: z.string(),
    container: z.string().nullable().describe('the container, for patterns about one; else null'),
  })
  .describe('what the finding is about') satisfies z.ZodType<Subject>;

export const SignalHitSchema = z.strictObject({
  first: time(),
  last: time(),
  occurrences: z.number().int().nonnegative(),
  value: z.number().nullable(),
  text: z.string().nullable(),
});
export type SignalHit = z.infer<typeof SignalHitSchema>;

export const EvidenceSchema = z.strictObject({
  ts: time(),
  source: z.string(),
  signal: z.string(),
  excerpt: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** What detection finds: one pattern's problem on one subject. */
export const FindingSchema = z.strictObject({
  pattern: z.string().describe('the id of the pattern that found it'),
  title: z.string().describe('the title of the pattern, or of its variant when one matched'),
  severity: SeveritySchema.describe("the pattern's severity"),
  status: z.enum(['experimental', 'stable']).describe("the pattern's status"),
  subject: SubjectSchema,
  first: time('when its signals were first seen'),
  last: time('when its signals were last seen'),
  variant: z.string().nullable().describe('the first variant whose condition held, else null'),
  signals: z
    .record(z.string(), SignalHitSchema)
    .describe(
      'the signals that matched, by name; `value` is what the signal measured (null when it measures nothing), `text` the newest matching row as an excerpt',
    ),
  confidence: confidence('how sure the pattern is, in [0, 1]'),
  confidence_reasons: z
    .array(z.string())
    .describe("how the confidence was reached: the pattern's base, then what raised or lowered it"),
  summary: z.string().describe('the narrative, placeholders filled'),
  detail: z.string().nullable().describe('more of the narrative, when the pattern has it'),
  remediation: z.array(z.string()).describe('what to do, the variant’s steps first'),
  references: z.array(z.string()).describe('links to documentation'),
  evidence: z.array(EvidenceSchema).describe('the rows that show it, oldest first, a few per signal'),
  resolved: time()
    .nullable()
    .describe('when the problem cleared by itself (the pattern’s `resolved` condition held), else null'),
});
export type Finding = z.infer<typeof FindingSchema>;

/** An alert that fired in the window, about the object its labels name. */
export const ReportAlertSchema = z
  .strictObject({
    alertname: z.string(),
    severity: z.string().nullable().describe('its `severity` label'),
    subject: SubjectSchema.nullable().describe(
      'the object its labels name (patterns/vocabulary/labels.yaml: a pod, a workload, a claim, a node, a namespace…), null when they name none',
    ),
    first: time('its first firing sample in the window'),
    last: time('its last firing sample in the window'),
    samples: z.number().int().positive().describe('its firing samples in the window'),
  })
  .meta({ title: 'Alert' });
export type ReportAlert = z.infer<typeof ReportAlertSchema>;

export const ReportTroubleSchema = z
  .strictObject({
    source: z
      .enum(['event', 'object', 'log'])
      .describe('a Warning event, the state an object was last seen in, or a container’s log lines'),
    reason: z
      .string()
      .describe(
        'the Event’s reason; a container’s waiting reason or terminated state; the STATUS a kubectl table printed; a condition as `Type=Status (Reason)`; `LoggedErrors`, lines a container logged at an error level or in error words (the first quoted); `Restarted`, a previous instance’s log of a pod whose state the bundle lacks, unless that instance said it stopped on a signal and shut down cleanly, no error logged after',
      ),
    subject: SubjectSchema.describe('the object it is about (the container, when one is named)'),
    count: z
      .number()
      .int()
      .positive()
      .describe('how often: the Events’ counts, the containers so, or the error lines'),
    first: time('when it was first seen'),
    last: time('when it was last seen'),
    message: z.string().nullable().describe('the last message said with it'),
  })
  .meta({ title: 'Trouble' });
export type ReportTrouble = z.infer<typeof ReportTroubleSchema>;

export const ReportFindingSchema = FindingSchema.extend({
  id: index('its index in `findings`'),
  owner: z
    .string()
    .nullable()
    .describe(
      'the controller at the top of the subject’s ownership (`Deployment shop/checkout` for one of its pods), null when nothing owns it: how to group pod findings by workload',
    ),
  incident: z
    .number()
    .int()
    .positive()
    .nullable()
    .describe('rank of its incident; null for context (a change that explains nothing)'),
}).meta({ title: 'Finding' });
export type ReportFinding = z.infer<typeof ReportFindingSchema>;

export const ChainStepSchema = z.strictObject({
  finding: z.number().int().nonnegative(),
  via: z
    .strictObject({
      from: z.number().int().nonnegative(),
      link: z.string(),
      description: z.string(),
      strength: z.number(),
    })
    .nullable(),
});
export type ChainStep = z.infer<typeof ChainStepSchema>;

export const ImpactSchema = z
  .strictObject({
    pods: z.array(z.string()).describe('pods affected, `namespace/name`'),
    workloads: z
      .array(z.string())
      .describe('workloads affected or owning the pods affected, `Kind namespace/name`'),
    workloads_from_names: z
      .array(z.string())
      .describe(
        'of `workloads`, those only the pods’ generated names tell (the bundle holds no object of the pods, and no Event of their controller says it made them): inferred, `Kind namespace/name`',
      ),
    services: z
      .array(z.string())
      .describe('Services affected or selecting the pods affected, `namespace/name`'),
    nodes: z.array(z.string()).describe('nodes affected'),
    start: time('when the first of its findings began'),
    end: time('when the last sign of any of them was seen'),
    duration_seconds: z.number().nonnegative().describe('from `start` to `end`'),
  })
  .meta({ title: 'Impact', description: 'What an incident affected, and for how long.' });
export type Impact = z.infer<typeof ImpactSchema>;

export const AlternativeSchema = z.strictObject({
  finding: z.number().int().nonnegative(),
  explains: z.number().int().nonnegative(),
  link: z.string(),
  confidence: z.number().min(0).max(1),
  why: z.string().describe('why it ranks below the cause the chain holds'),
});
export type Alternative = z.infer<typeof AlternativeSchema>;

export const FeaturesSchema = z
  .strictObject({
    evidence: z.number().describe('log-odds of the evidence score'),
    corroboration: z.number().describe('log2(1 + corroborating effects)'),
    severity: z.number().describe('0 (info) to 4 (critical)'),
    snapshot: z
      .number()
      .describe(
        '1 when the bundle holds no history of its objects’ states (a snapshot, or no object at all: audit entries, logs or alerts alone), else 0',
      ),
    coverage: z
      .number()
      .describe(
        'the share of the six kinds of evidence the bundle holds: objects, Events, audit entries, logs, metrics, and the history of the objects’ states (1 for a recording of them all, 2/6 for a dump of objects and Events)',
      ),
  })
  .describe(
    'what the calibration model read: log-odds of the evidence score, log2(1 + corroborating effects), severity 0 (info) to 4 (critical), 1 without the history of the objects’ states, the share of the kinds of evidence the bundle holds',
  ) satisfies z.ZodType<Features>;

/** A causal chain: a root cause (a finding nothing else explains) and the findings it explains. */
export const ReportIncidentSchema = z
  .strictObject({
    rank: z.number().int().positive().describe('1 = most important'),
    score: z
      .number()
      .nonnegative()
      .describe(
        'what ranks incidents: severity (info 1 … critical 5; an effect’s × how surely the root explains it, when more) × the root’s own confidence × (1 + log2(1 + affected objects, each counted by how surely the root explains it)); see “How incidents are ranked”',
      ),
    title: z.string().describe('the titles of its findings, root first, joined by ` → `'),
    severity: SeveritySchema.describe('the highest severity among its findings'),
    confidence: confidence(
      'the probability that the root cause is right: the evidence score (root confidence × geometric mean of (link strength × effect confidence)), the corroborating effects, the severity, whether the bundle lacks the history of its objects’ states (a snapshot, or no object at all) and the share of the kinds of evidence it holds, through the calibration model fitted by `npm run calibrate` (docs/accuracy.md)',
    ),
    confidence_reasons: z
      .array(z.string())
      .describe(
        'how the confidence was reached, step by step; the last, the calibrated figure, names the evidence a bundle without its objects’ history holds (`snapshot: objects+Events`, `audit only`) and the coverage of one that lacks some (`coverage 2/6`)',
      ),
    confidence_features: FeaturesSchema,
    root: index('the root cause: an index into `findings`'),
    chain: z
      .array(ChainStepSchema)
      .describe(
        'root first, then effects in time order; `via` is the link from the finding that explains it (`from`), null for the root',
      ),
    impact: ImpactSchema,
    alternatives: z
      .array(AlternativeSchema)
      .describe(
        'other findings that could explain part of the incident (`explains`), with their own, lower confidence and why they rank lower',
      ),
    remediation: z.array(z.string()).describe('steps from the root cause first, then from its effects'),
    alerts: z
      .array(ReportAlertSchema)
      .describe(
        'alerts that fired about its findings’ subjects (the same objects, their workloads’ pods, the claims they use): corroborating evidence, each alert name counted with the effects in the confidence',
      ),
  })
  .meta({ title: 'Incident' });
export type ReportIncident = z.infer<typeof ReportIncidentSchema>;

/** Changes in the window that explain no failure, the same change to several objects as one. */
export const ReportChangeSchema = z
  .strictObject({
    summary: z
      .string()
      .describe(
        'what changed, in words: the finding’s own summary, or for several objects “alice deleted 12 Pods of Deployment shop/checkout: deleted, between … and …”',
      ),
    pattern: z.string().describe('the pattern that found the change'),
    kind: z.string().describe('the kind of the objects changed'),
    namespace: z.string().nullable().describe('their namespace; null for cluster-scoped objects'),
    owner: z
      .string()
      .nullable()
      .describe('the controller at the top of their ownership (`Deployment shop/checkout`), null when none'),
    objects: z.array(z.string()).describe('the names of the objects changed, sorted'),
    first: time('when the first of them changed'),
    last: time('when the last of them changed'),
    findings: z
      .array(z.number().int().nonnegative())
      .describe('the findings grouped: indexes into `findings`, each with `incident` null'),
  })
  .meta({ title: 'Change' });
export type ReportChange = z.infer<typeof ReportChangeSchema>;

/** The sources patterns read, in the order a reader is told about them. */
export const ANALYSED_SOURCES = ['object', 'event', 'audit', 'log', 'metric'] as const;

const count = (description: string) => z.number().int().nonnegative().describe(description);

export const SourceCoverageSchema = z.strictObject({
  source: z.enum(ANALYSED_SOURCES),
  rows: count('its rows in the bundle'),
  in_window: count(
    'the rows the window sees: objects, every version up to its end (a snapshot keeps the times they last changed); the others, those within it',
  ),
  first: time().nullable(),
  last: time().nullable(),
});
export type SourceCoverage = z.infer<typeof SourceCoverageSchema>;

/** What an analysis looked at: "no incidents" means something only beside it. */
export const CoverageSchema = z.strictObject({
  sources: z
    .array(SourceCoverageSchema)
    .describe(
      'what the analysis looked at: for each of `object`, `event`, `audit`, `log`, `metric`, its rows in the bundle, those the window sees (objects: every version up to the window’s end; the others: within it) and the times of the first and last',
    ),
  nothing_to_analyze: z
    .boolean()
    .describe(
      'true when the window holds no row of any source: the report says "nothing to analyze", never "no incidents", and `kstory analyze` exits 2',
    ),
  skipped: z
    .record(z.string(), z.number().int().nonnegative())
    .describe('files the import skipped, by reason, over every input'),
  damaged: count('damaged lines or documents the import skipped, over every input'),
  unread_metrics: z
    .strictObject({ rows: count('samples'), names: count('metric names'), examples: z.array(z.string()) })
    .describe(
      'metric samples in the window whose name no pattern or view reads (a Prometheus expression’s result, a metric no pattern knows): kept in the bundle, judged by nothing; `examples` are the names with the most samples',
    ),
  derived_from_text: z
    .record(z.string(), z.number().int().nonnegative())
    .describe(
      'objects and events an import rebuilt from kubectl text (`kubectl describe`, `kubectl get` tables; the `kstory.dev/derived-from` annotation), by the text they came from: they hold only the fields the text shows',
    ),
  from_audit: count(
    'object versions an import rebuilt from an audit log’s writes (the `kstory.dev/from-audit` annotation): the versions some write left, not the history of states a recording holds, so the bundle’s evidence situation counts them as audit, not as objects',
  ),
});
export type Coverage = z.infer<typeof CoverageSchema>;

export const ReportSchema = z
  .strictObject({
    schema: z.literal(REPORT_SCHEMA).describe('the version of this contract'),
    tool_version: z.string().describe('the kstory version that wrote the report'),
    bundle: z.strictObject({
      files: z.array(z.string()).describe('the bundle files analysed together'),
      producer: z.string().describe('`record`, `import`, `simulate`, … (several joined with `+`)'),
      cluster: z
        .strictObject({ name: z.string().nullable(), server_version: z.string().nullable() })
        .describe('when known'),
      snapshot: z.boolean().describe('true when the bundle has no watch history: timelines are partial'),
      gaps: z.array(GapSchema).describe('where the recording may be incomplete'),
      partial: z
        .array(z.string())
        .describe(
          'why the bundle holds less than what happened (rebuilt by `bundle repair`, a spool read as it is, import inputs cut short by damage or unreadable): the analysis is partial; empty otherwise',
        ),
    }),
    window: z
      .strictObject({ start: time(), end: time() })
      .describe('the analysed period (after `--since` / `--until`)'),
    coverage: CoverageSchema,
    patterns: z.strictObject({
      loaded: z.number().int().nonnegative().describe('how many patterns ran'),
      run: z.array(z.string()).describe('the ids of the patterns that ran'),
    }),
    incidents: z.array(ReportIncidentSchema).describe('most important first'),
    findings: z.array(ReportFindingSchema).describe('every finding; incidents refer to them by index'),
    unexplained_alerts: z
      .array(ReportAlertSchema)
      .describe(
        'alerts that fired in the window about nothing any finding is about (or about no object at all): something no pattern recognises may be wrong there; heartbeat alerts (Watchdog, InfoInhibitor) left out',
      ),
    changes: z
      .array(ReportChangeSchema)
      .describe(
        'changes in the window that explain no failure (findings at severity info outside every incident), one per pattern, author and wording, kind and owner: the pods of a Deployment someone deleted are one; in time order',
      ),
    unexplained_trouble: z
      .array(ReportTroubleSchema)
      .describe(
        'signs of trouble the bundle shows outright (Warning events, containers waiting or failed, a failing STATUS a kubectl table printed, an error kubectl printed, conditions saying not ready, not available or failed, a Service whose endpoints are all not ready, a LoadBalancer Service still without an address 15 minutes after its creation, a node tainted unreachable or not-ready by the node lifecycle controller whose conditions were not kept (a describe cut short), a workload without conditions short of ready pods, a namespace stuck deleting, lines a container logged as errors, a restart only its logs show) about nothing any finding is about: no pattern judged them, so the report gives no all-clear beside them; most repeated first',
      ),
    transient: z
      .number()
      .int()
      .nonnegative()
      .describe(
        'incidents left out because they cleared by themselves within minutes of their subject’s start, with no recorded cause (`--all` reports them)',
      ),
    omitted: z
      .number()
      .int()
      .nonnegative()
      .describe('incidents left out by the filters, `--min-confidence` or `--top`'),
  })
  .meta({ title: 'Report' });
export type Report = z.infer<typeof ReportSchema>;

/** The JSON Schema of the report, for docs/report.schema.json: what a reader's tool validates against. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://kstory.dev/schemas/report.schema.json',
    ...z.toJSONSchema(ReportSchema, { target: 'draft-2020-12', io: 'output' }),
  };
}
