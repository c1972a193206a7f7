// Correlation rules as data (patterns/correlation/*.yaml): from a start class to a goal class by one
// join. Object classes are kinds (custom resources too); signal classes are the views their rows
// come from. The joins themselves are code (joins.ts), one registered function each. A rule may also
// decide a causal-chain join of analysis (`chain`): the structural relations `analyze` links findings
// by are these rules, not a second definition of them.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KstoryError, messageOf } from '../errors.ts';
import type { Join as ChainJoin } from '../patterns/schema.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { loadYamlFile } from '../vocab/yaml-file.ts';
import { JOINS, type Join, type JoinName } from './joins.ts';

/**
 * The chain joins (patterns/chains) whose relation the rules decide. A cause and an effect are
 * related by `owner` when rules tagged `owner` lead from one subject to the other (Pod → ReplicaSet →
 * Deployment → Argo CD Application); by `node`, `refs` or `selects` when a rule tagged so leads from
 * one subject, or from a pod it owns (a Service: a pod it selects), to the other.
 */
export const RULE_CHAIN_JOINS = ['owner', 'node', 'refs', 'selects'] as const satisfies readonly ChainJoin[];
export type RuleChainJoin = (typeof RULE_CHAIN_JOINS)[number];

/** Classes of signals, as opposed to objects: the rows of these views about an object. */
export const SIGNAL_CLASSES = ['events', 'audit', 'logs', 'metrics', 'alerts', 'findings'] as const;
export type SignalClass = (typeof SIGNAL_CLASSES)[number];

const ClassSchema = z
  .string()
  .regex(
    /^(\*|[A-Z][A-Za-z0-9]*|events|audit|logs|metrics|alerts|findings)$/,
    'a kind (Pod, Certificate…, Alert), a signal class (events, audit, logs, metrics, alerts, findings) or *',
  );
const Classes = z
  .union([ClassSchema, z.array(ClassSchema).min(1)])
  .transform((c) => (Array.isArray(c) ? c : [c]));

export const RuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, equal to the file name'),
  description: z.string().min(1),
  from: Classes.describe('start classes; * for any object'),
  to: Classes.describe('goal classes'),
  join: z.enum(Object.keys(JOINS) as [JoinName, ...JoinName[]]),
  /** Selector joins: `latest` compares the newest selector with each pod's newest labels; `any`, any
   * version of the selector with any version of the labels, so that a pod relabelled out of a Service
   * or a selector edited in the window is still related. */
  selector_versions: z.enum(['latest', 'any']).optional(),
  /** The chain join of analysis this rule decides (see RULE_CHAIN_JOINS). */
  chain: z.enum(RULE_CHAIN_JOINS).optional(),
  /** At most this many objects of each goal class that `kstory related` lists from one start
   * object (a Namespace's thousands of pods), those with findings first, then the ones seen last;
   * the others are counted. */
  limit: z.number().int().positive().optional(),
});
export type Rule = z.infer<typeof RuleSchema>;

export const BUILTIN_RULES_DIR = path.join(PACKAGE_ROOT, 'patterns', 'correlation');
const HINT =
  'A rule file holds id (its file name), description, from, to and join, and may hold selector_versions, chain and limit (see docs/related.md).';

export function loadRules(dirs: readonly string[] = [BUILTIN_RULES_DIR]): Rule[] {
  const rules: Rule[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
    } catch (error) {
      throw new KstoryError(`cannot read the rule directory ${dir}: ${messageOf(error)}`);
    }
    for (const file of files) {
      const full = path.join(dir, file);
      const rule = loadYamlFile(full, RuleSchema, HINT);
      const expected = file.replace(/\.ya?ml$/, '');
      if (rule.id !== expected)
        throw new KstoryError(`${full}:1: field id: "${rule.id}" must equal the file name "${expected}"`, {
          hint: HINT,
        });
      const signalTo = rule.to.filter((c) => (SIGNAL_CLASSES as readonly string[]).includes(c));
      if (signalTo.length > 0 !== JOINS[rule.join].signal)
        throw new KstoryError(
          `${full}: field join: ${rule.join} ${JOINS[rule.join].signal ? 'leads to signals: its goal classes are signal classes' : 'leads to objects: its goal classes are kinds'}`,
          { hint: HINT },
        );
      const join: Join = JOINS[rule.join];
      if (rule.selector_versions && !join.selector)
        throw new KstoryError(
          `${full}: field selector_versions: ${rule.join} compares no label selector (only selects and selected-by do)`,
          { hint: HINT },
        );
      if (rule.limit !== undefined && join.signal)
        throw new KstoryError(
          `${full}: field limit: ${rule.join} leads to signals, which are counted, not listed one by one`,
          { hint: HINT },
        );
      if (rule.chain && join.signal)
        throw new KstoryError(
          `${full}: field chain: ${rule.join} leads to signals; a chain join relates objects`,
          { hint: HINT },
        );
      if (rules.some((r) => r.id === rule.id))
        throw new KstoryError(`${full}: a rule ${rule.id} is defined twice`, { hint: HINT });
      rules.push(rule);
    }
  }
  return rules;
}
