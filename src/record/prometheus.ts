// The Prometheus source of `kstory record`: range queries over the recording's window, written as
// metric rows. `--once` asks for the last `--since` in one round; a continuous recording asks every
// couple of minutes for what is new, and once more when it stops. A query that fails is retried in
// the next round (Prometheus still has the data), and what stays missing at the end is a gap.

import type { Gap } from '../bundle/metadata.ts';
import type { BundleRow } from '../bundle/row.ts';
import { messageOf } from '../errors.ts';
import { queryResultRows } from '../prometheus/response.ts';
import {
  type AuthKind,
  PrometheusClient,
  type PrometheusConnection,
  PrometheusError,
} from './prometheus-client.ts';
import {
  BUILTIN_QUERIES,
  chooseStepSeconds,
  expandExpr,
  formatStep,
  loadPromqlFile,
  mergeQueries,
  type PromQuery,
  rangeChunks,
  rateIntervalSeconds,
} from './prometheus-queries.ts';

export interface PrometheusSourceOptions extends PrometheusConnection {
  /** Extra named queries (see loadPromqlFile). */
  promqlFile?: string;
  /** The step; by default one that gives about 1,000 points per series over the window. */
  stepMs?: number;
  /** Continuous recordings: ask for what is new this often. Default 2 minutes. */
  intervalMs?: number;
}

/** What was asked and what came back: the bundle's `extra.prometheus`, and the closing summary. */
export interface PrometheusReport {
  /** Without credentials. */
  url: string;
  auth: AuthKind;
  step: string;
  rate_interval: string;
  window: { start: string | null; end: string | null };
  requests: number;
  failed_requests: number;
  queries: {
    name: string;
    expr: string;
    from: string;
    /** Series in the largest answer. */
    series: number;
    samples: number;
    /** Why the query still lacked part of the window at the end; null when it has all of it. */
    error: string | null;
  }[];
  warnings: string[];
}

interface QueryState {
  query: PromQuery;
  expr: string;
  /** The first point (seconds, on the step) not fetched yet. */
  next: number;
  series: number;
  samples: number;
  error: string | null;
  /** Asking again cannot help (bad PromQL): the query is not sent any more. */
  permanent: boolean;
}

const ONE_HOUR_MS = 3_600_000;
const DEFAULT_INTERVAL_MS = 120_000;
/** Samples of the last scrape interval may not be ingested yet: periodic rounds stop short of now. */
const SETTLE_S = 60;
/** How long the final round may take once the recording is told to stop. */
const FINAL_ROUND_BUDGET_MS = 60_000;
/** Queries in flight at once: quick on a big window, gentle on the server. */
const CONCURRENCY = 4;

/** Reads the credentials and the --promql file, so that mistakes stop the command before it records. */
export function checkPrometheusOptions(options: PrometheusSourceOptions): void {
  PrometheusClient.create(options).close();
  if (options.promqlFile !== undefined) loadPromqlFile(options.promqlFile);
}

export class PrometheusCollector {
  private readonly client: PrometheusClient;
  private readonly states: QueryState[];
  private readonly stepS: number;
  private windowStartS: number | null = null;
  private windowEndS: number | null = null;
  private requests = 0;
  private failedRequests = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** The last message logged per query (or `*` for the server), so that a failure repeating each round logs once. */
  private readonly logged = new Map<string, string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly p: {
      options: PrometheusSourceOptions;
      once: boolean;
      /** --since: where the window starts; with --once the default is an hour ago, otherwise the start. */
      since?: Date;
      /** A continuous recording's planned length, for the step. */
      durationMs?: number;
      emit: (row: BundleRow) => void;
      addGap: (gap: Gap) => void;
      log: (line: string) => void;
      /** The recording's stop signal. */
      signal: AbortSignal;
    },
  ) {
    this.client = PrometheusClient.create(p.options);
    const user = p.options.promqlFile !== undefined ? loadPromqlFile(p.options.promqlFile) : [];
    const sinceMs = p.since ? Math.max(0, Date.now() - p.since.getTime()) : undefined;
    const windowMs = p.once ? (sinceMs ?? ONE_HOUR_MS) : (sinceMs ?? 0) + (p.durationMs ?? ONE_HOUR_MS);
    this.stepS =
      p.options.stepMs !== undefined
        ? Math.max(1, Math.round(p.options.stepMs / 1000))
        : chooseStepSeconds(windowMs);
    this.states = mergeQueries(BUILTIN_QUERIES, user).map((query) => ({
      query,
      expr: expandExpr(query.expr, this.stepS),
      next: 0,
      series: 0,
      samples: 0,
      error: null,
      permanent: false,
    }));
  }

  /** --once: the last --since (default 1h), in one round. */
  async collectOnce(): Promise<void> {
    const nowS = Date.now() / 1000;
    this.begin((this.p.since?.getTime() ?? nowS * 1000 - ONE_HOUR_MS) / 1000);
    const endS = Math.floor(nowS);
    await this.round(endS, this.p.signal, 'stopped before the Prometheus queries finished');
    this.end(endS);
  }

  /** A continuous recording: a first round now (the --since history, or a check that the server answers), then one every interval. */
  start(): void {
    this.begin((this.p.since?.getTime() ?? Date.now()) / 1000);
    this.periodic(true);
    this.timer = setInterval(() => this.periodic(false), this.p.options.intervalMs ?? DEFAULT_INTERVAL_MS);
  }

  /** The recording stopped: ask for everything up to now, then note what is still missing as gaps. */
  async finish(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // A round in flight was stopped with the recording; what it did not fetch, this round asks for.
    await this.running;
    const endS = Math.floor(Date.now() / 1000);
    await this.round(
      endS,
      AbortSignal.timeout(FINAL_ROUND_BUDGET_MS),
      `no answer within ${FINAL_ROUND_BUDGET_MS / 1000}s of the recording stopping`,
    );
    this.end(endS);
  }

  report(): PrometheusReport {
    const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());
    return {
      url: this.client.displayUrl,
      auth: this.client.auth,
      step: formatStep(this.stepS),
      rate_interval: formatStep(rateIntervalSeconds(this.stepS)),
      window: { start: iso(this.windowStartS), end: iso(this.windowEndS) },
      requests: this.requests,
      failed_requests: this.failedRequests,
      queries: this.states.map((s) => ({
        name: s.query.name,
        expr: s.expr,
        from: s.query.from,
        series: s.series,
        samples: s.samples,
        error: s.error,
      })),
      warnings: [...this.client.warnings],
    };
  }

  private begin(startS: number): void {
    // Points on multiples of the step: successive rounds then continue each other exactly.
    const first = Math.ceil(startS / this.stepS) * this.stepS;
    this.windowStartS = first;
    for (const state of this.states) state.next = first;
  }

  private periodic(first: boolean): void {
    if (this.running || this.p.signal.aborted) return;
    const endS = Math.floor((Date.now() / 1000 - SETTLE_S) / this.stepS) * this.stepS;
    const round = async () => {
      const hasWork = this.states.some((s) => !s.permanent && s.next <= endS);
      if (hasWork) await this.round(endS, this.p.signal, 'stopped');
      else if (first) await this.probe();
    };
    this.running = round()
      .catch((error: unknown) => this.p.log(`error: prometheus: ${messageOf(error)}`))
      .finally(() => {
        this.running = null;
      });
  }

  /** Nothing to ask yet: check that the server answers, so a wrong URL or token shows now, not in minutes. */
  private async probe(): Promise<void> {
    const nowS = Math.floor(Date.now() / 1000);
    try {
      this.requests++;
      await this.client.queryRange('vector(1)', { start: nowS, end: nowS, step: this.stepS }, this.p.signal);
    } catch (error) {
      this.failedRequests++;
      if (!this.p.signal.aborted)
        this.say('*', `warning: prometheus: ${messageOf(error)} (retrying next round)`);
    }
  }

  /** Fetch every query's points up to `endS`; failures leave the query where it was, for the next round. */
  private async round(endS: number, signal: AbortSignal, stoppedReason: string): Promise<void> {
    this.client.refreshToken();
    let serverError: PrometheusError | null = null;
    const failures: { state: QueryState; error: PrometheusError }[] = [];
    const pending = this.states.filter((s) => !s.permanent && s.next <= endS);
    // Only an answer proves the server is back: a round cut short by the stop fails nothing either.
    let answered = 0;
    await forEachLimited(pending, CONCURRENCY, async (state) => {
      for (const chunk of rangeChunks(state.next, endS, this.stepS)) {
        if (serverError !== null || signal.aborted) return;
        this.requests++;
        let data: Record<string, unknown>;
        try {
          data = await this.client.queryRange(state.expr, { ...chunk, step: this.stepS }, signal);
        } catch (error) {
          this.failedRequests++;
          if (signal.aborted) return;
          const e = error instanceof PrometheusError ? error : new PrometheusError(messageOf(error), 'query');
          if (e.scope === 'server') serverError ??= e;
          else {
            state.error = e.message;
            state.permanent = e.permanent;
            failures.push({ state, error: e });
          }
          return;
        }
        answered++;
        this.convert(state, data);
        state.next = chunk.end + this.stepS;
        state.error = null;
        this.logged.delete(state.query.name);
      }
    });
    const then = this.timer ? 'retrying next round' : 'noted as a gap';
    const failed = serverError as PrometheusError | null;
    const [firstFailure] = failures;
    if (failed !== null) {
      this.say('*', `warning: prometheus: ${failed.message} (${then})`);
    } else if (
      firstFailure !== undefined &&
      pending.length > 1 &&
      failures.length === pending.length &&
      failures.every((f) => f.error.message === firstFailure.error.message)
    ) {
      // Every query failing alike (a server that hangs): one line, not one per query.
      this.say('*', `warning: prometheus: every query: ${firstFailure.error.message} (${then})`);
    } else {
      if (failures.length === 0 && answered > 0 && this.logged.has('*')) {
        this.logged.delete('*');
        this.p.log(`prometheus: ${this.client.displayUrl} answers again`);
      }
      for (const { state, error } of failures) {
        const next = error.permanent ? 'not asked again' : then;
        this.say(
          state.query.name,
          `warning: prometheus: query ${state.query.name}: ${error.message} (${next})`,
        );
      }
    }
    for (const state of pending) {
      if (state.next > endS || state.permanent) continue;
      if (failed !== null) state.error = failed.message;
      else if (signal.aborted) state.error = stoppedReason;
    }
    for (const warning of this.client.warnings) {
      if (this.warned.has(warning)) continue;
      this.warned.add(warning);
      this.p.log(`warning: prometheus: ${warning}`);
    }
  }

  private convert(state: QueryState, data: Record<string, unknown>): void {
    const counts = queryResultRows(data, {
      fallbackName: state.query.name,
      origin: `prometheus:${state.query.name}`,
      row: this.p.emit,
      unreadable: (message) =>
        this.say(`${state.query.name}/sample`, `warning: prometheus: query ${state.query.name}: ${message}`),
    });
    if (counts === null) return;
    state.samples += counts.samples;
    state.series = Math.max(state.series, counts.series);
  }

  /** What is still missing becomes gaps: one for all queries when they all lack the same (the server was down). */
  private end(endS: number): void {
    // No more queries: let the connections go.
    this.client.close();
    this.windowEndS = endS;
    const missing = this.states.filter((s) => s.next <= endS);
    for (const s of missing) s.error ??= 'not fetched';
    const gap = (s: QueryState, scope: string, reason: string): Gap => ({
      start: new Date(s.next * 1000).toISOString(),
      end: new Date(endS * 1000).toISOString(),
      reason,
      scope,
    });
    const [first] = missing;
    if (
      first !== undefined &&
      missing.length === this.states.length &&
      missing.every((s) => s.next === first.next && s.error === first.error)
    ) {
      this.p.addGap(gap(first, 'prometheus', `Prometheus queries failed: ${first.error}`));
      return;
    }
    for (const s of missing) {
      this.p.addGap(gap(s, `prometheus:${s.query.name}`, `Prometheus query failed: ${s.error}`));
    }
  }

  /** Log a line unless it repeats the previous one for the same key. */
  private say(key: string, line: string): void {
    if (this.logged.get(key) === line) return;
    this.logged.set(key, line);
    this.p.log(line);
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(workers);
}
