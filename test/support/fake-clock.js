// Preloaded into a kstory process (`node --import`) that records a time-compressed replay, so that
// it dates rows on the replayed scenario's clock, as if it had recorded the scenario live: the clock
// stands at KSTORY_FAKE_CLOCK_START until the process gets SIGUSR2, then runs
// KSTORY_FAKE_CLOCK_SPEED times faster than real time. Timers (setTimeout) keep real time.

const start = Date.parse(process.env.KSTORY_FAKE_CLOCK_START ?? '');
const speed = Number(process.env.KSTORY_FAKE_CLOCK_SPEED ?? '1');
if (Number.isNaN(start) || !(speed > 0)) {
  throw new Error('fake-clock: set KSTORY_FAKE_CLOCK_START (RFC 3339) and KSTORY_FAKE_CLOCK_SPEED (> 0)');
}

const RealDate = Date;
let startedAt = null;

function now() {
  return startedAt === null ? start : start + (performance.now() - startedAt) * speed;
}

process.on('SIGUSR2', () => {
  startedAt ??= performance.now();
});

class ScenarioDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(now());
    else super(...args);
  }

  static now() {
    return Math.floor(now());
  }
}

globalThis.Date = ScenarioDate;
