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
      expect(port).toBeDefined();
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      // The first reconcile as leader has started: it says what it wants and why.
      type Status = { role: string; desired: { capacity: { workers: { value: number; source: { kind: string } } } } | null };
      let status: Status;
      do status = await (await fetch(`http://127.0.0.1:${port}/status`)).json() as Status;
      while (status.role !== 'leader' || status.desired === null);
      expect(status.desired.capacity.workers.value).toBeGreaterThan(0);
      expect(['default', 'window', 'override']).toContain(status.desired.capacity.workers.source.kind);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    expect(code).toBe(0);
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['sim-started', 'started', 'leading', 'stopping', 'stopped']));
  }, 60_000);
});
