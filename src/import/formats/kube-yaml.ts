// `kubectl get -o yaml` output and YAML manifests: one or more documents separated by `---`, each
// parsed on its own so that a damaged one costs only itself.

import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';
import { messageOf } from '../../errors.ts';
import { type FileContext, issue } from '../context.ts';
import { importDocument } from '../documents.ts';
import { defineFormat } from '../format.ts';

// `metadata:` alone: an object saved without kind, in a layout whose path says which (kind-inference.ts).
const YAML_OBJECT_RE = /^(?:- )?(?:apiVersion|kind|items|metadata):/m;

export const kubeYaml = defineFormat({
  name: 'kube-yaml',
  description:
    'kubectl get -o yaml and YAML manifests: objects, Lists and events, several documents per file',
  detect: (head) => {
    if (head.text.startsWith('---') || head.text.startsWith('%YAML'))
      return { confidence: 0.5, reason: 'a YAML stream' };
    if (YAML_OBJECT_RE.test(head.text.slice(0, 16384)))
      return { confidence: 0.4, reason: 'YAML keys of a Kubernetes object' };
    return null;
  },
  import: async (body, ctx) => importYamlText(await body.text(), ctx),
});

/**
 * YAML text: one or more documents separated by `---`. Each document is parsed on its own, so a
 * damaged one costs only itself. js-yaml with the core schema: timestamps stay strings, and it
 * parses kubectl's YAML several times faster than the alternatives (must-gathers hold ~50 MB).
 */
export async function importYamlText(text: string, ctx: FileContext): Promise<void> {
  for (const doc of splitYamlDocuments(text)) {
    let value: unknown;
    try {
      value = loadYaml(doc.text, { schema: CORE_SCHEMA, json: true });
    } catch (error) {
      const mark = error instanceof YAMLException ? error.mark : undefined;
      const reason = error instanceof YAMLException ? error.reason : messageOf(error);
      issue(ctx, doc.line + (mark?.line ?? 0), `invalid YAML: ${reason}`);
      continue;
    }
    if (value === null || value === undefined) continue;
    await importDocument(value, doc.line, ctx);
  }
}

const YAML_SEPARATOR_RE = /^(?:---|\.\.\.)(?:[ \t].*)?$/;

export function* splitYamlDocuments(text: string): Generator<{ text: string; line: number }> {
  let start = 0;
  let startLine = 1;
  let line = 1;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    // Only a bare separator splits: `--- !tag` or `--- {` would carry content, so they stay.
    if (text.charCodeAt(pos) === 45 || text.charCodeAt(pos) === 46) {
      const current = text.slice(pos, end).replace(/\r$/, '');
      if (YAML_SEPARATOR_RE.test(current) && current.slice(3).trim() === '') {
        if (pos > start) yield { text: text.slice(start, pos), line: startLine };
        start = end + 1;
        startLine = line + 1;
      }
    }
    pos = end + 1;
    line++;
  }
  if (start < text.length) yield { text: text.slice(start), line: startLine };
}
