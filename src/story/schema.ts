// The resource story document: one resource's lifecycle and everything correlated to it, as one
// JSON document for offline debugging and for other tools. A zod schema, the contract that
// `kstory story` writes and docs/story.schema.json is generated from (`npm run docs`).

import { z } from 'zod';

export const STORY_SCHEMA = 'kstory.story/v1';

/** Every time in a story: RFC 3339 in UTC with millisecond precision. */
const time = (description?: string) =>
  z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'expected an RFC 3339 time in UTC, milliseconds')
    .meta({ format: 'date-time', ...(description === undefined ? {} : { description }) });

export const EVENT_TYPES = [
  'RESOURCE_CREATED',
  'RESOURCE_UPDATE',
  'RESOURCE_DELETED',
  'POD_STARTING',
  'POD_TERMINATING',
  'CONTAINER_STARTED',
  'CONTAINER_TERMINATED',
  'K8S_EVENT',
  'AUDIT',
  'CONTAINER_LOG',
  'FINDING',
  'GAP',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** How a resource is tied to the root; `via` names the resource it was reached from. */
export const RELATIONS = {
  root: 'the resource the story is about',
  owned: 'owned by `via` (ownerReferences, followed down from the root)',
  replaces: 'a pod that replaced `via`, owned by the same controller in the same role',
  selected: 'a pod the root (a Service, a PodDisruptionBudget) selects by its label selector',
  selects: 'selects `via`, a pod of the story, by its label selector (a Service, a PodDisruptionBudget)',
  uses: 'used by `via`: a ConfigMap, Secret, PersistentVolumeClaim or ServiceAccount a pod refers to, or the PersistentVolume or StorageClass of a claim',
  refers:
    'names `via` in its spec: an autoscaler targeting a workload of the story, an Ingress routing to its Service, a pod using its Secret',
  node: 'the Node `via`, a pod of the story, ran on',
  manages: 'manages `via`: an Argo CD Application that lists it among its resources',
  constrains:
    'a ResourceQuota or LimitRange of the namespace `via` runs in: it decides whether pods can be created',
  mentioned: 'named by an Event about `via`: the admission webhook that refused or failed a request',
  affected:
    'the subject of a finding that a finding of the story explains (its incident’s chain, link in `detail`); only that finding is told of it',
} as const;
export type Relation = keyof typeof RELATIONS;

export const ResourceRefSchema = z.strictObject({
  kind: z.string(),
  namespace: z.string().nullable().describe('null for a cluster-scoped object'),
  name: z.string(),
  uid: z.string().nullable().describe('null when the records never said it'),
});
export type ResourceRef = z.infer<typeof ResourceRefSchema>;

/** Records of resources with these relations, shared with other stories, count only within the window. */
export const CONTEXT_RELATIONS: ReadonlySet<Relation> = new Set([
  'node',
  'selects',
  'uses',
  'refers',
  'manages',
  'constrains',
  'mentioned',
  'affected',
]);

export const StoryResourceSchema = ResourceRefSchema.extend({
  api_version: z.string().nullable(),
  relation: z.enum(Object.keys(RELATIONS) as [Relation, ...Relation[]]).describe(
    `${Object.entries(RELATIONS)
      .map(([name, doc]) => `\`${name}\`: ${doc}`)
      .join(
        '; ',
      )}. Records of ${[...CONTEXT_RELATIONS].map((r) => `\`${r}\``).join(', ')} resources, shared with other stories, count only within the story's window.`,
  ),
  detail: z
    .string()
    .nullable()
    .describe('how, in a few words: `volume`, `envFrom`, `selector app=checkout`…'),
  via: ResourceRefSchema.nullable().describe('the resource this one was reached from; null for the root'),
  replaces: ResourceRefSchema.nullable().describe(
    'for a pod: the pod of the same controller and role it replaced',
  ),
}).meta({ title: 'Resource' });
export type StoryResource = z.infer<typeof StoryResourceSchema>;

export const FieldChangeSchema = z.strictObject({
  path: z.string().describe('JSON path of the field, e.g. `spec.replicas`, `data.LOG_LEVEL`'),
  old: z.unknown().optional().describe('the value before; absent when the field was added'),
  new: z.unknown().optional().describe('the value after; absent when the field was removed'),
});
export type FieldChange = z.infer<typeof FieldChangeSchema>;

export const StoryEventSchema = z
  .strictObject({
    timestamp: time(),
    correlation_id: z.string().describe('the story’s correlation_id'),
    event_type: z.enum(EVENT_TYPES),
    source_component: z
      .string()
      .describe(
        'who emitted it: the Event’s reporting component, the audit entry’s user, `kubelet` for container and pod states, the container for a log line, `kstory` for findings and gaps, `api-server` for object versions',
      ),
    namespace: z.string().nullable(),
    resource: ResourceRefSchema.nullable().describe('the resource it is about; null for a gap'),
    summary: z.string().describe('one line saying what happened'),
    changes: z
      .array(FieldChangeSchema)
      .optional()
      .describe('RESOURCE_UPDATE: the fields that changed since the previous version, status and spec alike'),
    changes_omitted: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('changed fields left out of `changes`'),
    data: z
      .unknown()
      .describe(
        'the full payload as the bundle holds it, credentials already redacted: the object version, the Event, the audit entry, the log line, the finding, the container state',
      ),
  })
  .meta({ title: 'Event' });
export type StoryEvent = z.infer<typeof StoryEventSchema>;

export const TERMINATIONS = {
  completed: 'a Job completed, or a bare Pod succeeded',
  failed: 'a Job failed, or a bare Pod failed',
  deleted: 'the root was deleted',
  ready: 'the root (a custom resource) became Ready=True after a change',
  'window-end': 'the root reached no terminal state before the end of the recording',
} as const;
export type TerminationState = keyof typeof TERMINATIONS;

const count = (description: string) => z.number().int().nonnegative().describe(description);

export const StorySchema = z
  .strictObject({
    schema: z.literal(STORY_SCHEMA),
    tool_version: z.string(),
    correlation_id: z
      .string()
      .describe('the root’s UID (its `namespace/Kind/name` when no UID was recorded)'),
    root: ResourceRefSchema.extend({ api_version: z.string().nullable() }),
    window: z
      .strictObject({ start: time(), end: time() })
      .describe(
        'from the first record of the root or what it owns (its creation when the recording was running then, not a creation before its first record) to its termination or the recording’s end; a pod’s or container’s start that a later version’s state tells of keeps its own time, which may come before',
      ),
    termination: z.strictObject({
      state: z.enum(Object.keys(TERMINATIONS) as [TerminationState, ...TerminationState[]]).describe(
        Object.entries(TERMINATIONS)
          .map(([name, doc]) => `\`${name}\`: ${doc}`)
          .join('; '),
      ),
      at: time(),
      reason: z.string(),
    }),
    namespaces: z.array(z.string()).describe('namespaces of the story’s resources, sorted'),
    resources: z.array(StoryResourceSchema).describe('the root first, then what is correlated to it'),
    events: z.array(StoryEventSchema).describe('in time order (ties: lifecycle before what it caused)'),
    omitted: z
      .strictObject({
        total: count('events left out, for every reason'),
        by_cap: z
          .record(z.string(), z.number().int().nonnegative())
          .describe('per event type: left out by --max-events'),
        log_lines_by_cap: z
          .record(z.string(), z.number().int().nonnegative())
          .describe(
            'per `namespace/pod/container`: log lines beyond --max-log-lines (the oldest are left out)',
          ),
        filtered: count('records the filters and --logs left out'),
        after_termination: count('records after the story ended'),
      })
      .describe('what the story does not hold, and why'),
    filters: z.record(z.string(), z.string()).describe('the filters and caps it was built with, as given'),
  })
  .meta({ title: 'Story', description: 'A resource story written by kstory story.' });
export type Story = z.infer<typeof StorySchema>;

/** The JSON Schema of a story, for docs/story.schema.json. */
export function storyJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://kstory.dev/schemas/story.schema.json',
    ...z.toJSONSchema(StorySchema, { target: 'draft-2020-12', io: 'output' }),
  };
}
