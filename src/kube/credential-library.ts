// The maintained rule set for token formats (cloud keys, API tokens, private keys, connection
// strings): secretlint's recommended preset, driven one string at a time through the rules' own
// interface (create(context).file(source)) without the secretlint runner and its files.

import { rules } from '@secretlint/secretlint-rule-preset-recommend';

export interface LibraryMatch {
  start: number;
  end: number;
  /** e.g. `secretlint:aws/AWSAccessKeyID`. */
  rule: string;
}

interface Scanner {
  id: string;
  file: (source: unknown) => unknown;
}

interface Report {
  range: [number, number];
  message: { id?: string } | string;
}

/** What the preset's rules are given: text with no file behind it, so file-type rules stay quiet. */
interface Source {
  content: string;
  filePath: undefined;
  ext: string;
  contentType: 'text';
}

// Rule options: the AWS rule finds access key ids only when asked (they identify a key; with the
// secret they are the credential, and they name the account).
const OPTIONS: Record<string, Record<string, unknown>> = {
  '@secretlint/secretlint-rule-aws': { enableIDScanRule: true },
};

let reports: LibraryMatch[] = [];
let scanners: Scanner[] | null = null;

function shortId(id: string): string {
  return id.replace(/^@secretlint\/secretlint-rule-/, 'secretlint:');
}

function loadScanners(): Scanner[] {
  const out: Scanner[] = [];
  for (const rule of rules as unknown as {
    meta: { id: string; type: string };
    create: (context: unknown, options: unknown) => { file?: (source: unknown) => unknown };
  }[]) {
    // `secretlint-disable` comments are for source code: they have no say over what a cluster wrote.
    if (rule.meta.type !== 'scanner' || rule.meta.id.endsWith('-filter-comments')) continue;
    const id = shortId(rule.meta.id);
    const context = {
      createTranslator: () => (messageId: string) => ({ id: messageId }),
      report: (report: Report) => {
        const messageId = typeof report.message === 'string' ? '' : (report.message.id ?? '');
        reports.push({
          start: report.range[0],
          end: report.range[1],
          rule: messageId ? `${id}/${messageId}` : id,
        });
      },
      ignore: () => {},
    };
    const handlers = rule.create(context, OPTIONS[rule.meta.id] ?? {});
    if (handlers.file) out.push({ id, file: handlers.file });
  }
  return out;
}

/** The rule ids of the preset's scanners, for the metadata and the tests. */
export function libraryRuleIds(): string[] {
  scanners ??= loadScanners();
  return scanners.map((s) => s.id);
}

/** Every match of the preset's rules in `text`. */
export function scanWithLibrary(text: string): LibraryMatch[] {
  scanners ??= loadScanners();
  reports = [];
  const source: Source = { content: text, filePath: undefined, ext: '', contentType: 'text' };
  for (const scanner of scanners) {
    // A rule that answers asynchronously does so for files it recognises by name only (.p12):
    // none are given here, and its promise has nothing to report.
    const result = scanner.file(source);
    if (result instanceof Promise) result.catch(() => {});
  }
  const found = reports;
  reports = [];
  return found;
}
