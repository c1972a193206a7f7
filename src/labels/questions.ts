// The question of a troubleshooting label, as an on-call engineer would ask it from the symptoms
// alone (never naming the cause), in several phrasings. Deterministic: the label's id chooses where
// in the list of phrasings a label starts, so that a dataset does not ask everything the same way.

export interface Symptom {
  /** What is seen, as the catalogue titles it: "Service has no ready endpoints". */
  title: string;
  /** Where: `shop/Service cart`. */
  subject: string;
  namespace: string | null;
  cluster: string | null;
  /** When it began, `2026-03-02 09:09 UTC`. */
  since: string;
  /** Other things seen at the same time, titles. */
  others: string[];
}

const lower = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** Every phrasing; `kstory labels --questions N` takes N of them. */
export const PHRASINGS: readonly ((s: Symptom) => string)[] = [
  (s) => `${s.subject}: ${lower(s.title)}. What is the root cause?`,
  (s) => `Why is this happening: ${lower(s.title)} (${s.subject})? How do I fix it?`,
  (s) =>
    `I'm on call${s.cluster ? ` for cluster ${s.cluster}` : ''} and since ${s.since} ${s.subject} shows: ${lower(s.title)}. What started it?`,
  (s) =>
    `In ${s.namespace ? `namespace ${s.namespace}` : `cluster ${s.cluster ?? ''}`.trim()} we see ${lower(s.title)} on ${s.subject}${s.others.length > 0 ? `, and also ${s.others.map(lower).join('; ')}` : ''}. What is the underlying cause, and what should I do?`,
  (s) => `What change or fault made ${s.subject} report "${s.title}", and how do I resolve it?`,
  (s) => `${s.subject} has a problem since ${s.since}: ${lower(s.title)}. Walk me through the diagnosis.`,
  (s) => `Explain the cause of "${s.title}" on ${s.subject} and give the steps to recover.`,
  (s) => `Is "${s.title}" on ${s.subject} the real problem or a symptom of something else?`,
];

export const MAX_QUESTIONS = PHRASINGS.length;

/** `count` phrasings, starting at a place the seed (a label id) chooses; the first is the question. */
export function phraseQuestions(symptom: Symptom, count: number, seed: string): string[] {
  const start = Number.parseInt(seed.replace(/[^0-9a-f]/g, '').slice(-6) || '0', 16) % PHRASINGS.length;
  const n = Math.max(1, Math.min(count, PHRASINGS.length));
  return Array.from({ length: n }, (_, i) => PHRASINGS[(start + i) % PHRASINGS.length]!(symptom));
}
