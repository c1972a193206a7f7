// `npm run eval`: kstory eval over every corpus, from source (no build needed), in one run: the
// result written to docs/accuracy.md, and each case and the figures printed on stdout.

import { fileURLToPath } from 'node:url';
import { reportError } from '../src/cli/main.ts';
import { renderContextFor, writeRendered } from '../src/cli/output.ts';
import { StatusLine } from '../src/cli/status-line.ts';
import { runEval } from '../src/eval/run.ts';
import { evalMarkdownRenderer } from '../src/report/eval-markdown.ts';
import { evalTextRenderer } from '../src/report/eval-text.ts';

const output = fileURLToPath(new URL('../docs/accuracy.md', import.meta.url));
const status = new StatusLine(true);
try {
  const result = await runEval({ corpus: 'all', onProgress: (text) => status.set(text) });
  status.done();
  writeRendered(evalMarkdownRenderer.render(result, renderContextFor(evalMarkdownRenderer, output)), output);
  writeRendered(evalTextRenderer.render(result, renderContextFor(evalTextRenderer, undefined)), undefined);
  process.stderr.write(`${output} written\n`);
} catch (error) {
  status.done();
  process.exitCode = reportError(error);
}
