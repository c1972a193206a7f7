// Training labels made from incidents: the contract `kstory labels` writes in every format, and
// docs/labels.schema.json is generated from (`npm run docs`). Every label is validated against it
// before it is written; one that fails is reported and left out.

import { z } from 'zod';

export const LABEL_SCHEMA = 'kstory.label/v1';

export const LABEL_TYPES = ['troubleshooting', 'resource_optimisation', 'incident_summary'] as const;
export type LabelType = (typeof LABEL_TYPES)[number];

const time = (description: string) =>
  z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'expected an RFC 3339 time in UTC')
    .meta({ format: 'date-time', description });

const score = (description: string) => z.number().min(0).max(1).describe(description);

export const QualitySchema = z
  .strictObject({
    completeness: score('share of the parts a label of its type should have that it has'),
    consistency: score('the chain is in time order and each effect is explained by a link from its cause'),
    evidence: score('how many bundle rows, and of how many kinds of source, back the label'),
    overall: score('weighted: see docs/labels.md'),
    band: z.enum(['high', 'medium', 'low']).describe('overall ≥ 0.75 high, ≥ 0.5 medium, else low'),
  })
  .describe('how far the label can be trusted for training; the formula is in docs/labels.md');
export type Quality = z.infer<typeof QualitySchema>;

export const RelationshipSchema = z.strictObject({
  type: z.enum(['same_incident', 'caused_by']),
  target: z.string().describe('the id of the other label'),
});
export type Relationship = z.infer<typeof RelationshipSchema>;

export const SourceSchema = z
  .strictObject({
    bundle: z.string().describe('the bundle file name (no directory)'),
    digest: z.string().describe('sha256 of the bundle files, hex: the same bundle gives the same ids'),
    producer: z.string().describe('what wrote the bundle: record, import, simulate'),
    scenario: z.string().nullable().describe('the simulated scenario, null for recorded or imported data'),
    seed: z.number().int().nullable().describe('the simulation seed, null for recorded or imported data'),
  })
  .describe('where the label comes from');

export const EvidenceSchema = z.strictObject({
  source: z.string().describe('the bundle rows it comes from: object, event, audit, log or metric'),
  time: time('when the row was observed'),
  subject: z.string().describe('what the row is about, e.g. shop/Pod cart-1, container app'),
  signal: z.string().describe('the pattern signal the row matched'),
  pattern: z.string().describe('the pattern of the finding it backs'),
  excerpt: z.string().describe('the row as one line, credentials redacted'),
});

export const ManifestSchema = z
  .record(z.string(), z.unknown())
  .describe('an object as last seen in the window: metadata, spec and status without their noise');

export const ContextSchema = z.strictObject({
  cluster: z.string().nullable(),
  server_version: z.string().nullable(),
  window: z.strictObject({ start: time('start of the analysed window'), end: time('its end') }),
  namespaces: z.array(z.string()),
  objects: z.array(ManifestSchema).describe('the objects the incident involves, compact and redacted'),
});

export const FindingRefSchema = z.strictObject({
  pattern: z.string().describe('the pattern id of the catalogue'),
  title: z.string(),
  subject: z.string(),
  severity: z.string(),
  first: time('when it was first seen'),
  last: time('when it was last seen'),
  summary: z.string(),
});

export const ChainStepSchema = FindingRefSchema.extend({
  step: z.number().int().min(1),
  caused_by: z
    .number()
    .int()
    .min(1)
    .nullable()
    .describe('the step that explains this one; null for the root'),
  link: z
    .strictObject({ id: z.string(), description: z.string(), strength: score('how strong the link is') })
    .nullable(),
});

export const CommandStepSchema = z.strictObject({
  order: z.number().int().min(1),
  action: z.string(),
  commands: z.array(z.string()).describe('kubectl commands for the step, to run against the cluster'),
});

export const ResolutionSchema = z.strictObject({
  steps: z.array(CommandStepSchema).describe('the action plan, in order'),
  verification: z.array(
    z.strictObject({ check: z.string(), command: z.string().describe('a kubectl command that shows it') }),
  ),
});

const common = {
  schema: z.literal(LABEL_SCHEMA),
  id: z
    .string()
    .regex(/^[a-z]{2}-[0-9a-f]{16}$/)
    .describe('stable: a hash of the bundle and what the label is about'),
  source: SourceSchema,
  quality: QualitySchema,
  relationships: z.array(RelationshipSchema),
};

export const TroubleshootingLabelSchema = z
  .strictObject({
    ...common,
    type: z.literal('troubleshooting'),
    question: z.string().describe('what an on-call engineer would ask, from the symptoms'),
    questions: z.array(z.string()).min(1).describe('the question in several phrasings (--questions)'),
    scenario: z.string().describe('what the on-call engineer sees, without naming the cause'),
    context: ContextSchema,
    problem: z.string().describe('the symptoms and their impact'),
    root_cause: FindingRefSchema.extend({
      detail: z.string().nullable(),
      confidence: score('the incident’s confidence'),
    }),
    chain: z
      .array(ChainStepSchema)
      .min(1)
      .describe('root cause first, each step with the one that explains it'),
    resolution: ResolutionSchema,
    evidence: z.array(EvidenceSchema),
    severity: z.string(),
  })
  .meta({ title: 'Troubleshooting label' });
export type TroubleshootingLabel = z.infer<typeof TroubleshootingLabelSchema>;

const quantity = (what: string) =>
  z
    .string()
    .nullable()
    .describe(`${what} as users write it (250m, 384Mi); null when not set or not suggested`);
const stat = (what: string) => z.number().nullable().describe(`${what}; null without samples`);

export const ResourceLabelSchema = z
  .strictObject({
    ...common,
    type: z.literal('resource_optimisation'),
    question: z.string(),
    workload: z.strictObject({
      namespace: z.string().nullable(),
      kind: z.string().describe('Deployment, StatefulSet, DaemonSet, Job...; Pod for a pod nothing owns'),
      name: z.string(),
      container: z.string(),
    }),
    window: z.strictObject({ start: time('start of the analysed window'), end: time('its end') }),
    samples: z
      .strictObject({
        cpu: z.number().int().min(0).describe('CPU usage rates (between successive counter samples)'),
        memory: z.number().int().min(0).describe('working-set samples'),
        pods: z.number().int().min(1).describe('distinct pods of the workload sampled'),
        first: z.string().nullable().describe('first sample, RFC 3339'),
        last: z.string().nullable().describe('last sample, RFC 3339'),
      })
      .describe('what the statistics stand on; a suggestion needs 10 samples'),
    current: z.strictObject({
      cpu_request: quantity('the CPU request'),
      cpu_limit: quantity('the CPU limit'),
      memory_request: quantity('the memory request'),
      memory_limit: quantity('the memory limit'),
    }),
    cpu: z.strictObject({
      p50_m: stat('median usage, millicores'),
      p95_m: stat('95th percentile usage, millicores'),
      max_m: stat('highest usage, millicores'),
      throttled_share: stat('share of CFS periods throttled'),
      throttled_max: stat('the worst interval’s share of throttled periods'),
    }),
    memory: z.strictObject({
      p50_bytes: stat('median working set, bytes'),
      p95_bytes: stat('95th percentile working set, bytes'),
      max_bytes: stat('peak working set, bytes'),
      oom_kills: z.number().int().min(0).describe('OOM kills seen in the window'),
    }),
    suggestion: z.strictObject({
      cpu_request: quantity('suggested CPU request'),
      cpu_limit: quantity('suggested CPU limit'),
      memory_request: quantity('suggested memory request'),
      memory_limit: quantity('suggested memory limit'),
    }),
    rationale: z.array(z.string()).describe('why each suggested value, with the samples it stands on'),
    impact: z.strictObject({
      summary: z.string(),
      cpu_request_delta_m: stat('change of the CPU request per pod, millicores'),
      memory_request_delta_bytes: stat('change of the memory request per pod, bytes'),
    }),
    command: z.string().nullable().describe('a kubectl command that applies the suggestion'),
  })
  .meta({ title: 'Resource-optimisation label' });
export type ResourceLabel = z.infer<typeof ResourceLabelSchema>;

export const IncidentSummaryLabelSchema = z
  .strictObject({
    ...common,
    type: z.literal('incident_summary'),
    title: z.string().describe('the incident: its root and the effects that carry the chain'),
    severity: z.string(),
    confidence: score('the incident’s confidence'),
    summary: z.string().describe('a postmortem paragraph: what happened, when, for how long, why'),
    timeline: z
      .array(z.strictObject({ time: time('when'), event: z.string(), subject: z.string() }))
      .describe('each finding’s start and, where it cleared, its end, in time order'),
    impact: z.strictObject({
      pods: z.array(z.string()),
      workloads: z.array(z.string()),
      workloads_from_names: z
        .array(z.string())
        .describe('of `workloads`, those only the pods’ generated names tell: inferred, not recorded'),
      services: z.array(z.string()),
      nodes: z.array(z.string()),
      start: time('when the impact began'),
      end: time('when it ended, or the end of the window'),
      duration_seconds: z.number().min(0),
    }),
    root_cause: z.string(),
    actions: z.array(z.string()).describe('what to do, in order: the remediation of the chain'),
  })
  .meta({ title: 'Incident-summary label' });
export type IncidentSummaryLabel = z.infer<typeof IncidentSummaryLabelSchema>;

export const LabelSchema = z
  .discriminatedUnion('type', [TroubleshootingLabelSchema, ResourceLabelSchema, IncidentSummaryLabelSchema])
  .meta({ title: 'kstory label', description: 'A training label written by kstory labels.' });
export type Label = z.infer<typeof LabelSchema>;

/** The JSON Schema of one label, for docs/labels.schema.json. */
export function labelJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://kstory.dev/schemas/labels.schema.json',
    ...z.toJSONSchema(LabelSchema, { target: 'draft-2020-12', io: 'output' }),
  };
}
