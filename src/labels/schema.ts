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

export const LabelSchema = z
  .discriminatedUnion('type', [TroubleshootingLabelSchema])
  .meta({ title: 'kstory label', description: 'A training label written by kstory labels.' });
export type Label = z.infer<typeof LabelSchema>;

/** The JSON Schema of one label, for docs/labels.schema.json. */
export function labelJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://kstory.dev/schemas/labels.schema.json',
    ...z.toJSONSchema(LabelSchema, { target: 'draft-2020-12', io: 'output' }),
  };
}
