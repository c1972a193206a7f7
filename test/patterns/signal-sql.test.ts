// Compiled signal SQL on tiny bundles in a real DuckDB: which subjects a signal matches, when, how
// often and how much, and the evidence rows it shows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/bundle/duckdb.ts';
import type { BundleRow, ContainerRow } from '../../src/bundle/row.ts';
import { compileEvidence } from '../../src/patterns/evidence-sql.ts';
import { type Signal, SignalSchema } from '../../src/patterns/schema.ts';
import { mergeRegexAlternatives, type SubjectScope } from '../../src/patterns/signal-rows.ts';
import { compileProbe, compileSignal } from '../../src/patterns/signal-sql.ts';
import { SignalCompileError } from '../../src/patterns/where.ts';
import { viewsOver } from '../support/views.ts';

const RANGE = { start: '2026-03-01T10:00:00.000Z', end: '2026-03-01T11:00:00.000Z' };
const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000000Z`;

const pod = (
  minute: number,
  name: string,
  extra: Partial<BundleRow> = {},
  container: Partial<ContainerRow> = {},
): BundleRow => ({
  source: 'object',
  ts: at(minute),
  kind: 'Pod',
  namespace: 'shop',
  name,
  uid: `u-${name}`,
  resource_version: String(100 + minute),
  watch_event: 'MODIFIED',
  phase: 'Running',
  containers: [{ name: 'app', image: `registry.example.com/${name}:1`, ...container }],
  ...extra,
});

const event = (
  minute: number,
  name: string,
  reason: string,
  message: string,
  count: number,
  first: number,
): BundleRow => ({
  source: 'event',
  ts: at(minute),
  kind: 'Pod',
  namespace: 'shop',
  name,
  event_type: 'Warning',
  event_reason: reason,
  event_message: message,
  event_count: count,
  event_first: at(first),
  event_uid: `e-${name}-${reason}`,
});

const metric = (minute: number, name: string, value: number): BundleRow => ({
  source: 'metric',
  ts: at(minute),
  kind: 'Pod',
  namespace: 'shop',
  name,
  container: 'app',
  metric_name: name === 'web-1' ? 'container_memory_working_set_bytes' : 'http_errors_total',
  metric_value: value,
});

const ROWS: BundleRow[] = [
  pod(
    0,
    'web-1',
    {},
    {
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      restart_count: 5,
      message: 'back-off 40s restarting failed container',
      last_reason: 'OOMKilled',
      memory_limit_bytes: 1000,
    },
  ),
  pod(
    0,
    'web-2',
    {},
    {
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      restart_count: 1,
      message: 'back-off 10s restarting failed container',
    },
  ),
  pod(0, 'api-1', {}, { state: 'waiting', reason: 'ImagePullBackOff', message: 'Back-off pulling image' }),
  pod(0, 'api-2', {}, { state: 'running' }),
  // Pending for 10 minutes, then running; and a pod pending from 10:20 to the end.
  pod(0, 'batch-1', { phase: 'Pending' }),
  pod(10, 'batch-1', { phase: 'Running' }),
  pod(20, 'batch-2', { phase: 'Pending' }),
  // An HPA's attrs are text: 10 is more than 9.
  {
    source: 'object',
    ts: at(0),
    kind: 'HorizontalPodAutoscaler',
    namespace: 'shop',
    name: 'hpa-big',
    attrs: { max_replicas: '10' },
  },
  {
    source: 'object',
    ts: at(0),
    kind: 'HorizontalPodAutoscaler',
    namespace: 'shop',
    name: 'hpa-small',
    attrs: { max_replicas: '9' },
  },
  // One failed probe at start-up, then a burst 40 minutes later: the Event's count grows from 1 to 4.
  event(0, 'web-2', 'Unhealthy', 'Liveness probe failed: connection refused', 1, 0),
  event(40, 'web-2', 'Unhealthy', 'Liveness probe failed: connection refused', 4, 0),
  event(5, 'api-1', 'BackOff', 'Back-off pulling image', 3, 1),
  event(5, 'api-2', 'Scheduled', 'Successfully assigned', 1, 5),
  metric(0, 'web-1', 500),
  metric(5, 'web-1', 950),
  metric(10, 'web-1', 700),
  metric(0, 'api-1', 10),
  metric(5, 'api-1', 25),
  metric(10, 'api-1', 40),
  ...[1, 2, 3, 4, 5].map(
    (minute): BundleRow => ({
      source: 'log',
      ts: at(minute),
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-1',
      container: 'app',
      log_line: `panic: out of memory (${minute})`,
    }),
  ),
];

const signal = (spec: Record<string, unknown>): Signal => SignalSchema.parse(spec);

interface Hit {
  s_kind: string;
  s_name: string;
  s_container: string | null;
  first: string;
  last: string;
  occurrences: number;
  value: number | null;
  text: string;
}

describe('compiled signals on a tiny bundle', () => {
  let db: Database;
  beforeAll(async () => {
    db = await viewsOver(ROWS);
  });
  afterAll(() => db.close());

  const hits = async (spec: Record<string, unknown>, scope: SubjectScope = {}): Promise<Hit[]> => {
    const compiled = compileSignal(signal(spec), RANGE, scope);
    return db.all<Hit>(compiled.sql, compiled.params);
  };
  const names = async (spec: Record<string, unknown>) => (await hits(spec)).map((h) => h.s_name);

  it.each([
    [{ reason: 'CrashLoopBackOff' }, ['web-1', 'web-2']],
    [{ 'restart_count|gte': 3 }, ['web-1']],
    [{ 'restart_count|lt': 3 }, ['web-2']],
    [{ 'reason|in': ['ImagePullBackOff', 'ErrImagePull'] }, ['api-1']],
    [{ 'reason|not_in': ['CrashLoopBackOff'] }, ['api-1', 'api-2', 'batch-1', 'batch-2']],
    [{ 'reason|ne': 'CrashLoopBackOff', state: 'waiting' }, ['api-1']],
    [{ reason: null, state: 'running' }, ['api-2']],
    [{ 'message|contains': 'pulling' }, ['api-1']],
    [{ 'message|not_contains': 'back-off', state: 'waiting' }, ['api-1']],
    [{ 'message|re': '^back-off [0-9]+s' }, ['web-1', 'web-2']],
    [{ 'message|not_re': 'back-off', state: 'waiting' }, ['api-1']],
    [{ 'image|startswith': 'registry.example.com/web' }, ['web-1', 'web-2']],
    [{ 'last_reason|exists': true }, ['web-1']],
  ])('where %j matches the containers of %j', async (where, expected) => {
    expect(await names({ from: 'containers', where })).toEqual(expected);
  });

  it('compares a map value as a number when the bound is one', async () => {
    expect(await names({ from: 'objects', where: { 'attrs.max_replicas|gte': 10 } })).toEqual(['hpa-big']);
    expect(await names({ from: 'objects', where: { 'attrs.max_replicas|gte': '10' } })).toEqual([
      'hpa-big',
      'hpa-small',
    ]);
  });

  it('takes the subject of the view: the pod and container of a containers row', async () => {
    const [hit] = await hits({ from: 'containers', where: { 'restart_count|gte': 3 } });
    expect(hit).toMatchObject({ s_kind: 'Pod', s_name: 'web-1', s_container: 'app' });
    expect(hit!.text).toBe(
      'container app waiting CrashLoopBackOff restarts=5 (last: OOMKilled) - back-off 40s restarting failed container',
    );
  });

  it('needs one of the `any` alternatives besides `where`', async () => {
    const spec = {
      from: 'events',
      where: { event_type: 'Warning' },
      any: [{ event_reason: 'BackOff' }, { 'event_message|contains': 'probe failed' }],
    };
    expect(await names(spec)).toEqual(['api-1', 'web-2']);
  });

  it('starts a row-level "max ≥" at the first row that crossed it, and reports the largest value', async () => {
    const [hit] = await hits({
      from: 'metrics',
      where: { metric_name: 'container_memory_working_set_bytes' },
      aggregate: { fn: 'max', field: 'metric_value', gte: 900 },
    });
    expect(hit).toMatchObject({ s_name: 'web-1', first: at(5), last: at(5), occurrences: 1, value: 950 });
    expect(
      await hits({ from: 'metrics', aggregate: { fn: 'max', field: 'metric_value', gte: 1000 } }),
    ).toEqual([]);
  });

  it('compares a delta or a count with its bound over all matching rows', async () => {
    const delta = {
      from: 'metrics',
      where: { metric_name: 'http_errors_total' },
      aggregate: { fn: 'delta', field: 'metric_value' },
    };
    expect(await hits({ ...delta, aggregate: { ...delta.aggregate, gte: 30 } })).toMatchObject([
      { s_name: 'api-1', value: 30, first: at(0), last: at(10) },
    ]);
    expect(await hits({ ...delta, aggregate: { ...delta.aggregate, gte: 31 } })).toEqual([]);
    const lines = { from: 'logs', where: { 'log_line|contains': 'panic' } };
    expect(await hits({ ...lines, aggregate: { fn: 'count', gte: 5 } })).toMatchObject([
      { s_name: 'web-1', occurrences: 5, value: 5 },
    ]);
    expect(await hits({ ...lines, aggregate: { fn: 'count', gte: 6 } })).toEqual([]);
  });

  it('makes a state last until the next version, or the end of the range, and `latest` keeps the final state only', async () => {
    expect(await hits({ from: 'pods', where: { phase: 'Pending' } })).toMatchObject([
      { s_name: 'batch-1', first: at(0), last: at(10) },
      { s_name: 'batch-2', first: at(20), last: '2026-03-01T11:00:00.000000Z' },
    ]);
    expect(await names({ from: 'pods', where: { phase: 'Pending' }, lasting: '30m' })).toEqual(['batch-2']);
    expect(await names({ from: 'pods', where: { phase: 'Pending' }, latest: true })).toEqual(['batch-2']);
  });

  it('counts the repeats of an Event in bursts: a lone occurrence long before does not start the signal', async () => {
    expect(await hits({ from: 'events', where: { event_reason: 'Unhealthy' }, min_count: 3 })).toMatchObject([
      { s_name: 'web-2', first: at(40), last: at(40), occurrences: 3 },
    ]);
    expect(await hits({ from: 'events', where: { event_reason: 'Unhealthy' }, min_count: 4 })).toEqual([]);
  });

  it('says with `breakdown` what the rows were, each value with how often, the most frequent first', async () => {
    const [hit] = await hits({
      from: 'events',
      subject: { kind: 'Namespace', name: 'namespace', namespace: null },
      breakdown: 'event_reason',
    });
    expect(hit).toMatchObject({
      s_kind: 'Namespace',
      s_name: 'shop',
      text: 'Unhealthy ×4; BackOff ×3; Scheduled ×1',
    });
    const [logs] = await hits({
      from: 'logs',
      breakdown: 'log_line',
      where: { 'log_line|contains': 'panic' },
    });
    expect(logs!.text).toBe(
      'panic: out of memory (1) ×1; panic: out of memory (2) ×1; panic: out of memory (3) ×1; panic: out of memory (4) ×1; panic: out of memory (5) ×1',
    );
  });

  it('asks only about the subjects in scope', async () => {
    expect(
      (await hits({ from: 'containers', where: { reason: 'CrashLoopBackOff' } }, { names: ['web-2'] })).map(
        (h) => h.s_name,
      ),
    ).toEqual(['web-2']);
  });

  it('narrows the range to the signal window', async () => {
    expect(await names({ from: 'events', where: { event_type: 'Warning' }, window: '30m' })).toEqual([
      'web-2',
    ]);
  });

  it('reads `any` regular expressions on one field as one, each keeping its own flags', async () => {
    expect(
      mergeRegexAlternatives([
        { 'log_line|re': '(?i)panic' },
        { kind: 'Pod' },
        { 'log_line|re': 'a|b' },
        { 'log_line|re': 'x', kind: 'Pod' },
        { 'event_message|re': 'c' },
      ]),
    ).toEqual([
      { 'log_line|re': '(?:(?i)panic)|(?:a|b)' },
      { kind: 'Pod' },
      { 'log_line|re': 'x', kind: 'Pod' },
      { 'event_message|re': 'c' },
    ]);
    const lines = (...expressions: string[]) =>
      names({ from: 'logs', where: {}, any: expressions.map((e) => ({ 'log_line|re': e })) });
    expect(await lines('SEGV', '(?i)PANIC: OUT')).toEqual(['web-1']);
    // The (?i) of one expression does not make the next one ignore case.
    expect(await lines('SEGV', '(?i)segv', 'OUT OF MEMORY')).toEqual([]);
    expect(await lines('^out', 'memory \\(3\\)$')).toEqual(['web-1']);
  });

  it('probes whether the view has a matching row at all', async () => {
    const probe = async (spec: Record<string, unknown>) => {
      const compiled = compileProbe(signal(spec), RANGE);
      const [row] = await db.all<{ hit: boolean }>(`SELECT ${compiled.sql} AS hit`, compiled.params);
      return row!.hit;
    };
    expect(await probe({ from: 'logs', where: { 'log_line|contains': 'panic' } })).toBe(true);
    expect(await probe({ from: 'logs', where: { 'log_line|contains': 'segfault' } })).toBe(false);
  });

  it('shows as evidence the first matching row and the newest ones, up to the limit per subject', async () => {
    const compiled = compileEvidence(
      signal({ from: 'logs', where: { 'log_line|contains': 'panic' } }),
      RANGE,
      3,
    );
    const rows = await db.all(compiled.sql, compiled.params);
    expect(rows.map((r) => [r.ts, r.source, r.excerpt])).toEqual([
      [at(1), 'log', 'app: panic: out of memory (1)'],
      [at(4), 'log', 'app: panic: out of memory (4)'],
      [at(5), 'log', 'app: panic: out of memory (5)'],
    ]);
  });

  it('refuses a field the view does not have, before any SQL runs', () => {
    expect(() => compileSignal(signal({ from: 'containers', where: { event_reason: 'x' } }), RANGE)).toThrow(
      SignalCompileError,
    );
    expect(() => compileSignal(signal({ from: 'events', where: { 'labels.app': 'x' } }), RANGE)).toThrow(
      'only the map columns labels, selector, attrs and metric_labels take a key',
    );
  });
});
