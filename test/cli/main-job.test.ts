// The main job, as `npm start` runs it (the command is read from package.json): the built
// CLI's daemon on the example schedule against the embedded simulated cluster, in its own
// process. It leads, serves its port, scales the demo cluster toward the schedule, and a
// real SIGTERM stops it cleanly (exit 0) within seconds.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start!;

describe('npm start', () => {
  it('runs the daemon against the embedded simulator, and stops on SIGTERM with exit 0', async () => {
    const [node, ...args] = start.split(' ');
    expect(node).toBe('node');
    // Any free port: CI may have 8080 taken.
    const listen = args.indexOf('--listen');
    expect(listen).toBeGreaterThan(0);
    args[listen + 1] = '127.0.0.1:0';
    const child = spawn(process.execPath, [...args, '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const events: Record<string, unknown>[] = [];
    let port: number | undefined;
    const lines = createInterface({ input: child.stdout });
    const seen = (event: string) => new Promise<void>((resolve) => {
      const check = () => events.some((e) => e.event === event);
      if (check()) return resolve();
      lines.on('line', () => check() && resolve());
    });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      events.push(entry);
      if (entry.event === 'listening') port = entry.port as number;
    });
    try {
      await seen('leading');
      await seen('reconciled');
      expect(port).toBeDefined();
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const status = await (await fetch(`http://127.0.0.1:${port}/status`)).json() as { role: string; desired: { capacity: { workers: { value: number } } } };
      expect(status.role).toBe('leader');
      expect(status.desired.capacity.workers.value).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    expect(code).toBe(0);
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['sim-started', 'started', 'leading', 'stopping', 'stopped']));
  }, 60_000);
});
