// The timeline an HTML report draws: one lane per object with its states over time, its Events,
// audited writes, log excerpts, metric series and versions, bounded for big bundles (limits below).
// Times are milliseconds after `t0` to keep the file small.

/** How a state reads to an operator; drawn with a colour and a pattern, so that it reads without colour. */
export type Health = 'ok' | 'warn' | 'bad' | 'gone';

/** [start, end, index into Timeline.states, health]: the object held this state from start to end. */
export type Span = [number, number, number, Health];

export interface Mark {
  t: number;
  /** `warning` and `event` are Kubernetes Events; `audit` a write an actor made; `log` log lines. */
  type: 'event' | 'warning' | 'audit' | 'log';
  /** How many rows it stands for (Events count their repeats). */
  count: number;
  /** One line: an Event's reason, `patch by alice`, `12 log lines`. */
  label: string;
  /** A few excerpts: messages, log lines, the request URI. */
  text: string[];
}

export interface Series {
  /** `memory / limit`, `CPU throttled`, `restarts`. */
  name: string;
  /** `ratio` (0..1 of something, drawn against 1) or `count`. */
  unit: 'ratio' | 'count';
  /** [t, value], at most `pointsPerSeries` (the largest value of each bucket when more). */
  points: [number, number][];
}

/** One version of an object, as the changes from the version before it. */
export interface Version {
  t: number;
  /** Who wrote it, from the audit log, when a write came just before. */
  actor: string | null;
  verb: string | null;
  /** [JSON path, old value, new value]; null for absent. */
  changes: [string, string | null, string | null][];
}

export interface Lane {
  kind: string;
  namespace: string | null;
  name: string;
  /** The controller at the top of its ownership, as `Deployment checkout`; null when none. */
  owner: string | null;
  labels: Record<string, string>;
  spans: Span[];
  marks: Mark[];
  series: Series[];
  versions: Version[];
}

export interface TimelineLimits {
  lanes: number;
  spansPerLane: number;
  marksPerLane: number;
  pointsPerSeries: number;
  versionsPerObject: number;
  changesPerVersion: number;
  /** Characters kept of a message, a log line or a changed value. */
  textChars: number;
  /** Above this many Events, audit writes or log lines, marks are per lane and minute. */
  exactMarks: number;
}

/** Sized so that a 1M-record bundle gives a file of a few MB that a browser draws at once. */
export const DEFAULT_LIMITS: TimelineLimits = {
  lanes: 1500,
  spansPerLane: 120,
  marksPerLane: 150,
  pointsPerSeries: 120,
  versionsPerObject: 30,
  changesPerVersion: 40,
  textChars: 240,
  exactMarks: 20_000,
};

export interface Timeline {
  start: string;
  end: string;
  /** Epoch milliseconds of `start`: every time in the lanes is counted from it. */
  t0: number;
  /** The state labels spans point into. */
  states: string[];
  lanes: Lane[];
  /** Objects in the window, of which `lanes` shows some. */
  objects: number;
  /** What the lanes keep to (the analysis's filters), said on the page; null for the whole bundle. */
  scope: string | null;
  /** What was left out or merged to keep the file bounded, said in the file; empty when nothing. */
  summarised: string[];
}

/**
 * Object rows read from the bundle's files: after analysis, the `objects` table keeps neither the
 * bodies nor a Pod's containers and conditions (src/analyze/working-set.ts), which the timeline draws.
 */
export const OBJECT_ROWS = `(SELECT * FROM bundle WHERE source = 'object')`;
