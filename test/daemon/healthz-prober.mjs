// Asks a daemon's /healthz every 20 ms, each on a new connection as a kubelet's probe does,
// from a process of its own (the test's process runs the simulator, whose work would be
// counted as the daemon's). Prints one JSON line when stdin closes: how many answers, the
// slowest, those over 50 ms (when, how long), and any failure.
import http from 'node:http';

const url = process.argv[2];
const latencies = [];
const failures = [];
const slow = [];
let running = true;

async function probe() {
  const started = performance.now();
  await new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        const took = performance.now() - started;
        if (res.statusCode !== 200) failures.push(`HTTP ${res.statusCode}`);
        else latencies.push(took);
        if (took > 50) slow.push([Date.now(), Math.round(took)]);
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error) => { failures.push(error.message); resolve(); });
  });
}

process.stdin.on('end', () => { running = false; }).resume();
while (running) {
  await probe();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const sorted = [...latencies].sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ count: latencies.length, maxMs: sorted.at(-1) ?? null, p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? null, failures, slow })}\n`);
