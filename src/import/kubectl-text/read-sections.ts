// Each section of kubectl text read as what it holds, the content first (a describe, a table, JSON
// or YAML objects), the command second (a log, rows whose header a filter removed); errors kubectl
// printed instead of output are said, never read as output.

import { type FileContext, issue, note } from '../context.ts';
import { importJsonText } from '../formats/kube-json.ts';
import { importYamlText } from '../formats/kube-yaml.ts';
import type { KubectlCommand } from './command.ts';
import { isDescribeStart, prepareDescribe } from './describe.ts';
import type { TextLine } from './describe-tree.ts';
import { isEventsTableStart, prepareEventsTable } from './events-table.ts';
import { prepareGet } from './get.ts';
import { prepareLogs } from './logs.ts';
import type { PreparedSection } from './prepared.ts';
import { prepareRollout } from './rollout.ts';
import type { Section } from './sections.ts';
import { isTableHeader, parseTables } from './tables.ts';
import { toldTime } from './told-time.ts';
import { isTopTable, prepareTop } from './top.ts';
import { prepareTree } from './tree.ts';
import { isTreeHeader } from './tree-table.ts';

// What kubectl prints instead of output when it fails.
const KUBECTL_ERROR_RE =
  /^(?:Error from server(?: \([A-Za-z]+\))?: |error: |Error: |Unable to connect to the server|The connection to the server .* was refused)/;
const YAML_OBJECT_RE = /^(?:apiVersion|kind|items|metadata):/;

export interface SectionResult {
  prepared: PreparedSection | null;
  /** Objects written straight away (JSON and YAML carry their own times). */
  direct: boolean;
  /** The command printed nothing (a log with no line, a filter that matched nothing). */
  empty?: boolean;
  /** When another command's output says it ran (`date`, `systemctl status`): what follows ran later. */
  told?: string;
}

/** Read one section; what cannot be read is an issue at its line. */
export async function readSection(section: Section, ctx: FileContext): Promise<SectionResult> {
  const none = { prepared: null, direct: false };
  const { command, lines } = section;
  const what = command ? `"${command.text}"` : 'text';
  const first = lines[0];
  // `Defaulted container "app" out of: …` comes before whatever `kubectl logs` prints, errors too.
  const [said, ...rest] = first && /^Defaulted container /.test(first.text) ? lines.slice(1) : lines;
  // `error: deployment "x" exceeded its progress deadline` and `error: timed out waiting for the
  // condition` (its --timeout) are what rollout status says of the workload.
  const printedError =
    said &&
    KUBECTL_ERROR_RE.test(said.text.trim()) &&
    !(
      command?.rolloutAction === 'status' &&
      /exceeded its progress deadline|timed out waiting for the condition/.test(said.text)
    )
      ? said
      : undefined;
  const failedLogs = command?.verb === 'logs';
  // kubectl's own error says more than the recorder's status; it is said once.
  if (section.error || (printedError && !(failedLogs && rest.length > 0))) {
    const text = printedError?.text.trim() ?? section.error!;
    issue(
      ctx,
      printedError?.line ?? section.line,
      `${failedLogs ? 'logs not captured' : `${what} failed`}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`,
    );
    if (printedError || lines.length === 0) return none;
  }
  if (!first) return { ...none, empty: true };
  const firstText = first.text.trim();
  // `No resources found in shop namespace.`: an answer, of nothing.
  if (/^No resources found\b/.test(firstText)) return none;
  if (section.tool !== undefined) {
    issue(
      ctx,
      section.line,
      `recorded output of the tool ${section.tool}, not of a kubectl command: not read`,
    );
    return none;
  }
  if (command && !command.kubectl) {
    const told = toldTime(lines);
    // `date` is read for its time; other commands' output is not read, though it may say when it ran.
    if (!(told && command.verb === 'date'))
      issue(ctx, section.line, `output of ${what} not read: only kubectl's output is`);
    return told ? { ...none, told } : none;
  }
  // A log is a log whatever its lines look like (JSON lines, YAML-ish text).
  if (command?.verb === 'logs') return { prepared: prepareLogs(lines, command, ctx), direct: false };
  if (command?.verb === 'rollout') {
    const prepared = prepareRollout(lines, command, ctx);
    if (prepared) return { prepared, direct: false };
  }
  if (isDescribeStart(first.text)) {
    return {
      prepared: prepareDescribe(lines, ctx, { kind: command?.kinds[0], namespace: command?.namespace }),
      direct: false,
    };
  }
  // A describe cut before its `Name:` (pasted from the middle): read from where it begins.
  const fragment = describeFragment(lines, command, ctx);
  if (fragment) return { prepared: fragment, direct: false };
  // The Events of a describe alone: of the one object the command names, when it names one.
  if (isEventsTableStart(lines.slice(0, 3).map((l) => l.text))) {
    const one = command?.verb === 'describe' && command.names.length === 1;
    const prepared = prepareEventsTable(lines, ctx, {
      kind: one ? command.kinds[0] : undefined,
      name: one ? command.names[0] : undefined,
      namespace: command?.namespace,
    });
    if (prepared) return { prepared, direct: false };
  }
  if (firstText.startsWith('{') || firstText.startsWith('[')) {
    await importJsonText(padded(lines), ctx);
    return { prepared: null, direct: true };
  }
  if (YAML_OBJECT_RE.test(firstText) || firstText === '---') {
    await importYamlText(padded(lines), ctx);
    return { prepared: null, direct: true };
  }
  // Ownership trees of plugins (lineage, tree): their header looks like a get table's.
  if (
    command?.verb === 'lineage' ||
    command?.verb === 'tree' ||
    (command === null && isTreeHeader(first.text))
  ) {
    const prepared = prepareTree(lines, command, ctx);
    if (prepared) return { prepared, direct: false };
  }
  // Usage from metrics-server: its columns are no object's.
  if (
    command?.verb === 'top' ||
    (command === null && isTableHeader(first.text) && isTopTable(parseTables([first])[0]?.headers ?? []))
  ) {
    const prepared = prepareTop(lines, command, ctx);
    if (prepared) return { prepared, direct: false };
  }
  // Tables of `kubectl get` only: other commands (plugins) print other columns.
  // Without a command or header, rows a pod's or node's values make out (`--no-headers` pasted alone).
  if (
    (command === null && (isTableHeader(first.text) || !section.preamble)) ||
    (command?.verb === 'get' && !command.output?.match(/^(yaml|json)$/))
  ) {
    const prepared = prepareGet(lines, command, ctx);
    if (prepared) return { prepared, direct: false };
  }
  // Notes before a transcript's first command are no one's output.
  if (section.preamble) return none;
  issue(ctx, first.line, unreadable(command, firstText));
  return none;
}

// A field of a describe at the left margin (`Containers:`, `Restart Count:  5`, `Events:`).
const DESCRIBE_FIELD_RE = /^[A-Z][\w .()/-]*:(?:\s|$)/;

/**
 * A describe whose head was cut off: of the one object its command names, read as if its `Name:`
 * were there; else its Events, when it reaches them. Null when it is no such fragment.
 */
function describeFragment(
  lines: readonly TextLine[],
  command: KubectlCommand | null,
  ctx: FileContext,
): PreparedSection | null {
  const first = lines[0]!;
  // The Events table alone is read as such (see events-table.ts).
  if (/^Events:/.test(first.text) || !DESCRIBE_FIELD_RE.test(first.text)) return null;
  if (lines.some((l) => isDescribeStart(l.text))) return null;
  const one = command?.verb === 'describe' && command.names.length === 1 && command.kinds.length === 1;
  if (one) {
    const [kind, name] = [command.kinds[0]!, command.names[0]!];
    note(
      ctx,
      first.line,
      `the describe of ${kind} ${name} begins at line ${first.line} without its head (cut before "Name:"): what follows is read, its name from the command`,
    );
    const named = [{ text: `Name: ${name}`, line: first.line }, ...lines];
    return prepareDescribe(named, ctx, { kind, namespace: command.namespace });
  }
  const eventsAt = lines.findIndex((l) => /^Events:/.test(l.text));
  if (eventsAt < 0 || !isEventsTableStart(lines.slice(eventsAt, eventsAt + 3).map((l) => l.text)))
    return null;
  const prepared = prepareEventsTable(lines.slice(eventsAt), ctx, {
    kind: command?.kinds[0],
    namespace: command?.namespace,
  });
  if (prepared)
    note(
      ctx,
      first.line,
      `a describe cut before its "Name:" (lines ${first.line}-${lines[eventsAt]!.line - 1}): only its Events are read; save it whole, or with the command that printed it`,
    );
  return prepared;
}

function unreadable(command: KubectlCommand | null, firstText: string): string {
  if (!command) return `text kstory does not read: "${firstText.slice(0, 80)}"`;
  return `output of "${command.text}" not read: kstory reads describe, get tables, top, logs, rollout, lineage and tree, -o yaml and -o json`;
}

/** The section's text with its lines where they are in the file, so that messages name the right line. */
function padded(lines: readonly TextLine[]): string {
  const first = lines[0]?.line ?? 1;
  return '\n'.repeat(first - 1) + lines.map((l) => l.text).join('\n');
}
