// Preloaded (`node --import`) into the recorder the record benchmark measures: at exit it writes the
// process's own resource usage to $KSTORY_BENCH_PROBE: CPU of all its threads (DuckDB's included)
// and the peak resident set, as the kernel counted them (getrusage), and the highest JavaScript
// heap it sampled (every 100 ms), to tell V8's share of the peak from DuckDB's.

import { writeFileSync } from 'node:fs';

const file = process.env.KSTORY_BENCH_PROBE;
if (file) {
  let heapTotal = 0;
  let external = 0;
  const sample = () => {
    const m = process.memoryUsage();
    heapTotal = Math.max(heapTotal, m.heapTotal);
    external = Math.max(external, m.external);
  };
  setInterval(sample, 100).unref();
  process.on('exit', () => {
    sample();
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        userSeconds: usage.userCPUTime / 1e6,
        systemSeconds: usage.systemCPUTime / 1e6,
        maxRssBytes: usage.maxRSS * 1024,
        maxHeapTotalBytes: heapTotal,
        maxExternalBytes: external,
      }),
    );
  });
}
