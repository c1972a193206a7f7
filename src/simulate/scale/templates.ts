// The documents the scale generator replicates: taken from a short run of the real simulator (pods,
// nodes, workloads, events, audit entries), then instantiated with other identities and times by
// swapping names, uids and timestamps in their JSON text.

import type { Json } from '../engine/json.ts';
import { ArraySink, type SimRecord } from '../engine/records.ts';
import { Simulation } from '../engine/simulation.ts';
import { parseScenario } from '../scenario/load.ts';

/** A short run of the real simulator whose documents serve as templates. */
export function harvestTemplates(seed: number, start: number): SimRecord[] {
  const scenario = parseScenario(
    {
      name: 'scale-templates',
      description: 'documents the scale generator replicates',
      duration: '12m',
      nodes: [{ name: 'tmpl-node', cpu: 16, memory: '64Gi' }],
      namespaces: ['tmpl-ns'],
      users: [
        { name: 'alice' },
        {
          name: 'system:serviceaccount:monitoring:prometheus',
          groups: ['system:serviceaccounts', 'system:authenticated'],
        },
      ],
      workloads: [
        {
          kind: 'Deployment',
          namespace: 'tmpl-ns',
          name: 'tmpl-app',
          replicas: 1,
          containers: [
            {
              name: 'app',
              image: 'registry.example.com/tmpl-app:1.0.0',
              ports: [8080],
              requests: { cpu: '100m', memory: '128Mi' },
              limits: { memory: '256Mi' },
              readiness: { path: '/ready', port: 8080 },
            },
          ],
        },
        {
          kind: 'Deployment',
          namespace: 'tmpl-ns',
          name: 'tmpl-crash',
          replicas: 1,
          containers: [
            {
              name: 'app',
              image: 'registry.example.com/tmpl-crash:1.0.0',
              env: [{ name: 'MODE', value: 'ok' }],
              app: { config: { env: 'MODE', valid: '^ok$' } },
            },
          ],
        },
      ],
      timeline: [
        {
          at: '1m',
          action: 'set-image',
          namespace: 'tmpl-ns',
          name: 'tmpl-app',
          image: 'registry.example.com/tmpl-app:1.0.1',
        },
        {
          at: '1m',
          action: 'set-env',
          namespace: 'tmpl-ns',
          name: 'tmpl-crash',
          env: [{ name: 'MODE', value: 'broken' }],
        },
        {
          at: '2m',
          action: 'api-requests',
          user: 'system:serviceaccount:monitoring:prometheus',
          verb: 'list',
          resource: 'pods',
        },
      ],
    },
    'scale-templates',
  );
  const sink = new ArraySink();
  new Simulation(scenario, sink, { seed, start }).run();
  return sink.records;
}

export interface Template {
  text: string;
  /** Time the template was observed at (ms). */
  at: number;
}

const TS_SOURCE = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d+))?Z`;

/**
 * A template cut at the identities it swaps and at its timestamps, once per template and list of
 * identities: instantiating it is then one concatenation, not a split/join per identity and a
 * regular-expression pass over the text (the generator's hot spot at millions of rows).
 */
interface Compiled {
  /** Literal text between the slots: one more than the slots. */
  parts: string[];
  /** Index into the swaps' values, or a timestamp (ms, and its fraction digits). */
  slots: ({ swap: number } | { ms: number; frac: string })[];
}

const compiledTemplates = new WeakMap<Template, Map<string, Compiled>>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(t: Template, froms: string[]): Compiled {
  let byKey = compiledTemplates.get(t);
  if (!byKey) {
    byKey = new Map();
    compiledTemplates.set(t, byKey);
  }
  const key = froms.join('\u0000');
  const cached = byKey.get(key);
  if (cached) return cached;
  // At each position the first identity of the list that matches wins, as when they were
  // replaced one after the other (longer, specific names come before the names they contain).
  const re = new RegExp([...froms.filter(Boolean).map(escapeRegExp), TS_SOURCE].join('|'), 'g');
  const parts: string[] = [];
  const slots: Compiled['slots'] = [];
  let last = 0;
  for (const m of t.text.matchAll(re)) {
    const index = froms.indexOf(m[0]);
    parts.push(t.text.slice(last, m.index));
    slots.push(index >= 0 ? { swap: index } : { ms: Date.parse(m[0]), frac: m[1] ?? '' });
    last = m.index + m[0].length;
  }
  parts.push(t.text.slice(last));
  const compiled = { parts, slots };
  byKey.set(key, compiled);
  return compiled;
}

/** A template with identities swapped and every timestamp moved by the same offset. */
export function instantiate(t: Template, swaps: [string, string][], at: number): Json {
  const c = compile(
    t,
    swaps.map(([from]) => from),
  );
  const delta = at - t.at;
  let text = c.parts[0]!;
  for (let i = 0; i < c.slots.length; i++) {
    const slot = c.slots[i]!;
    if ('swap' in slot) text += swaps[slot.swap]![1];
    else {
      // The same precision as the original: seconds, or milliseconds and finer digits kept.
      const moved = new Date(slot.ms + delta).toISOString();
      text += slot.frac
        ? `${moved.slice(0, 20 + Math.min(3, slot.frac.length))}${slot.frac.slice(3)}Z`
        : `${moved.slice(0, 19)}Z`;
    }
    text += c.parts[i + 1]!;
  }
  return JSON.parse(text) as Json;
}
