// The small boolean language of pattern conditions: signal names combined with `and`, `or`, `not`
// and parentheses, e.g. `backoff and (oom or exit_error) and not completed`.

export type Condition =
  | { op: 'signal'; name: string }
  | { op: 'not'; arg: Condition }
  | { op: 'and' | 'or'; args: Condition[] };

export class ConditionError extends Error {}

const TOKEN = /\s*(\(|\)|[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match)
      throw new ConditionError(
        `unexpected "${text.slice(start).trim().slice(0, 12)}" at character ${start + 1}`,
      );
    tokens.push(match[1]!);
  }
  return tokens;
}

/** Parse with the usual precedence: not > and > or. */
export function parseCondition(text: string): Condition {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];

  function parseOr(): Condition {
    const args = [parseAnd()];
    while (peek() === 'or') {
      next();
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }
  function parseAnd(): Condition {
    const args = [parseNot()];
    while (peek() === 'and') {
      next();
      args.push(parseNot());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  }
  function parseNot(): Condition {
    if (peek() === 'not') {
      next();
      return { op: 'not', arg: parseNot() };
    }
    return parseAtom();
  }
  function parseAtom(): Condition {
    const token = next();
    if (token === undefined) throw new ConditionError('the condition ends too early');
    if (token === '(') {
      const inner = parseOr();
      if (next() !== ')') throw new ConditionError('a "(" is not closed');
      return inner;
    }
    if (token === ')' || token === 'and' || token === 'or') throw new ConditionError(`unexpected "${token}"`);
    return { op: 'signal', name: token };
  }

  if (tokens.length === 0) throw new ConditionError('the condition is empty');
  const condition = parseOr();
  if (position < tokens.length) throw new ConditionError(`unexpected "${tokens[position]}"`);
  return condition;
}

export function signalsOf(condition: Condition): string[] {
  switch (condition.op) {
    case 'signal':
      return [condition.name];
    case 'not':
      return signalsOf(condition.arg);
    default:
      return [...new Set(condition.args.flatMap(signalsOf))];
  }
}

/** Signals that must be present for the condition to hold (those not under a `not`). */
export function positiveSignalsOf(condition: Condition): string[] {
  switch (condition.op) {
    case 'signal':
      return [condition.name];
    case 'not':
      return [];
    default:
      return [...new Set(condition.args.flatMap(positiveSignalsOf))];
  }
}

export function evaluateCondition(condition: Condition, present: ReadonlySet<string>): boolean {
  switch (condition.op) {
    case 'signal':
      return present.has(condition.name);
    case 'not':
      return !evaluateCondition(condition.arg, present);
    case 'and':
      return condition.args.every((c) => evaluateCondition(c, present));
    case 'or':
      return condition.args.some((c) => evaluateCondition(c, present));
  }
}
