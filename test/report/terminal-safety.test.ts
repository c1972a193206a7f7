// Cluster strings never drive a terminal nor write a Markdown document's markup: a bundle whose pod
// names, Event messages, log lines and cluster name carry escape sequences, carriage returns,
// backspaces, bidi overrides and HTML and link injection is analysed into text, Markdown and
// `bundle info` with every one of them shown inert, and into JSON with the values as they were.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlString } from '../../src/bundle/duckdb.ts';
import { kstory, ROOT } from '../support/cli.ts';
import { rewriteBundle } from '../support/rewrite.ts';
import { useTempDir } from '../support/temp.ts';

const tempDir = useTempDir('kstory-safety-');
const SOURCE = path.join(ROOT, 'fixtures/bad-config-rollout.parquet');

/** Clears the screen, retitles the window, rings, returns to the line start, erases, reverses. */
const HOSTILE =
  '\u001b[2J\u001b]0;pwned\u0007\r\u0008\u0008\u202eevil\u202c<img src=x onerror=alert(1)>[click](http://evil.example)';
/** Raw control characters and marks none of the outputs for people may hold. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The fixture with HOSTILE after every `checkout` (names, bodies, messages), in its log lines and cluster name. */
async function hostileBundle(output: string): Promise<void> {
  const inJson = JSON.stringify(HOSTILE).slice(1, -1);
  await rewriteBundle(SOURCE, output, {
    columns: (c) => {
      if (c.name === 'body')
        return `CAST(replace(CAST(body AS VARCHAR), 'checkout', ${sqlString(`checkout${inJson}`)}) AS JSON)`;
      if (c.name === 'log_line')
        return `replace(log_line, 'invalid configuration', ${sqlString(`invalid configuration${HOSTILE}`)})`;
      if (c.type === 'VARCHAR') return `replace("${c.name}", 'checkout', ${sqlString(`checkout${HOSTILE}`)})`;
      return null;
    },
    metadata: (m) => ({ ...m, cluster: { ...(m.cluster as object), name: `prod${HOSTILE}` } }),
  });
}

describe('hostile strings in a bundle', () => {
  let bundle = '';
  beforeAll(async () => {
    bundle = path.join(tempDir(), 'hostile.parquet');
    await hostileBundle(bundle);
  });

  it('text: every control character and bidi mark shown as an escape, the story still told', () => {
    const result = kstory(['analyze', bundle]);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(RAW);
    expect(result.stdout).toContain('checkout\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\x08\\x08\\u202eevil\\u202c');
    expect(result.stdout).toMatch(/^ 1\. /m);
  });

  it('markdown: no raw control characters, no HTML tag, no link of its own', () => {
    const result = kstory(['analyze', bundle, '--markdown']);
    expect(result.stderr).toBe('');
    const md = result.stdout;
    expect(md).not.toMatch(RAW);
    // Code spans show their text as it is, which is safe there: a value cannot leave one.
    const spans = md.match(/`[^`\n]*`/g) ?? [];
    expect(spans.some((s) => s.includes('<img src=x'))).toBe(true);
    const prose = md.replace(/`[^`\n]*`/g, '');
    expect(prose).not.toContain('<img');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Every `[click]` is escaped, so `(http://evil.example)` after it is no link target.
    expect(prose).not.toMatch(/(?<!\\)\[click(?<!\\)\]\(/);
    expect(md).toContain('\\[click\\](http://evil.example)');
    expect(md).toContain('checkout\\x1b[2J');
  });

  it('bundle info: the cluster name and inputs inert', () => {
    const result = kstory(['bundle', 'info', bundle]);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(RAW);
    expect(result.stdout).toContain('prod\\x1b[2J\\x1b]0;pwned\\x07');
  });

  it('json: the values as they were (JSON escapes them), for programs', () => {
    const result = kstory(['analyze', bundle, '--json']);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(RAW);
    const report = JSON.parse(result.stdout) as { findings: { subject: { name: string } }[] };
    expect(report.findings.some((f) => f.subject.name.includes(`checkout${HOSTILE}`))).toBe(true);
  });
});
