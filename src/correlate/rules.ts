// Correlation rules as data (patterns/correlation/*.yaml): from a start class to a goal class by one
// join. Object classes are kinds (custom resources too); signal classes are the views their rows
// come from. The joins themselves are code (joins.ts), one registered function each.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KstoryError, messageOf } from '../errors.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { loadYamlFile } from '../vocab/yaml-file.ts';
import { JOINS, type JoinName } from './joins.ts';

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
});
export type Rule = z.infer<typeof RuleSchema>;

export const BUILTIN_RULES_DIR = path.join(PACKAGE_ROOT, 'patterns', 'correlation');
const HINT = 'A rule file holds id (its file name), description, from, to and join (see docs/related.md).';

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
      if (rules.some((r) => r.id === rule.id))
        throw new KstoryError(`${full}: a rule ${rule.id} is defined twice`, { hint: HINT });
      rules.push(rule);
    }
  }
  return rules;
}
