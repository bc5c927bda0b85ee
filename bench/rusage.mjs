// Preloaded (node --import) before a CLI run the benchmark measures: at exit, writes the
// process's peak resident set and CPU time as one JSON line on fd 3.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(3, `${JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 })}\n`);
});
