// Observation times for recorded rows: microseconds, strictly increasing, so that rows observed in
// the same millisecond (a watch delivers bursts) keep the order the API server sent them in.

export type Clock = () => string;

export function monotonicClock(nowMs: () => number = Date.now): Clock {
  let last = 0;
  // Formatting a Date for every row of a burst cost as much as building some rows: the text up to
  // the millisecond is kept while the millisecond lasts.
  let prefixMs = Number.NaN;
  let prefix = '';
  return () => {
    let micros = nowMs() * 1000;
    if (micros <= last) micros = last + 1;
    last = micros;
    const ms = Math.floor(micros / 1000);
    if (ms !== prefixMs) {
      prefixMs = ms;
      prefix = new Date(ms).toISOString().slice(0, 23);
    }
    return `${prefix}${String(micros - ms * 1000).padStart(3, '0')}Z`;
  };
}
