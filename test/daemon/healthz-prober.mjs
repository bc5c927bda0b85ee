// Asks a daemon's /healthz every 20 ms, each on a new connection as a kubelet's probe does,
// from a process of its own (the test's process runs the simulator, whose work would be
// counted as the daemon's). At the same moment it asks a bare Node HTTP server in a third
// process: on a loaded machine both wait for a CPU alike, so what the daemon's answer takes
// beyond the bare server's is the daemon's own delay (its event loop), which is what the
// test bounds; the raw figures are reported too. Prints one JSON line when stdin closes:
// how many answers, the slowest, the largest excess, those over 50 ms, and any failure.
import { spawn } from 'node:child_process';
import http from 'node:http';

const url = process.argv[2];
const latencies = [];
const excesses = [];
const failures = [];
const slow = [];
let running = true;

const bare = spawn(process.execPath, ['-e', `
  const server = require('node:http').createServer((req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
  process.stdin.on('end', () => process.exit(0)).resume();
`], { stdio: ['pipe', 'pipe', 'inherit'] });
const barePort = await new Promise((resolve, reject) => {
  bare.stdout.once('data', (data) => resolve(Number(String(data).trim())));
  bare.once('exit', (code) => reject(new Error(`the bare server ended (${code})`)));
});
const bareUrl = `http://127.0.0.1:${barePort}/`;

function timedGet(target) {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(target, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - started, error: res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}` }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error) => resolve({ ms: performance.now() - started, error: error.message }));
  });
}

async function probe() {
  const [daemon, control] = await Promise.all([timedGet(url), timedGet(bareUrl)]);
  if (daemon.error) return void failures.push(daemon.error);
  latencies.push(daemon.ms);
  excesses.push(control.error ? daemon.ms : daemon.ms - control.ms);
  if (daemon.ms > 50) slow.push([Date.now(), Math.round(daemon.ms), Math.round(control.ms)]);
}

process.stdin.on('end', () => { running = false; }).resume();
while (running) {
  await probe();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
bare.stdin.end();
const sorted = [...latencies].sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({
  count: latencies.length,
  maxMs: sorted.at(-1) ?? null,
  p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? null,
  maxExcessMs: excesses.length ? Math.max(...excesses) : null,
  p99ExcessMs: excesses.length ? [...excesses].sort((a, b) => a - b)[Math.floor(excesses.length * 0.99)] : null,
  failures,
  slow,
})}\n`);
