// "Did you mean": the known names nearest to one a user wrote, for errors about unknown names.

import { distance } from 'fastest-levenshtein';

/** Up to `max` of `known` nearest to `name` (case-insensitive edit distance), nearest first; names
 * that contain it or that it contains come first, then those that start as it does (a pod named
 * without its generated suffix). */
export function nearestNames(name: string, known: Iterable<string>, max = 5): string[] {
  const wanted = name.toLowerCase();
  const scored = [...new Set(known)].map((candidate) => {
    const lower = candidate.toLowerCase();
    const contains = lower.includes(wanted) || wanted.includes(lower);
    let common = 0;
    while (common < wanted.length && wanted[common] === lower[common]) common++;
    const sameStart = common >= Math.max(4, wanted.length * 0.7);
    return { candidate, score: distance(wanted, lower) - (contains ? 1000 : sameStart ? 500 : 0) };
  });
  const limit = Math.max(3, Math.floor(wanted.length / 2));
  return scored
    .filter((s) => s.score <= limit)
    .sort((a, b) => a.score - b.score || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, max)
    .map((s) => s.candidate);
}
