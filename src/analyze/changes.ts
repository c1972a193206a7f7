// The changes in the window that explain no failure, grouped: the same change by the same author to
// several objects of one kind under one owner (the pods of a Deployment someone deleted) is one
// line, "alice deleted 12 Pods of Deployment shop/checkout", not one line per pod.

import { formatTime } from '../vocab/units.ts';
import type { ReportChange, ReportFinding } from './report.ts';

/** The reference to a subject as the changes view writes it into its excerpts (`Pod shop/web-1`). */
function subjectRef(finding: ReportFinding): string {
  const s = finding.subject;
  return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}

/** What the change did, in the words of its first signal, with its own subject left out: the same
 * for every object one author changed the same way. Null when the words do not name the subject. */
function changeWithout(finding: ReportFinding): { text: string; ref: string } | null {
  const ref = subjectRef(finding);
  const text = Object.values(finding.signals)[0]?.text;
  return text?.includes(ref) ? { text, ref } : null;
}

function plural(kind: string, n: number): string {
  return n === 1 ? kind : kind.endsWith('s') ? `${kind}es` : `${kind}s`;
}

/** Changes no incident holds (info findings outside every incident), one group per pattern, author
 * and wording, kind and owner (or namespace when nothing owns them); in time order. */
export function groupChanges(findings: readonly ReportFinding[]): ReportChange[] {
  const groups = new Map<string, { members: ReportFinding[]; text: string | null }>();
  for (const finding of findings) {
    if (finding.incident !== null || finding.severity !== 'info') continue;
    const change = changeWithout(finding);
    const key = change
      ? [
          finding.pattern,
          finding.variant ?? '',
          finding.subject.kind,
          finding.owner ?? `namespace ${finding.subject.namespace ?? ''}`,
          change.text.replace(change.ref, '\0'),
        ].join('\u0001')
      : `finding ${finding.id}`;
    const group = groups.get(key) ?? {
      members: [],
      text: change ? change.text.replace(change.ref, '\0') : null,
    };
    group.members.push(finding);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ members: found, text }): ReportChange => {
      const members = [...found].sort((a, b) => a.first.localeCompare(b.first) || a.id - b.id);
      const first = members.map((m) => m.first).sort()[0]!;
      const last = members
        .map((m) => m.last)
        .sort()
        .at(-1)!;
      const head = members[0]!;
      const owner = head.owner;
      const namespace = head.subject.namespace;
      let summary = head.summary;
      if (members.length > 1 && text !== null) {
        const where = owner ? ` of ${owner}` : namespace ? ` in namespace ${namespace}` : '';
        const what = text.replace(
          '\0',
          `${members.length} ${plural(head.subject.kind, members.length)}${where}`,
        );
        summary = `${what}, between ${formatTime(first)} and ${formatTime(last)}.`;
      }
      return {
        summary,
        pattern: head.pattern,
        kind: head.subject.kind,
        namespace,
        owner,
        objects: members.map((m) => m.subject.name).sort(),
        first,
        last,
        findings: members.map((m) => m.id),
      };
    })
    .sort((a, b) => a.first.localeCompare(b.first) || a.summary.localeCompare(b.summary));
}
