// `scalerd run` in-process against the simulator (the demo cluster of the example
// schedule, at night: 12 → 6 workers), stopped as SIGTERM stops it: mid-drain it ends
// between steps and exits 0, every node it cordoned still carries its mark (so the next
// daemon knows it), and a second daemon finishes the work.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { timerSleep } from '../../src/actuate/index.js';
import { runCli } from '../../src/cli/program.js';
import { systemClock } from '../../src/clock.js';
import { clockTimers } from '../../src/daemon/triggers.js';
import { readMark } from '../../src/plan/index.js';
import type { Sim } from '../../src/sim/index.js';
import { kubeconfigFile } from '../kube/helpers.js';
import { startDemoSim, until } from '../daemon/helpers.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights, 6 workers.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');

let sim: Sim | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await sim?.stop();
  sim = undefined;
});

async function daemon(s: Sim, signal: AbortSignal): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await runCli(
    ['run', '--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(s), '--aws-region', s.region, '--aws-endpoint', s.awsEndpoint, '--listen', '127.0.0.1:0', '--log-level', 'warn', '--log-format', 'json'],
    { out: () => undefined, err: (t) => err.push(t), clock: s.clock, processClock: systemClock, processSleep: timerSleep, sleep: (ms, sig) => s.clock.sleep(ms, sig), timers: clockTimers(s.clock), signal },
  );
  return { code, err: err.join('\n') };
}

const nodes = async (s: Sim) => s.store.list('nodes');
const marked = async (s: Sim) => (await nodes(s)).filter((n) => (n.metadata.annotations ?? {})['scalerd.io/scale-down'] !== undefined);

describe('scalerd run, stopped by SIGTERM mid-drain', () => {
  it('exits 0 leaving only marked nodes cordoned, and the next daemon completes the work', async () => {
    sim = await startDemoSim({ speed: 50, startAt: NIGHT, awsCredentials: [{ accessKeyId: 'AKIDRUNTEST', secretAccessKey: 'test' }] });
    const s = sim;
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDRUNTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');

    const sigterm = new AbortController();
    const unsubscribe = s.recorder.subscribe((fact) => {
      if (fact.kind === 'eviction' && fact.result === 'accepted') sigterm.abort();
    });
    const first = await daemon(s, sigterm.signal);
    unsubscribe();
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const cordoned = (await nodes(s)).filter((n) => (n.spec as { unschedulable?: boolean }).unschedulable);
    expect(cordoned.length).toBeGreaterThan(0);
    for (const node of cordoned) expect(node.metadata.annotations?.['scalerd.io/scale-down'], node.metadata.name).toBeDefined();
    // The lease was released: the next daemon leads at once, not a lease duration later.
    const lease = s.store.get('leases.coordination.k8s.io', 'scalerd', 'scalerd');
    expect(lease).toBeDefined();
    expect((lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '').toBe('');

    const stop = new AbortController();
    const second = daemon(s, stop.signal);
    await until('six workers and no marks', async () => (await nodes(s)).length === 6 && (await marked(s)).length === 0, 30_000);
    stop.abort();
    expect((await second).code).toBe(0);
    expect(s.recorder.facts('pdb-violation')).toEqual([]);
    expect(s.recorder.facts('pod-killed')).toEqual([]);
    expect(s.recorder.facts('instance-terminated').filter((t) => t.podsOnNode > 0)).toEqual([]);
    expect((await nodes(s)).every((n) => readMark({ taints: [], annotations: n.metadata.annotations ?? {} }, 'scalerd').kind === 'none')).toBe(true);
  });
});
