// Where kubectl output sits inside the text people keep: a terminal transcript (`user@host:~$ kubectl
// describe pod x`, then its output, then the next prompt), a recorded tool call (one or two JSON
// header lines naming the command or tool and its parameters, then `stdout:`/`stderr:` or the raw
// output), or a command line followed by its output. Each section carries the command it came from.

import { type KubectlCommand, parseCommand } from './command.ts';
import type { TextLine } from './describe-tree.ts';

export interface Section {
  /** The command that printed the section, when the text says. */
  command: KubectlCommand | null;
  /** The tool a recorded call names, when it names no kubectl command. */
  tool?: string;
  /** Text before a transcript's first prompt: notes, not output. */
  preamble?: boolean;
  /** Line of the prompt or header that names the command (or of the first output line). */
  line: number;
  /** The output, blank lines at either end removed. */
  lines: TextLine[];
  /** What the recording says went wrong: a failed command's error, its stderr. */
  error?: string;
}

// What a shell prints before its prompt: the time (`[12:01:02] `, `12:01:02 `), a virtualenv or
// context (`(venv) `, `(kind-dev) `).
const PROMPT_PREFIX = String.raw`(?:\[(?:\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}(?::\d{2})?\]\s*|\d{1,2}:\d{2}:\d{2}\s+|\([\w.:@/-]{1,60}\)\s+)?`;
// `user@host:~$ cmd`, `user@host dir % cmd`, `[root@host ~]# cmd`, `root@host:/# cmd`.
const USER_PROMPT_RE = new RegExp(
  String.raw`^${PROMPT_PREFIX}(?:\[[\w.-]+@[\w.-]+[^\]\n]{0,60}\]|[\w.-]+@[\w.-]+[^$#%>\n]{0,80}?)[$#%>](?:\s+(.*)|\s*$)`,
);
// `$ cmd`, `# cmd`, `% cmd`, `> cmd`, `PS C:\> cmd`, zsh's `➜  ~ cmd` and `❯ cmd`: only before a
// Kubernetes client, since these characters start too many other lines.
const BARE_PROMPT_RE = new RegExp(
  String.raw`^${PROMPT_PREFIX}(?:\$|#|%|>|PS [^>\n]{1,80}>|➜\s+\S+(?:\s+git:\([^)\n]{1,80}\))?(?:\s+✗)?|❯|λ)\s*((?:sudo\s+)?(?:kubectl|oc|k|microk8s|minikube|kubecolor)(?:\.exe)?\s.*)$`,
);
// A command line alone, first in the file: `kubectl get pods -A`.
const BARE_COMMAND_RE = /^((?:sudo\s+)?(?:kubectl|oc|microk8s kubectl|kubecolor)(?:\.exe)?\s+\S.*)$/;

/** The command a prompt line runs (`''` for a prompt with nothing typed), or null when it is no prompt. */
export function promptCommand(text: string): string | null {
  const bare = BARE_PROMPT_RE.exec(text);
  if (bare) return bare[1]!.trim();
  const user = USER_PROMPT_RE.exec(text);
  return user ? (user[1] ?? '').trim() : null;
}

/** Whether a line is a recorded tool call's JSON header: it names a tool or the command it ran. */
export function isRecordedHeader(text: string): boolean {
  const header = parseHeaderLine(text);
  return header !== null && (toolOf(header) !== null || commandOfHeaders([header]) !== null);
}

function toolOf(header: Header): string | null {
  const tool = header.tool_name ?? header.toolset_name;
  return typeof tool === 'string' && tool !== '' ? tool : null;
}

/** Whether a line is a command line (after a prompt, or bare at the top) that runs a Kubernetes client. */
export function isKubectlCommandLine(text: string): boolean {
  const command = promptCommand(text) ?? BARE_COMMAND_RE.exec(text)?.[1] ?? null;
  return command !== null && parseCommand(command)?.kubectl === true;
}

/**
 * The sections of a file, or null when it is none of the shapes above (plain output: the caller
 * reads it as it is).
 */
export function splitSections(lines: readonly TextLine[]): Section[] | null {
  const start = lines.findIndex((l) => l.text.trim() !== '');
  if (start < 0) return null;
  const recorded = recordedSection(lines, start);
  if (recorded) return [recorded];
  return transcriptSections(lines, start);
}

type Header = Record<string, unknown>;

function parseHeaderLine(text: string): Header | null {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return null;
  try {
    const value = JSON.parse(t) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const header = value as Header;
    // A Kubernetes object on one line is output, not a header.
    if ('apiVersion' in header || 'kind' in header || 'metadata' in header) return null;
    return header;
  } catch {
    return null;
  }
}

/** A recorded tool call: JSON header lines, maybe the command echoed, then the output. */
function recordedSection(lines: readonly TextLine[], start: number): Section | null {
  const headers: Header[] = [];
  let i = start;
  while (i < lines.length) {
    const header = parseHeaderLine(lines[i]!.text);
    if (!header) break;
    headers.push(header);
    i++;
  }
  if (headers.length === 0) return null;
  const commandText = commandOfHeaders(headers);
  const tool = headers.map(toolOf).find((t) => t !== null) ?? undefined;
  if (commandText === null && tool === undefined) return null;
  let command = commandText === null ? null : parseCommand(commandText);
  let error = errorOfHeaders(headers);
  let failure: string | undefined;
  // The command echoed, or `Command \`…\` failed with return code 1`.
  while (i < lines.length) {
    const text = lines[i]!.text.trim();
    const failed = /^Command `(.+)` failed with return code (\d+)/.exec(text);
    if (failed) {
      command = parseCommand(failed[1]!) ?? command;
      failure = `failed with return code ${failed[2]}`;
      i++;
    } else if (
      text !== '' &&
      (text === commandText || (BARE_COMMAND_RE.test(text) && i === start + headers.length))
    ) {
      command = parseCommand(text) ?? command;
      i++;
    } else {
      break;
    }
  }
  let output = lines.slice(i);
  const stdoutAt = output.findIndex((l) => l.text.trim() === 'stdout:');
  if (stdoutAt >= 0 && output.slice(0, stdoutAt).every((l) => l.text.trim() === '')) {
    const rest = output.slice(stdoutAt + 1);
    const stderrAt = rest.findIndex((l) => l.text.trim() === 'stderr:');
    output = stderrAt >= 0 ? rest.slice(0, stderrAt) : rest;
    const stderr = stderrAt >= 0 ? trimBlank(rest.slice(stderrAt + 1)) : [];
    // What the command said on stderr says more than its exit code or the recorder's status.
    if (stderr.length > 0) error = stderr.map((l) => l.text.trim()).join(' ');
  }
  error ??= failure;
  return {
    command,
    tool: command ? undefined : tool,
    line: lines[start]!.line,
    lines: trimBlank(output),
    error,
  };
}

// Keys of a header that hold the command as it ran.
const COMMAND_KEYS = ['invocation', 'command', 'cmd', 'command_line', 'commandLine'];

/**
 * The command a recorded call ran: written out in a header (`invocation`, `command`), or built from
 * a tool's name and its parameters (`kubectl_describe` with kind, name and namespace).
 */
function commandOfHeaders(headers: Header[]): string | null {
  for (const header of headers) {
    for (const source of [header, record(header.params), record(header.match_params)]) {
      for (const key of COMMAND_KEYS) {
        const value = source?.[key];
        if (typeof value === 'string' && parseCommand(value)?.kubectl) return value;
      }
    }
  }
  for (const header of headers) {
    const tool = header.tool_name ?? header.tool ?? header.name;
    if (typeof tool !== 'string') continue;
    const params = { ...record(header.params), ...record(header.match_params) };
    const built = commandOfTool(tool, params);
    if (built) return built;
  }
  return null;
}

/** A kubectl command from a tool's name (`kubectl_previous_logs`, `fetch_pod_logs`, `kubectl_find_resource`) and parameters. */
function commandOfTool(tool: string, params: Record<string, unknown>): string | null {
  const t = tool.toLowerCase();
  const str = (key: string) => (typeof params[key] === 'string' ? (params[key] as string) : undefined);
  const kind = str('kind') ?? str('resource_type');
  const name = str('name') ?? str('resource_name');
  const pod = str('pod_name') ?? str('pod');
  const namespace = str('namespace');
  const ns = namespace ? ` -n ${namespace}` : '';
  if (/log/.test(t)) {
    // `*`: every pod the tool matched; the output does not say which wrote what.
    if (!pod || pod === '*') return `kubectl logs${ns}`;
    const container = str('container') ?? str('container_name');
    const previous = /previous/.test(t) || params.previous === true ? ' --previous' : '';
    const all = /all_containers/.test(t) ? ' --all-containers' : '';
    return `kubectl logs ${pod}${ns}${container ? ` -c ${container}` : ''}${previous}${all}`;
  }
  if (!kind) return null;
  if (/describe/.test(t)) return name ? `kubectl describe ${kind} ${name}${ns}` : null;
  if (/lineage/.test(t)) return name ? `kubectl lineage ${kind} ${name}${ns}` : null;
  if (/yaml/.test(t)) return `kubectl get ${kind}${name ? ` ${name}` : ''}${ns} -o yaml`;
  if (/find/.test(t)) {
    const keyword = str('keyword');
    return `kubectl get ${kind} -A --show-labels -o wide${keyword ? ` | grep ${keyword}` : ''}`;
  }
  if (/get|list/.test(t))
    return `kubectl get ${kind}${name ? ` ${name}` : ''}${namespace ? ns : ' -A'} --show-labels -o wide`;
  return null;
}

function errorOfHeaders(headers: Header[]): string | undefined {
  for (const header of headers) {
    const status = header.status;
    if (status === 'error' || status === 'approval_required') {
      return typeof header.error === 'string' && header.error !== ''
        ? header.error
        : `the call ended with ${status}`;
    }
  }
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A transcript: sections from one prompt to the next; or a bare command line and its output. */
function transcriptSections(lines: readonly TextLine[], start: number): Section[] | null {
  const prompts: { at: number; command: string }[] = [];
  for (let i = start; i < lines.length; i++) {
    const command = promptCommand(lines[i]!.text);
    if (command !== null) prompts.push({ at: i, command });
  }
  if (prompts.length === 0 || !prompts.some((p) => parseCommand(p.command)?.kubectl)) {
    const bare = BARE_COMMAND_RE.exec(lines[start]!.text.trim());
    if (!bare) return null;
    return [
      { command: parseCommand(bare[1]!), line: lines[start]!.line, lines: trimBlank(lines.slice(start + 1)) },
    ];
  }
  const sections: Section[] = [];
  if (prompts[0]!.at > start) {
    sections.push({
      command: null,
      preamble: true,
      line: lines[start]!.line,
      lines: trimBlank(lines.slice(start, prompts[0]!.at)),
    });
  }
  prompts.forEach((p, k) => {
    const end = k + 1 < prompts.length ? prompts[k + 1]!.at : lines.length;
    const output = trimBlank(lines.slice(p.at + 1, end));
    if (p.command === '' && output.length === 0) return;
    sections.push({
      command: p.command === '' ? null : parseCommand(p.command),
      line: lines[p.at]!.line,
      lines: output,
    });
  });
  return sections;
}

function trimBlank(lines: readonly TextLine[]): TextLine[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.text.trim() === '') a++;
  while (b > a && lines[b - 1]!.text.trim() === '') b--;
  return lines.slice(a, b);
}
