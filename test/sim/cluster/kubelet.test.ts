import { describe, expect, it } from 'vitest';
import { deletePod } from '../../../src/sim/kube/pods.js';
import { addNode, addPod, type Cluster, cluster, condition, isReady, phase, setNodeReady } from './helpers.js';

const remove = (c: Cluster, name: string, gracePeriodSeconds?: number) =>
  deletePod(c, c.pod(name)!, gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds });

describe('kubelet: start-up', () => {
  it('runs a bound pod after podStartupMs with the status clients read', () => {
    const c = cluster();
    addNode(c, 'node-a', { ip: '10.1.2.3' });
    addPod(c, 'web');
    c.clock.advance(1999);
    expect(phase(c.pod('web'))).toBe('Pending');
    c.clock.advance(1);
    const status = c.pod('web')!.status as any;
    expect(status).toMatchObject({ phase: 'Running', hostIP: '10.1.2.3', hostIPs: [{ ip: '10.1.2.3' }], startTime: '2026-01-05T10:00:02Z' });
    expect(status.podIP).toMatch(/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+$/);
    expect(status.containerStatuses).toEqual([expect.objectContaining({ name: 'app', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-01-05T10:00:02Z' } } })]);
    expect(status.conditions.map((x: any) => `${x.type}=${x.status}`).sort()).toEqual(['ContainersReady=True', 'Initialized=True', 'PodScheduled=True', 'Ready=True']);
  });

  it('gives every pod its own IP', () => {
    const c = cluster();
    addNode(c, 'node-a');
    for (let i = 0; i < 50; i++) addPod(c, `p${i}`);
    c.advance(2);
    const ips = c.pods().map((p) => (p.status as any).podIP);
    expect(new Set(ips).size).toBe(50);
  });

  it('takes the start-up time from the startup-seconds annotation', () => {
    const c = cluster({ podStartupMs: 1000 });
    addNode(c, 'node-a');
    addPod(c, 'slow', { annotations: { 'sim.scalerd.io/startup-seconds': '30' } });
    addPod(c, 'fast');
    c.advance(1);
    expect([phase(c.pod('slow')), phase(c.pod('fast'))]).toEqual(['Pending', 'Running']);
    c.advance(29);
    expect(phase(c.pod('slow'))).toBe('Running');
  });

  it('starts nothing on a node that is not Ready, and starts it once the node is', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addPod(c, 'web');
    c.advance();
    setNodeReady(c, 'node-a', 'False');
    c.advance(10);
    expect(phase(c.pod('web'))).toBe('Pending');
    setNodeReady(c, 'node-a', 'True');
    c.advance(1);
    expect(phase(c.pod('web'))).toBe('Pending');
    c.advance(1);
    expect(phase(c.pod('web'))).toBe('Running');
  });

  it('marks pods not ready when their node stops being Ready, and ready when it is back', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addPod(c, 'web');
    c.advance(2);
    expect(isReady(c.pod('web'))).toBe(true);
    setNodeReady(c, 'node-a', 'Unknown');
    c.advance();
    expect(phase(c.pod('web'))).toBe('Running');
    expect(isReady(c.pod('web'))).toBe(false);
    setNodeReady(c, 'node-a', 'True');
    c.advance();
    expect(isReady(c.pod('web'))).toBe(true);
  });

  it('leaves alone the readiness someone else set on a pod of a Ready node', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addPod(c, 'web');
    c.advance(2);
    c.store.mutate('pods', 'default', 'web', (p) => {
      (p.status as any).conditions = (p.status as any).conditions.map((x: any) => (x.type === 'Ready' ? { ...x, status: 'False' } : x));
    });
    c.advance(5);
    expect(isReady(c.pod('web'))).toBe(false);
  });

  it('finishes run-to-completion pods after run-seconds', () => {
    const c = cluster();
    addNode(c, 'node-a');
    addPod(c, 'job', { annotations: { 'sim.scalerd.io/run-seconds': '10' }, spec: { restartPolicy: 'Never' } });
    addPod(c, 'server', { annotations: { 'sim.scalerd.io/run-seconds': '10' } });
    c.advance(11);
    expect(phase(c.pod('job'))).toBe('Running');
    c.advance(1);
    expect(phase(c.pod('job'))).toBe('Succeeded');
    expect(condition(c.pod('job'), 'Ready')?.status).toBe('False');
    expect((c.pod('job')!.status as any).containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(phase(c.pod('server'))).toBe('Running'); // restartPolicy Always: it never finishes
  });
});

describe('kubelet: graceful termination', () => {
  const running = (timings = {}) => {
    const c = cluster(timings);
    addNode(c, 'node-a');
    return c;
  };

  it('removes a deleted pod once it exits, podExitMs after SIGTERM', () => {
    const c = running({ podExitMs: 3000 });
    addPod(c, 'web');
    c.advance(2);
    remove(c, 'web');
    expect(c.pod('web')?.metadata.deletionTimestamp).toBe('2026-01-05T10:00:32Z');
    c.clock.advance(2999);
    expect(c.pod('web')).toBeDefined();
    c.clock.advance(1);
    expect(c.pod('web')).toBeUndefined();
    expect(c.recorder.facts('pod-killed')).toEqual([]);
  });

  it('kills at the deadline a pod whose grace period is shorter than its exit', () => {
    const c = running({ podExitMs: 5000 });
    addPod(c, 'web');
    c.advance(2);
    remove(c, 'web', 2);
    c.clock.advance(1999);
    expect(c.pod('web')).toBeDefined();
    c.clock.advance(1);
    expect(c.pod('web')).toBeUndefined();
    expect(c.recorder.facts('pod-killed')).toEqual([expect.objectContaining({ pod: 'default/web', node: 'node-a', instanceId: 'i-node-a' })]);
  });

  it('lets a pod that ignores SIGTERM use its whole grace period', () => {
    const c = running();
    addPod(c, 'stubborn', { annotations: { 'sim.scalerd.io/ignore-sigterm': 'true' }, spec: { terminationGracePeriodSeconds: 45 } });
    c.advance(2);
    remove(c, 'stubborn');
    c.advance(44);
    expect(c.pod('stubborn')?.metadata.deletionTimestamp).toBeDefined();
    c.advance(1);
    expect(c.pod('stubborn')).toBeUndefined();
    // SIGKILL after the whole grace period it asked for is not an ungraceful kill.
    expect(c.recorder.facts('pod-killed')).toEqual([]);
  });

  it('shortens the wait when a second delete asks for less grace', () => {
    const c = running();
    addPod(c, 'stubborn', { annotations: { 'sim.scalerd.io/ignore-sigterm': 'true' } });
    c.advance(2);
    remove(c, 'stubborn');
    c.advance(5);
    remove(c, 'stubborn', 3);
    c.advance(3);
    expect(c.pod('stubborn')).toBeUndefined();
  });

  it('never ends pods under the podsNeverTerminate fault', () => {
    const c = running();
    c.faults.setBehaviour({ podsNeverTerminate: ['default/stuck'] });
    addPod(c, 'stuck');
    addPod(c, 'fine');
    c.advance(2);
    remove(c, 'stuck');
    remove(c, 'fine');
    c.advance(3600);
    expect(c.pod('stuck')?.metadata.deletionTimestamp).toBeDefined();
    expect(c.pod('fine')).toBeUndefined();
  });

  it('removes at once a deleted pod that never started', () => {
    const c = running({ podStartupMs: 60_000 });
    addPod(c, 'starting');
    c.advance(1);
    remove(c, 'starting');
    c.advance();
    expect(c.pod('starting')).toBeUndefined();
  });

  it('does not finish terminating while the node is down, and does once it is back', () => {
    const c = running();
    addPod(c, 'web');
    c.advance(2);
    setNodeReady(c, 'node-a', 'Unknown');
    c.advance();
    remove(c, 'web');
    c.advance(120);
    expect(c.pod('web')).toBeDefined();
    setNodeReady(c, 'node-a', 'True');
    c.advance();
    expect(c.pod('web')).toBeUndefined();
  });
});
