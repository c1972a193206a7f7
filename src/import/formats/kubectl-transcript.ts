// kubectl output with the command that printed it: a terminal transcript pasted into a ticket
// (`user@host:~$ kubectl describe pod x`, its output, the next prompt), a tool's recorded call (JSON
// header lines naming the command or the tool and its parameters, then the output), or a command
// line followed by its output. Each section is read as what it holds (src/import/kubectl-text/).

import { defineFormat, type FormatMatch } from '../format.ts';
import { parseCommand } from '../kubectl-text/command.ts';
import { importSections } from '../kubectl-text/import-text.ts';
import { numberedLines } from '../kubectl-text/lines.ts';
import {
  isKubectlCommandLine,
  isRecordedHeader,
  promptCommand,
  splitSections,
} from '../kubectl-text/sections.ts';

/** Lines of the head searched for a prompt: transcripts often open with a note. */
const PROMPT_SEARCH_LINES = 200;

export const kubectlTranscript = defineFormat({
  name: 'kubectl-transcript',
  description:
    'kubectl output with its command: terminal transcripts (prompt lines), recorded tool calls (JSON header lines naming the command or tool), a command line then its output; describe, get tables, top, rollout status|history, logs, -o yaml|json',
  detect: (head) => {
    const lines = head.text.split('\n', PROMPT_SEARCH_LINES).map((l) => l.replace(/\r$/, ''));
    const first = lines.find((l) => l.trim() !== '') ?? '';
    if (isRecordedHeader(first))
      return withLate(
        { confidence: 0.95, reason: 'recorded kubectl call (header lines name the command)' },
        lines,
      );
    const prompt = lines.find((l) => {
      const command = promptCommand(l);
      return command !== null && parseCommand(command)?.kubectl === true;
    });
    if (prompt !== undefined)
      return withLate({ confidence: 0.85, reason: 'terminal transcript of kubectl commands' }, lines);
    if (isKubectlCommandLine(first))
      return withLate({ confidence: 0.85, reason: 'a kubectl command line and its output' }, lines);
    return null;
  },
  import: async (body, ctx) => {
    const sections = splitSections(numberedLines(await body.text()));
    if (!sections) {
      ctx.sink.skipFile(ctx.stats, ctx.entry.path, 'kubectl transcript without commands kstory can read');
      return;
    }
    await importSections(sections, ctx, 'kubectl output kstory could not read (see the issues)');
  },
});

/**
 * Logs and tables carry ages or no times, and logs name containers the rest of the import knows:
 * such files are read after every other (see late-files.ts); describes carry their own times.
 */
function withLate(match: FormatMatch, lines: string[]): FormatMatch {
  const verbs = lines.flatMap(
    (l) => /(?:\bkubectl\s+(?:-\S+\s+)*|_)(logs?|get|describe)\b/.exec(l)?.[1] ?? [],
  );
  const onlyDescribe = verbs.length > 0 && verbs.every((v) => v === 'describe');
  if (onlyDescribe) return match;
  return { ...match, late: verbs.some((v) => v.startsWith('log')) ? 'dated' : 'undated' };
}
