// Kubernetes label selectors as `kubectl -l` takes them: `app=checkout,tier!=db`,
// `env in (prod,staging)`, `release notin (canary)`, `team` (has the label), `!legacy` (has not).

import { KstoryError } from '../errors.ts';

export type Labels = Readonly<Record<string, string>>;
type Requirement = (labels: Labels) => boolean;

const KEY = '[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?';
const VALUE = '([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?';

/** Split at the commas that are not inside a set's parentheses. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

function parseRequirement(part: string, selector: string): Requirement {
  const fail = (): never => {
    throw new KstoryError(`"${selector}": cannot read "${part}"`, {
      option: 'selector',
      hint: 'Use label selector syntax: key=value, key!=value, key in (a,b), key notin (a,b), key, !key.',
    });
  };
  let m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(part);
  if (m) {
    const [key, op, value] = [m[1]!, m[3]!, m[4]!];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(part);
  if (m) {
    const [key, op] = [m[1]!, m[3]!];
    const values = m[4]!.split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v))) fail();
    return op === 'in'
      ? (l) => l[key] !== undefined && values.includes(l[key]!)
      : (l) => l[key] === undefined || !values.includes(l[key]!);
  }
  m = new RegExp(`^(!?)\\s*(${KEY})$`).exec(part);
  if (m) {
    const key = m[2]!;
    return m[1] ? (l) => l[key] === undefined : (l) => l[key] !== undefined;
  }
  return fail();
}

/** A predicate over an object's labels; every requirement must hold. */
export function parseSelector(selector: string): (labels: Labels) => boolean {
  const requirements = splitRequirements(selector)
    .filter((p) => p !== '')
    .map((p) => parseRequirement(p, selector));
  if (requirements.length === 0)
    throw new KstoryError('--selector is empty', { hint: 'e.g. -l app=checkout,tier!=db' });
  return (labels) => requirements.every((r) => r(labels));
}
