// `npm start` on a built tree: the time from the command to the daemon's "HTTP on" line
// (its `listening` log line), the quick start a new user meets. Target: under 5 s.
//
// Measured, median of three each, in the same run:
// - npm start: `npm start -- --listen 127.0.0.1:<free port>` (the demo: daemon and
//   embedded simulator in one process), as a user types it;
// - the same without npm: `node scripts/start.mjs run …`, to show what npm itself costs;
// - baselines: `node -e` printing a line (a Node process, nothing else) and
//   `node dist/cli/main.js --version` (the CLI's own start-up, no daemon);
// - before: what every npm start did until now, a full `tsc` build first, then the daemon
//   (once: it is the slow one).
// Each start is stopped with SIGTERM to its process group (npm, sh and node).

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { buildDist, median, ROOT } from './processes.js';
import type { BenchResult } from './run.js';

const RUNS = 3;
const TARGET_MS = 5_000;
const DEMO = ['run', '--schedule', 'schedules/example.json', '--sim', 'scenarios/demo.json', '--log-format', 'json'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `command` in a process group of its own; resolves with the ms until a stdout line matches `done`, then stops the group. */
async function timeUntil(command: string, args: readonly string[], done: (line: string) => boolean): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ms = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (done(line)) resolve(performance.now() - started);
    });
    void exited.then(() => reject(new Error(`${command} ${args.join(' ')} exited before its line`)));
  });
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  await exited;
  return ms;
}

const listening = (line: string) => line.includes('"event":"listening"');
const anyLine = () => true;

async function medianOf(run: () => Promise<number>): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < RUNS; i++) all.push(await run());
  return { median: median(all), all };
}

export async function run(): Promise<BenchResult> {
  await buildDist();
  const npmStart = await medianOf(async () => timeUntil('npm', ['start', '--', '--listen', `127.0.0.1:${await freePort()}`, '--log-format', 'json'], listening));
  const script = await medianOf(async () => timeUntil(process.execPath, ['scripts/start.mjs', ...DEMO, '--listen', `127.0.0.1:${await freePort()}`], listening));
  const nodeLine = await medianOf(() => timeUntil(process.execPath, ['-e', 'console.log("up")'], anyLine));
  const version = await medianOf(() => timeUntil(process.execPath, ['dist/cli/main.js', '--version'], anyLine));
  // Before: the prestart's full build, then the daemon.
  const before = await timeUntil('sh', ['-c', `node node_modules/typescript/bin/tsc -p tsconfig.build.json && exec node dist/cli/main.js ${DEMO.join(' ')} --listen 127.0.0.1:${await freePort()}`], listening);

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const met = npmStart.median < TARGET_MS ? 'met' : 'MISSED';
  return {
    name: 'start',
    description: 'npm start on a built tree: from the command to the daemon\'s "HTTP on" line',
    figures: {
      npmStartMs: npmStart.median,
      scriptMs: script.median,
      nodePrintLineMs: nodeLine.median,
      cliVersionMs: version.median,
      beforeWithBuildMs: before,
      targetMs: TARGET_MS,
    },
    speedup: before / npmStart.median,
    summary: `npm start to "HTTP on" ${s(npmStart.median)} (median of ${RUNS}: ${npmStart.all.map(s).join(', ')}; target < 5 s, ${met}); `
      + `without npm ${s(script.median)}; baselines: node printing a line ${s(nodeLine.median)}, scalerd --version ${s(version.median)}; `
      + `before (tsc on every start) ${s(before)}, ${(before / npmStart.median).toFixed(1)}× slower`,
  };
}
