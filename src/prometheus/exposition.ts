// The Prometheus text exposition format (0.0.4 and OpenMetrics): what `/metrics` of kube-state-metrics,
// cAdvisor or any exporter answers, one sample per line.

import { parseSampleValue } from './response.ts';

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Whether text looks like the exposition format: comments of the format, or a sample line. */
export function looksLikeExposition(firstLines: string[]): boolean {
  for (const line of firstLines) {
    if (line.trim() === '') continue;
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) return true;
    return /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?\s+[-+0-9.eEnaNIf]+(\s+-?\d+)?\s*$/.test(line);
  }
  return false;
}

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number | null;
}

/** One exposition line: a sample, null for comments and blank lines, or an error message. */
export function parseExpositionLine(line: string): ParsedSample | null | string {
  if (line === '' || line.startsWith('#')) return null;
  const nameMatch = METRIC_NAME_RE.exec(line);
  if (!nameMatch) return 'not a sample line';
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const eq = line.indexOf('=', i);
      if (eq === -1 || line[eq + 1] !== '"') return 'malformed label set';
      const key = line.slice(i, eq).trim();
      let value = '';
      let j = eq + 2;
      for (; j < line.length; j++) {
        const ch = line[j];
        if (ch === '\\') {
          const next = line[++j];
          value += next === 'n' ? '\n' : (next ?? '');
        } else if (ch === '"') break;
        else value += ch;
      }
      if (j >= line.length) return 'unterminated label value';
      labels[key] = value;
      i = j + 1;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseSampleValue(rest[0]);
  if (value === null) return `unreadable value "${rest[0] ?? ''}"`;
  const timestampMs = rest[1] !== undefined ? Number(rest[1]) : null;
  if (timestampMs !== null && !Number.isFinite(timestampMs)) return `unreadable timestamp "${rest[1]}"`;
  return { name, labels, value, timestampMs };
}
