// Format detection from content: the first kilobytes of a file decide what it is, whatever its
// name; the path only adds context (which pod a log file belongs to).

import { isAuditEntry } from './formats/audit.ts';
import { type LogFlavour, logFlavourOf } from './formats/logs.ts';
import { looksLikeExposition } from './formats/prometheus.ts';

export type Format =
  | { kind: 'audit-log' }
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'container-log'; flavour: LogFlavour }
  | { kind: 'prometheus-text' }
  | { kind: 'unknown'; reason: string };

const YAML_OBJECT_RE = /^(?:- )?(?:apiVersion|kind|items):/m;

export function detectFormat(headText: string, relPath: string): Format {
  const text = headText.trimStart();
  if (text === '') return { kind: 'unknown', reason: 'empty file' };
  const firstLines = text.split('\n', 20).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // A template directive at the start of a line; templates inside block scalars are indented.
  if (/^\{\{/m.test(text.slice(0, 16384))) {
    return { kind: 'unknown', reason: 'template (Helm/Go), not rendered objects' };
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    if (text.startsWith('{"log":')) return { kind: 'container-log', flavour: 'docker-json' };
    // A damaged first line must not hide an audit log: look at the first few lines.
    for (const line of firstLines.slice(0, 5)) {
      try {
        if (isAuditEntry(JSON.parse(line))) return { kind: 'audit-log' };
      } catch {
        // A pretty-printed document or a damaged line: try the next one.
      }
    }
    return { kind: 'json' };
  }
  const flavour = logFlavourOf(firstLines);
  if (flavour !== 'plain') return { kind: 'container-log', flavour };
  if (looksLikeExposition(firstLines.filter((l) => !l.startsWith('# ') || /^# (HELP|TYPE) /.test(l)))) {
    return { kind: 'prometheus-text' };
  }
  if (text.startsWith('---') || text.startsWith('%YAML') || YAML_OBJECT_RE.test(text.slice(0, 16384)))
    return { kind: 'yaml' };
  if (/\.html?$/i.test(relPath) || /^<(!doctype|html)/i.test(text))
    return { kind: 'unknown', reason: 'HTML page' };
  if (/(?:^|\/)host_service_logs\//.test(relPath))
    return { kind: 'unknown', reason: 'host service log (journal text), not a container log' };
  return { kind: 'unknown', reason: 'unrecognised content' };
}
