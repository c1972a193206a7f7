// `npm run eval`: kstory eval over every corpus, from source (no build needed), in one run: the
// result written to docs/accuracy.md, and each case and the figures printed on stdout. When kstory's
// code, patterns or labels changed during the run the figures are invalid: said, and not written.

import { fileURLToPath } from 'node:url';
import { reportError } from '../src/cli/main.ts';
import { renderContextFor, writeRendered } from '../src/cli/output.ts';
import { StatusLine } from '../src/cli/status-line.ts';
import { runEval } from '../src/eval/run.ts';
import { invalidNote } from '../src/report/eval-format.ts';
import { evalMarkdownRenderer } from '../src/report/eval-markdown.ts';
import { evalTextRenderer } from '../src/report/eval-text.ts';

const output = fileURLToPath(new URL('../docs/accuracy.md', import.meta.url));
const status = new StatusLine(true);
try {
  const result = await runEval({ corpus: 'all', onProgress: (text) => status.set(text) });
  status.done();
  writeRendered(evalTextRenderer.render(result, renderContextFor(evalTextRenderer, undefined)), undefined);
  if (result.changed_during_run.length > 0) {
    // Figures of two versions of kstory are no one's: docs/accuracy.md keeps the last valid ones.
    process.stderr.write(`${output} not written: ${invalidNote(result)}\n`);
    process.exitCode = 1;
  } else {
    writeRendered(
      evalMarkdownRenderer.render(result, renderContextFor(evalMarkdownRenderer, output)),
      output,
    );
    process.stderr.write(`${output} written\n`);
  }
} catch (error) {
  status.done();
  process.exitCode = reportError(error);
}
