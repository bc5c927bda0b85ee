// `--speed` accelerates the schedule and the simulated cluster, not leader election: the
// demo daemon (`npm start -- --speed 60`) with two CPU burners beside it keeps its
// leadership. Before the fix the Lease's timings ran on the simulated clock (a 10 s renew
// deadline was 0.17 s of real time) and leadership flapped about ten times a minute.
//
// CI runs it for 20 s of real time (20 simulated minutes; before the fix that was three
// flaps or so), since its burners take both cores from every test running beside it under
// parallel workers. The check is ten
// minutes: SCALERD_SPEED_CHECK_SECONDS=600 npx vitest run test/cli/speed-leadership.test.ts
// (about 11 minutes with the build).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECONDS = Number(process.env.SCALERD_SPEED_CHECK_SECONDS ?? 20);
const SPEED = 60;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A process that keeps one core busy, and ends by itself after `ms` should the test die first. */
function burner(ms: number): ChildProcess {
  const child = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end) {}`], { stdio: 'ignore' });
  children.push(child);
  return child;
}

type LogLine = { event?: string; reason?: string; msg?: string; port?: number };

describe('scalerd run --sim --speed 60 beside two CPU burners', () => {
  it(`keeps its leadership for ${SECONDS} s of real time (${SECONDS * SPEED / 60} simulated minutes)`, async () => {
    const daemon = spawn(process.execPath, ['dist/cli/main.js', 'run', '--schedule', 'schedules/example.json', '--sim', 'scenarios/demo.json', '--speed', String(SPEED), '--listen', '127.0.0.1:0', '--log-format', 'json'], {
      cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(daemon);
    const lines: LogLine[] = [];
    let pending = '';
    let stderr = '';
    daemon.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
    });
    daemon.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));

    // Leading first, then the load: the burners compete with the daemon and the simulator
    // (one process) for the machine's cores while the Lease is renewed.
    while (!lines.some((l) => l.event === 'leader-started')) {
      if (daemon.exitCode !== null) throw new Error(`the daemon exited: ${stderr}`);
      await delay(100);
    }
    const burners = [burner(SECONDS * 1000 + 5000), burner(SECONDS * 1000 + 5000)];
    await delay(SECONDS * 1000);
    for (const b of burners) b.kill('SIGKILL');

    const losses = lines.filter((l) => (l.event === 'leader-stopped' && l.reason !== 'stopped') || l.event === 'standing-by');
    expect(losses.map((l) => l.msg)).toEqual([]);
    expect(lines.filter((l) => l.event === 'leader-started')).toHaveLength(1);
    // Nor did a round fail to read or write the Lease.
    expect(lines.filter((l) => l.event === 'leader-lease-failed').map((l) => l.msg)).toEqual([]);

    daemon.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr.replace(/^SIGTERM: stopping.*\n/m, '')).toBe('');
    const started = lines.find((l) => l.event === 'sim-started') as { server?: string } | undefined;
    expect(started?.server).toBeDefined();
    // The simulator's kubeconfig went with the daemon.
    expect(existsSync(join(tmpdir(), `scalerd-sim-${new URL(started!.server!).port}.kubeconfig`))).toBe(false);
  }, (SECONDS + 90) * 1000);
});
