// Chain files (patterns/chains/*.yaml): a mistake names the file, the line and the field.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChainLinks } from '../../src/analyze/chain-links.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir();
const LINK =
  'id: a-b\n    description: a causes b\n    cause: a\n    effect: b\n    join: same\n    strength: 0.5';

function chainError(text: string): string {
  const dir = path.join(tempDir(), 'chains');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'links.yaml'), text);
  try {
    loadChainLinks([dir], new Set(['a', 'b']));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the chain file was accepted');
}

describe('chain files', () => {
  it('load links between known patterns', () => {
    const dir = path.join(tempDir(), 'chains');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'links.yaml'), `links:\n  - ${LINK}\n    max_lag: 1h30m\n`);
    expect(loadChainLinks([dir], new Set(['a', 'b'])).map((l) => [l.cause, l.effect, l.max_lag])).toEqual([
      ['a', 'b', '1h30m'],
    ]);
  });

  it('name the file, line and field of a mistake', () => {
    expect(chainError(`links:\n  - ${LINK}\n    max_lag: soon\n`)).toMatch(
      /links\.yaml:8: field links\.0\.max_lag: a duration such as/,
    );
    expect(chainError(`links:\n  - ${LINK.replace('cause: a', 'cause: c')}\n    max_lag: 5m\n`)).toMatch(
      /links\.yaml: field links\.0\.cause: "c" is not a pattern id/,
    );
    expect(chainError('links:\n  - id: [\n')).toMatch(/links\.yaml:\d+: not valid YAML/);
  });
});
