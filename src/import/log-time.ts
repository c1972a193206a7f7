// The time at the start of a log line, in the shapes Kubernetes components and common runtimes write
// it: RFC 3339, `2006-01-02 15:04:05.000000` (etcd's capnslog, Python), Go's `2006/01/02 15:04:05`,
// JSON lines with a `ts`/`time` field (zap, logrus), logfmt `time=`, java.util.logging's
// `Nov 27, 2018 8:59:04 PM`, and the year-less klog
// `I0102 15:04:05.000000` and syslog `Jan  2 15:04:05`. Times without a zone are taken as UTC: that
// is what containers and Kubernetes nodes run on unless someone changed it.

import { normalizeTs, tsFromMillis } from '../kube/time.ts';

/** A time that lacks its year: klog and syslog never write one. See YearResolver. */
export interface YearlessTime {
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

export type LineTime = { ts: string } | { yearless: YearlessTime };

/** One way lines start with a time; `read` returns null when the line does not start that way. */
interface LineTimeShape {
  name: string;
  read(line: string): LineTime | null;
}

// klog: severity letter, month and day, time with microseconds, then the thread id.
const KLOG_RE = /^[IWEF](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?\s/;
// 2006-01-02T15:04:05Z, 2006-01-02 15:04:05.000000, 2006/01/02 15:04:05, [2006-01-02 15:04:05,123]
const DATE_TIME_RE =
  /^\[?(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)?(?=[\s\]|,;]|$)/;
// java.util.logging's SimpleFormatter (Jenkins, Tomcat): `Nov 27, 2018 8:59:04 PM`.
const JAVA_RE =
  /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}), (\d{4}) (\d{1,2}):(\d\d):(\d\d) ([AP]M)\b/;
const SYSLOG_RE =
  /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?\s/;
const JSON_TIME_RE =
  /"(?:ts|time|timestamp|@timestamp)"\s*:\s*(?:"([^"]+)"|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))/;
const LOGFMT_TIME_RE = /^(?:\S+=\S+\s+)*?(?:time|ts|t)="?(\d{4}-\d\d-\d\dT[^"\s]+)"?/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const micros = (fraction: string | undefined) => Number((fraction ?? '').slice(0, 6).padEnd(6, '0'));

/** A date and time read from parts; null when they name no real instant (month 13, hour 25). */
function datedTs(parts: string[], zone: string | undefined): string | null {
  const [year, month, day, hour, minute, second, fraction] = parts;
  if (!validParts(Number(month), Number(day), Number(hour), Number(minute), Number(second))) return null;
  const frac = fraction ? `.${fraction.slice(0, 6)}` : '';
  return normalizeTs(`${year}-${month}-${day}T${hour}:${minute}:${second}${frac}${zone ?? 'Z'}`);
}

function validParts(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 61;
}

function yearless(month: number, day: number, rest: string[]): LineTime | null {
  const [hour, minute, second, fraction] = rest;
  const t = {
    month,
    day,
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    micros: micros(fraction),
  };
  return validParts(t.month, t.day, t.hour, t.minute, t.second) ? { yearless: t } : null;
}

/** Epoch seconds (zap's default) or milliseconds, told apart by size. */
function epochTs(value: number): string | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  const ms = value > 1e11 ? value : value * 1000;
  return tsFromMillis(Math.round(ms));
}

const SHAPES: readonly LineTimeShape[] = [
  {
    name: 'klog',
    read: (line) => {
      const m = KLOG_RE.exec(line);
      return m ? yearless(Number(m[1]), Number(m[2]), m.slice(3)) : null;
    },
  },
  {
    name: 'date-time',
    read: (line) => {
      const m = DATE_TIME_RE.exec(line);
      if (!m) return null;
      const ts = datedTs(m.slice(1, 8) as string[], m[8]);
      return ts ? { ts } : null;
    },
  },
  {
    name: 'java',
    read: (line) => {
      const m = JAVA_RE.exec(line);
      if (!m) return null;
      const hour12 = Number(m[4]);
      if (hour12 < 1 || hour12 > 12) return null;
      const hour = (hour12 % 12) + (m[7] === 'PM' ? 12 : 0);
      const pad = (n: number | string) => String(n).padStart(2, '0');
      const month = pad(MONTHS.indexOf(m[1]!) + 1);
      const ts = datedTs([m[3]!, month, pad(m[2]!), pad(hour), m[5]!, m[6]!, ''], undefined);
      return ts ? { ts } : null;
    },
  },
  {
    name: 'syslog',
    read: (line) => {
      const m = SYSLOG_RE.exec(line);
      return m ? yearless(MONTHS.indexOf(m[1]!) + 1, Number(m[2]!.trim()), m.slice(3)) : null;
    },
  },
  {
    name: 'json',
    read: (line) => {
      if (line.charCodeAt(0) !== 123) return null;
      const m = JSON_TIME_RE.exec(line.slice(0, 512));
      if (!m) return null;
      const ts = m[1] !== undefined ? normalizeTs(m[1]) : epochTs(Number(m[2]));
      return ts ? { ts } : null;
    },
  },
  {
    name: 'logfmt',
    read: (line) => {
      const m = LOGFMT_TIME_RE.exec(line.slice(0, 512));
      const ts = m ? normalizeTs(m[1]) : null;
      return ts ? { ts } : null;
    },
  },
];

/** The time a log line starts with, or null when it starts with none of the known shapes. */
export function lineTimeOf(line: string): LineTime | null {
  for (const shape of SHAPES) {
    const time = shape.read(line);
    if (time) return time;
  }
  return null;
}

/** True when the line is klog's (`I0102 15:04:05.000000 1 file.go:12] ...`). */
export function isKlogLine(line: string): boolean {
  return KLOG_RE.test(line);
}

const DAY_MS = 86_400_000;
/** A log may run on after the reference time by this much and still be given the reference's year. */
const AFTER_REFERENCE_MS = 30 * DAY_MS;

/**
 * Years for the year-less times of one log, in order. The first line gets the latest year that does
 * not put it more than 30 days after the reference (the capture time: logs are written before it);
 * each later line the year nearest the line before it, so that December then January is a new year.
 */
export class YearResolver {
  private year: number | null = null;
  private lastMs: number | null = null;

  /**
   * @param reference the time the log is known to precede, roughly (the capture of the import)
   * @param fixedYear the year of the first line, when the user gave it
   */
  constructor(
    private readonly reference: string,
    private readonly fixedYear?: number,
  ) {}

  resolve(t: YearlessTime): string {
    let ms: number;
    if (this.year === null || this.lastMs === null) {
      this.year = this.fixedYear ?? this.firstYear(t);
      ms = msOf(this.year, t);
    } else {
      // The year that puts the line nearest the one before: a log runs forward, give or take a
      // few lines written out of order, so December then January is a new year.
      const last = this.lastMs;
      let best = this.year;
      for (const year of [this.year + 1, this.year - 1]) {
        if (Math.abs(msOf(year, t) - last) < Math.abs(msOf(best, t) - last)) best = year;
      }
      this.year = best;
      ms = msOf(best, t);
    }
    this.lastMs = ms;
    const micro = String(t.micros % 1000).padStart(3, '0');
    return `${new Date(ms).toISOString().slice(0, 23)}${micro}Z`;
  }

  /** A line of the same log with a full date: the lines around it share its year. */
  anchor(ts: string): void {
    const ms = Date.parse(ts);
    if (Number.isNaN(ms)) return;
    this.year = new Date(ms).getUTCFullYear();
    this.lastMs = ms;
  }

  private firstYear(t: YearlessTime): number {
    const refMs = Date.parse(this.reference);
    const refYear = new Date(refMs).getUTCFullYear();
    for (let year = refYear + 1; year > refYear - 2; year--) {
      if (msOf(year, t) <= refMs + AFTER_REFERENCE_MS) return year;
    }
    return refYear - 1;
  }
}

function msOf(year: number, t: YearlessTime): number {
  return Date.UTC(year, t.month - 1, t.day, t.hour, t.minute, t.second, Math.floor(t.micros / 1000));
}
