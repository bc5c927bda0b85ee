// A process that exits is restarted with back-off (CrashLoopBackOff, restartCount rising)
// and its pod is not Ready meanwhile; an app that cannot start is never Ready.

import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../../src/sim/index.js';
import { containerStatus, deploy, podStatus, podsOf, readyPods, startProcessSim, stopAndCheck, waitFor, watchReady } from './helpers.js';

let sim: Sim | undefined;

afterEach(async () => {
  await stopAndCheck(sim);
  sim = undefined;
});

const restarts = (s: Sim, app: string) => Number(containerStatus(podsOf(s, app)[0]).restartCount ?? 0);

describe('restarts with back-off', () => {
  it('an app that fails to start goes CrashLoopBackOff, its restartCount rising, never Ready', async () => {
    sim = await startProcessSim({ processTimings: { backoff: { initialMs: 100, maxMs: 400 } } });
    const ready = watchReady(sim, 'broken');
    deploy(sim, 'broken', { args: ['--fail-to-start'] });
    await waitFor(() => restarts(sim!, 'broken') >= 3 && containerStatus(podsOf(sim!, 'broken')[0]).state?.waiting, { timeoutMs: 8000, what: 'three restarts' });
    const pod = podsOf(sim, 'broken')[0]!;
    expect(podStatus(pod).phase).toBe('Running');
    expect(containerStatus(pod)).toMatchObject({
      ready: false, started: false,
      state: { waiting: { reason: 'CrashLoopBackOff', message: expect.stringMatching(/^back-off \d+ms restarting failed container=app$/) } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    expect(sim.processes.logs(pod.metadata.namespace!, pod.metadata.name, 'app', true)).toContain('failing to start (FAIL_TO_START)');
    expect(ready.everReady).toEqual(new Set());
    expect((sim.store.get('deployments.apps', pod.metadata.namespace, 'broken')!.status as { readyReplicas?: number }).readyReplicas ?? 0).toBe(0);
    ready.stop();
  });

  it('an app that crashes soon after it starts, before its probe passes, is never Ready either', async () => {
    sim = await startProcessSim({ processTimings: { backoff: { initialMs: 100, maxMs: 400 } } });
    const ready = watchReady(sim, 'crashy');
    // It crashes 50 ms after it listens; Ready would take three passing probes in a row (500 ms or more).
    deploy(sim, 'crashy', { args: ['--crash-after=0.05'], probe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1, successThreshold: 3 } });
    await waitFor(() => restarts(sim!, 'crashy') >= 2, { timeoutMs: 8000, what: 'two restarts' });
    await waitFor(() => containerStatus(podsOf(sim!, 'crashy')[0]).state?.waiting?.reason === 'CrashLoopBackOff', { timeoutMs: 3000, what: 'CrashLoopBackOff' });
    expect(containerStatus(podsOf(sim, 'crashy')[0]).lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(ready.everReady).toEqual(new Set());
    ready.stop();
  });

  it('a Ready app that crashes is not Ready until its restarted process passes its probe again', async () => {
    sim = await startProcessSim({ processTimings: { backoff: { initialMs: 300, maxMs: 1000 } } });
    const ready = watchReady(sim, 'flaky');
    deploy(sim, 'flaky', { args: ['--crash-after=0.8'] });
    await waitFor(() => readyPods(sim!, 'flaky').length === 1, { timeoutMs: 5000, what: 'the pod Ready' });
    const name = podsOf(sim, 'flaky')[0]!.metadata.name;
    const firstPid = sim.processes.list()[0]!.pid;
    const ip = podStatus(podsOf(sim, 'flaky')[0]).podIP as string;
    await waitFor(() => restarts(sim!, 'flaky') === 1 && readyPods(sim!, 'flaky').length === 1, { timeoutMs: 5000, what: 'Ready again after a restart' });
    expect(ready.transitions.slice(0, 4)).toEqual([`${name}:NotReady`, `${name}:Ready`, `${name}:NotReady`, `${name}:Ready`]);
    expect(sim.processes.list()[0]!.pid).not.toBe(firstPid);
    // The same pod, the same IP: a restart is a new container, not a new pod.
    expect(podsOf(sim, 'flaky').map((p) => [p.metadata.name, podStatus(p).podIP])).toEqual([[name, ip]]);
    ready.stop();
  });
});
