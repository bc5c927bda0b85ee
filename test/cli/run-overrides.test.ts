// Overrides reach the running daemon: `scalerd override set` from another "terminal"
// (runCli in-process) while `scalerd run` runs against the simulator's accelerated clock.
// The override applies (the daemon watches the ConfigMap), expires on time, and
// --until-next-window ends when the schedule next changes. The daemon resyncs once a day
// here, so only the watch and the boundary timer can make these happen: that is what is
// proved, without timing simulated work on a machine whose load nobody controls.

import { freePort } from '../helpers.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { timerSleep } from '../../src/actuate/index.js';
import { runCli } from '../../src/cli/program.js';
import { systemClock } from '../../src/clock.js';
import { clockTimers } from '../../src/daemon/triggers.js';
import type { Sim } from '../../src/sim/index.js';
import { startDemoSim, until } from '../daemon/helpers.js';
import { kubeconfigFile } from '../kube/helpers.js';

const SPEED = 50;
// Wednesday 2026-03-04, 12:00 in Amsterdam: office hours, the default 12 workers.
const NOON = Date.parse('2026-03-04T11:00:00Z');
// Wednesday 2026-03-04, 19:54 in Amsterdam; weeknights (6 workers) start at 20:00. Six
// simulated minutes are 7 s here: time for the daemon to start, lead, and take the
// override before the window starts, even on a loaded machine.
const BEFORE_EIGHT = Date.parse('2026-03-04T18:54:00Z');
const EIGHT = Date.parse('2026-03-04T19:00:00Z');

let sim: Sim | undefined;
let stop: AbortController | undefined;
let daemon: Promise<number> | undefined;
afterEach(async () => {
  stop?.abort();
  await daemon;
  vi.unstubAllEnvs();
  await sim?.stop();
  sim = undefined;
});


async function start(startAt: number): Promise<{ s: Sim; status: () => Promise<Record<string, any>>; cli: (...argv: string[]) => Promise<{ code: number; out: string; err: string }> }> {
  const s = await startDemoSim({ speed: SPEED, startAt, awsCredentials: [{ accessKeyId: 'AKIDRUNTEST', secretAccessKey: 'test' }] });
  sim = s;
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDRUNTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('USER', 'oncall');
  const io = (out: string[], err: string[], signal?: AbortSignal) => ({
    out: (t: string) => out.push(t), err: (t: string) => err.push(t), clock: s.clock, processClock: systemClock, processSleep: timerSleep, sleep: (ms: number, sig?: AbortSignal) => s.clock.sleep(ms, sig), timers: clockTimers(s.clock), ...(signal ? { signal } : {}),
  });
  const port = await freePort();
  stop = new AbortController();
  daemon = runCli(['run', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(s), '--aws-region', s.region, '--aws-endpoint', s.awsEndpoint, '--listen', `127.0.0.1:${port}`, '--resync', '1d', '--log-level', 'error', '--log-format', 'json'], io([], [], stop.signal));
  const status = async () => (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as Record<string, any>;
  await until('the daemon to lead and reconcile', async () => {
    try {
      const doc = await status();
      return doc.role === 'leader' && doc.last !== null;
    } catch {
      return false; // not listening yet
    }
  });
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, io(out, err));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return { s, status, cli };
}

const capacity = (doc: Record<string, any>) => doc.desired.capacity.workers as { value: number; source: { kind: string; id?: string; window?: string } };

describe('overrides in the running daemon', () => {
  it('applies an override from the watch and lets it expire on time, woken by its end', async () => {
    const { s, status, cli } = await start(NOON);
    expect(capacity(await status())).toMatchObject({ value: 12, source: { kind: 'default' } });
    const setAt = s.clock.now();
    const set = await cli('override', 'set', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(s), '--group', 'workers=14', '--for', '5m', '--reason', 'load test');
    expect(set.code).toBe(0);
    const id = /^override ([a-z2-9]{6}) set/m.exec(set.out)![1]!;
    await until('the override in force', async () => capacity(await status()).value === 14);
    expect(capacity(await status()).source).toMatchObject({ kind: 'override', id, reason: 'load test' });
    await until('the group raised to 14', async () => s.aws.groups().find((g) => g.name === 'shop-prod-workers')!.desiredCapacity === 14);

    // Five minutes later it is gone, on time, without anyone clearing it.
    await until('the override expired', async () => capacity(await status()).source.kind === 'default', 30_000);
    const doc = await status();
    // /status gives its times to the second (isoSeconds); the override ended 5 min after setAt or later.
    expect(Date.parse(doc.desired.at)).toBeGreaterThanOrEqual(Math.floor((setAt + 5 * 60_000) / 1000) * 1000);
  });

  it('ends an --until-next-window override when the schedule next changes', async () => {
    const { s, status, cli } = await start(BEFORE_EIGHT);
    const set = await cli('override', 'set', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(s), '--group', 'workers=16', '--until-next-window', '--reason', 'wake now');
    expect(set.code).toBe(0);
    // Set before 20:00, it ends then (not at the next morning's change).
    expect(set.out).toContain('(2026-03-04T19:00Z)');
    await until('the override in force', async () => capacity(await status()).value === 16);
    await until('the weeknights window in force', async () => capacity(await status()).source.window === 'weeknights', 30_000);
    const doc = await status();
    expect(capacity(doc)).toMatchObject({ value: 6, source: { kind: 'window', window: 'weeknights' } });
    expect(Date.parse(doc.desired.at)).toBeGreaterThanOrEqual(EIGHT);
  });
});
