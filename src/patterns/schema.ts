// The schema of a failure pattern (patterns/*.yaml): detection as data, in the spirit of Sigma and
// Falco rules. Named signals select rows from the bundle's typed views; a small boolean condition
// combines them per subject; variants refine the finding; confidence, narrative and remediation
// say what it means. Also exported as JSON Schema for editors (patterns/pattern.schema.json).

import { z } from 'zod';
import { SIGNAL_VIEWS } from '../views/registry.ts';
import { DurationSchema } from '../vocab/duration.ts';
import { SeveritySchema } from '../vocab/severity.ts';

/** What one finding is about. `container` findings are keyed by namespace, pod and container;
 * `object` findings by namespace, kind and name (a Pod, a Deployment, a Node, a custom resource). */
export const SUBJECT_LEVELS = ['container', 'object'] as const;

export const OPERATORS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'not_contains',
  'startswith',
  're',
  'not_re',
  'exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

const ScalarSchema = z.union([z.string(), z.number(), z.boolean()]);
/** `{ field: value }` or `{ "field|op": value }`: every entry must hold (AND). */
export const WhereSchema = z.record(z.string(), z.union([ScalarSchema, z.array(ScalarSchema), z.null()]));
export type Where = z.infer<typeof WhereSchema>;

export const AggregateSchema = z
  .object({
    fn: z.enum(['max', 'min', 'sum', 'delta', 'count']),
    field: z.string().optional(),
    gte: z.number().optional(),
    gt: z.number().optional(),
    lte: z.number().optional(),
    lt: z.number().optional(),
  })
  .strict()
  .refine((a) => a.fn === 'count' || a.field !== undefined, {
    message: 'field is required unless fn is count',
  });

export const SignalSchema = z
  .object({
    description: z.string().optional(),
    from: z.enum(SIGNAL_VIEWS),
    /** Conditions on the view's typed columns; all must hold. */
    where: WhereSchema.default({}),
    /** Alternatives: at least one of these must hold as well. */
    any: z.array(WhereSchema).optional(),
    /** Only rows this long before the end of the analysed window. */
    window: DurationSchema.optional(),
    /** Occurrences needed (events count their repetitions, other views count rows). */
    min_count: z.number().int().positive().default(1),
    /** A threshold on an aggregate of the matching rows. */
    aggregate: AggregateSchema.optional(),
    /** The matching rows must span at least this long (first to last), e.g. a rollout stuck for 10m. */
    lasting: DurationSchema.optional(),
    /** Only each subject's newest row in the window counts: its state at the end ("is it running now?"). */
    latest: z.boolean().default(false),
    /** A field whose values, each with how often it occurs, most frequent first, make the signal's
     * text instead of its newest row: what a storm of refused requests asked for. */
    breakdown: z.string().optional(),
    /** What a row is about, when not the view's own subject: e.g. the Service an Endpoints object
     * belongs to, or the user of an audit entry (`{kind: User, name: actor, namespace: null}`). */
    subject: z
      .object({
        kind: z.string(),
        /** A field holding the subject's kind, when rows are about objects of several kinds (the
         * controller owning a refused pod); `kind` when it is empty. */
        kind_field: z.string().optional(),
        /** A field of the view (or `labels.<key>`) holding the subject's name. */
        name: z.string(),
        /** A field holding the namespace; null for cluster-wide subjects; default: the row's namespace. */
        namespace: z.string().nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Signal = z.infer<typeof SignalSchema>;

export const VariantSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes'),
    /** Condition over the pattern's signals, like detect.condition. */
    when: z.string(),
    title: z.string().optional(),
    summary: z.string().optional(),
    /** How grave this form of the problem is, when it differs from the pattern's severity (a crash
     * loop that stopped before capture weighs less than one still going). */
    severity: SeveritySchema.optional(),
    confidence: z.number().min(-1).max(1).default(0),
    remediation: z.array(z.string()).default([]),
  })
  .strict();
export type Variant = z.infer<typeof VariantSchema>;

export const PatternTestSchema = z
  .object({
    /** A bundle path relative to the project (or to the pattern directory for user patterns). */
    bundle: z.string(),
    expect: z
      .object({
        match: z.boolean(),
        /** `namespace/kind/name` or `namespace/pod/container`; with match: true, a finding for it. */
        subject: z.string().optional(),
        variant: z.string().optional(),
      })
      .strict(),
  })
  .strict();

/** A value a pattern names in `params:` and a signal reads as `$name`: a number, a text, a yes/no
 * or a list of them (a threshold, a duration, the reasons to look for). */
export const ParamValueSchema = z.union([ScalarSchema, z.array(ScalarSchema)]);
export type ParamValue = z.infer<typeof ParamValueSchema>;

export const ParamSchema = z
  .object({
    default: ParamValueSchema,
    /** What it tunes, for whoever changes it in an overrides file. */
    description: z.string().min(1),
  })
  .strict();

/** A glob (`batch-*`) or a list of them, matched against one field of a finding's subject. */
const GlobsSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A named exception (`exclude:`): subjects it matches are not reported, in the spirit of Falco's
 * exceptions. Every field given must match. */
export const ExceptionSchema = z
  .object({
    description: z.string().optional(),
    namespace: GlobsSchema.optional(),
    kind: GlobsSchema.optional(),
    name: GlobsSchema.optional(),
    container: GlobsSchema.optional(),
  })
  .strict()
  .refine((e) => e.namespace ?? e.kind ?? e.name ?? e.container, {
    message: 'give at least one of namespace, kind, name and container',
  });
export type Exception = z.infer<typeof ExceptionSchema>;

const SNAKE_CASE = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case');

/** A signal of a pattern that is a shared one (`signals/<name>.yaml`), with the values of its
 * params, narrowed by more `where` conditions or fields it leaves unset; the loader replaces it by
 * the shared signal's fields before a pattern is checked. */
export const SignalUseSchema = SignalSchema.omit({ from: true, description: true })
  .partial()
  .extend({
    /** The shared signal's name: the name of its file in signals/. */
    use: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes'),
    /** Values of its params; the others keep their defaults. */
    with: z.record(z.string(), ParamValueSchema).optional(),
    /** What it means in this pattern, when the shared signal's description does not say it. */
    description: z.string().optional(),
  })
  .strict();

/** What a shared signal's file holds besides a signal's fields (or a `use` of another one). */
export const SharedSignalHeadSchema = z
  .object({
    /** What its rows mean: said in confidence reasons unless a pattern says it its own way. */
    description: z.string().min(1),
    /** Values it reads as `$name`, with their defaults; a pattern's `with:` changes them. */
    params: z.record(SNAKE_CASE, ParamSchema).default({}),
    use: z.string().optional(),
    with: z.record(z.string(), ParamValueSchema).optional(),
  })
  .loose();

export const PatternSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes'),
    title: z.string().min(1),
    status: z.enum(['experimental', 'stable']),
    severity: SeveritySchema,
    description: z.string().min(1),
    references: z.array(z.url()).default([]),
    false_positives: z.array(z.string()).default([]),
    subject: z.enum(SUBJECT_LEVELS),
    /** For `object` subjects: the kinds a finding may be about (empty = any). */
    kinds: z.array(z.string()).default([]),
    /** Pattern ids whose cause this one names more specifically (init-container-failed refines
     * crash-loop-backoff): a root cause labelled with one of them is also named by this one. */
    refines: z.array(z.string()).default([]),
    /** Named values the signals read as `$name`, with their defaults; a user's overrides file
     * (overrides.yaml in a --patterns directory) changes them without copying the pattern. */
    params: z.record(SNAKE_CASE, ParamSchema).default({}),
    detect: z
      .object({
        signals: z.record(SNAKE_CASE, SignalSchema),
        condition: z.string(),
      })
      .strict(),
    /** Named exceptions: subjects one matches are not reported (an overrides file can add more). */
    exclude: z.record(SNAKE_CASE, ExceptionSchema).default({}),
    /** Signals whose rows are shown as evidence, in order; default: those in the condition. */
    evidence: z.array(z.string()).optional(),
    confidence: z
      .object({
        base: z.number().min(0).max(1),
        boost: z.record(z.string(), z.number().min(0).max(1)).default({}),
        reduce: z.record(z.string(), z.number().min(0).max(1)).default({}),
      })
      .strict(),
    variants: z.array(VariantSchema).default([]),
    /** Each variant names a different cause (the scheduler's reason for refusing a pod): a
     * workload's pods are grouped into one incident per variant, not one for the pattern. */
    group_by_variant: z.boolean().default(false),
    narrative: z.object({ summary: z.string(), detail: z.string().optional() }).strict(),
    remediation: z.array(z.string()).min(1),
    /** A condition saying the problem cleared by itself: its signals, and `gone` (the subject no
     * longer exists at the end of the bundle). A short problem that resolved without any change
     * explaining it is reported as transient, not as an incident. */
    resolved: z.string().optional(),
    tests: z.array(PatternTestSchema).default([]),
  })
  .strict();
export type Pattern = z.infer<typeof PatternSchema>;
export type PatternInput = z.input<typeof PatternSchema>;

/** JSON Schema for editors (yaml-language-server: $schema=...): a signal is written out or used. */
export function patternJsonSchema(): unknown {
  const written = PatternSchema.extend({
    detect: z
      .object({
        signals: z.record(SNAKE_CASE, z.union([SignalSchema, SignalUseSchema])),
        condition: z.string(),
      })
      .strict(),
  });
  return z.toJSONSchema(written, { io: 'input', unrepresentable: 'any' });
}

/** JSON Schema of a shared signal's file, for editors. */
export function sharedSignalJsonSchema(): unknown {
  const head = { description: z.string().min(1), params: z.record(SNAKE_CASE, ParamSchema).optional() };
  const written = SignalSchema.omit({ description: true }).extend(head);
  const used = z
    .object({ use: SignalUseSchema.shape.use, with: SignalUseSchema.shape.with })
    .extend(head)
    .strict();
  return z.toJSONSchema(z.union([written, used]), { io: 'input', unrepresentable: 'any' });
}

/** How a cause's subject must relate to its effect's subject for a causal link. */
export const JOINS = [
  'same',
  'owner',
  'workload',
  'node',
  'refs',
  'selects',
  'namespace',
  'mentions',
  'taint',
  'grants',
  'any',
] as const;
export type Join = (typeof JOINS)[number];

/** A domain link between two patterns (patterns/chains/*.yaml): "a cause of this kind, on a related
 * subject, shortly before, explains an effect of that kind". */
export const ChainLinkSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes'),
    description: z.string().min(1),
    /** A pattern id, or several: the link holds for each cause with each effect. */
    cause: z.union([z.string(), z.array(z.string()).min(1)]),
    effect: z.union([z.string(), z.array(z.string()).min(1)]),
    /** `owner`, `workload`, `node`, `refs` and `selects` are decided by the correlation rules that name
     * them in `chain:` (patterns/correlation/, docs/related.md), as follows by default.
     * `same` object; `owner`: one owns the other (Pod → ReplicaSet → Deployment); `workload`: the
     * same top-level controller, or one owns the other (an evicted pod and its replacement); `node`: a
     * pod on the node; `refs`: the pod (or its workload's pods) uses the ConfigMap/Secret/PVC; `selects`: the
     * Service or PodDisruptionBudget selects the pod (or a pod of the workload); `namespace`: the same namespace; `mentions`: the effect's
     * evidence names the cause's subject (the webhook in a FailedCreate message); `taint`: the effect's evidence
     * names a taint the cause (a Node) carried (FailedScheduling's "untolerated taint {key: }"); `grants`: the cause, an RBAC
     * object, bound the refused identity of the effect (a binding's subjects, or the namespace and the name that
     * concern it when the bundle kept no version of the binding); `any`: no relation needed (for
     * cluster-wide effects such as API server errors). */
    join: z.enum(JOINS),
    /** How long after the cause (its last sign) the effect may start. */
    max_lag: DurationSchema,
    /** How strongly the cause explains the effect, in (0, 1]. */
    strength: z.number().gt(0).max(1),
  })
  .strict();
export type ChainLinkSpec = z.infer<typeof ChainLinkSchema>;
/** One link between one cause pattern and one effect pattern (a spec with lists expands to several). */
export type ChainLink = Omit<ChainLinkSpec, 'cause' | 'effect'> & { cause: string; effect: string };
export const ChainFileSchema = z.object({ links: z.array(ChainLinkSchema).min(1) }).strict();
