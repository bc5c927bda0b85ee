// Two `scalerd run` processes against one simulator, as two replicas of the Deployment
// would run: exactly one leads; a SIGKILL of the leader (no release: the Lease is left
// held) hands over to the other within 20 s, which then carries on the work; and the
// simulator's recorder shows that no daemon ever mutated anything while it was not the
// Lease's holder.
//
// Real processes on real time: the simulator runs here at speed 1 from the real now, so
// the Lease timings (15 s lease, 10 s renew deadline, 2 s retry) are real seconds. Each
// daemon has its own X-Scalerd-Client (the hidden --client-id) and its own AWS access key,
// the two things the recorder attributes a mutation by. The schedule wants 6 workers
// and fewer replicas than the demo's 12 nodes at any hour, so the leader has real work
// (scale the workloads, cordon, evict, terminate) and "no mutation by the non-leader" is
// not true merely because nobody did anything.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../src/sim/index.js';
import { kubeconfigFile, tempDir } from '../kube/helpers.js';
import { spawnDaemon, type DaemonProcess } from './daemon-process.js';
import { startDemoSim, until } from './helpers.js';

const HANDOVER_MS = 20_000;

type Replica = { identity: string; clientId: string; accessKey: string; process: DaemonProcess };
/** A mutation as the recorder saw it, with the Lease's holder just before and just after it. */
type Seen = { at: number; client: string; api: string; operation: string; target: string; before: string; after: string };

let sim: Sim | undefined;
const started: DaemonProcess[] = [];
afterAll(async () => {
  for (const p of started) p.kill('SIGKILL');
  await Promise.allSettled(started.map((p) => p.exited));
  await sim?.stop();
});

/** Whatever the hour: the demo's 12 workers are too many, its workloads too big. */
function scheduleFile(): string {
  const file = join(tempDir('scalerd-two-daemons-'), 'schedule.json');
  writeFileSync(file, JSON.stringify({
    version: 1,
    timezone: 'Europe/Amsterdam',
    nodeGroups: { workers: { asg: 'shop-prod-workers', min: 2, max: 40 } },
    workloads: { 'shop/web': { kind: 'Deployment', min: 2 }, 'shop/search': { kind: 'StatefulSet', min: 1, max: 6 } },
    default: { capacity: { workers: 6 }, replicas: { 'shop/web': 3, 'shop/search': 2 } },
  }));
  return file;
}

/** Each replica's AWS key, registered with the simulator: the recorder tells their calls apart by it. */
const accessKeyOf = (name: string): string => `AKIDDAEMON${name.toUpperCase()}`;

const isLease = (m: Seen) => m.target === 'scalerd/scalerd' && m.operation.includes('leases');

describe('two daemons against one simulator', () => {
  it('one leads; a SIGKILL of the leader hands over within 20 s; nobody mutates while not holding the Lease', async () => {
    sim = await startDemoSim({ speed: 1, awsCredentials: ['a', 'b'].map((name) => ({ accessKeyId: accessKeyOf(name), secretAccessKey: 'test' })) });
    const s = sim;

    // The Lease's holder at the instant each mutation landed, read in the recorder's
    // callback (synchronous with the write): the authoritative "who led then", free of the
    // lag between a daemon's log line and this process reading it.
    // Only writes change the Lease, so the holder before a write is the one after the last.
    const seen: Seen[] = [];
    const holder = () => String((s.store.get('leases.coordination.k8s.io', 'scalerd', 'scalerd')?.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '');
    let before = holder();
    s.recorder.subscribe((fact) => {
      if (fact.kind !== 'mutation') return;
      const after = holder();
      seen.push({ at: Date.now(), client: fact.client, api: fact.api, operation: fact.operation, target: fact.target, before, after });
      before = after;
    });

    const kubeconfig = kubeconfigFile(s);
    const schedule = scheduleFile();
    const replica = (name: string): Replica => {
      const identity = `daemon-${name}`;
      const clientId = `scalerd-daemon-${name}`;
      const accessKey = accessKeyOf(name);
      const process = spawnDaemon(
        ['--schedule', schedule, '--kubeconfig', kubeconfig, '--aws-region', s.region, '--aws-endpoint', s.awsEndpoint, '--listen', '127.0.0.1:0', '--identity', identity, '--client-id', clientId],
        { AWS_ACCESS_KEY_ID: accessKey, AWS_SECRET_ACCESS_KEY: 'test' },
      );
      started.push(process);
      return { identity, clientId, accessKey, process };
    };
    const replicas = [replica('a'), replica('b')];
    const by = (r: Replica) => (m: Seen) => m.client === r.clientId || m.client === r.accessKey;

    // Exactly one leads: the first to log leader-started is the Lease's holder, the other
    // has not started leading and says it stands by.
    const first = await Promise.any(replicas.map((r) => r.process.line('leader-started', (l) => l.event === 'leader-started', 20_000).then(() => r)));
    const leader = first;
    const standby = replicas.find((r) => r !== leader)!;
    expect(holder()).toBe(leader.identity);
    await until('the leader to report role leader', async () => (await leader.process.status()).role === 'leader');
    await until('the standby to report role standby', async () => (await standby.process.status()).role === 'standby');
    expect(await standby.process.status()).toMatchObject({ identity: standby.identity, role: 'standby' });
    await standby.process.line('the standby seeing the leader', (l) => l.event === 'leader-observed' && l.holder === leader.identity, 10_000);

    // The leader has work under way (not only its Lease renewals) before it is killed.
    await until('the leader to mutate the cluster', () => seen.filter((m) => by(leader)(m) && !isLease(m)).length >= 3);
    expect(standby.process.lines().some((l) => l.event === 'leader-started' || l.event === 'leading')).toBe(false);

    const killedAt = Date.now();
    expect(leader.process.kill('SIGKILL')).toBe(true);
    expect((await leader.process.exited).signal).toBe('SIGKILL');

    // Handover: the Lease expires 15 s after the standby last saw it change (at most a 2 s
    // retry after the last renewal), then the standby takes it at its next try.
    const took = await standby.process.line('the standby to take the lease', (l) => l.event === 'leader-started', HANDOVER_MS - (Date.now() - killedAt));
    const handoverMs = (took.receivedAt as number) - killedAt;
    expect(handoverMs).toBeLessThan(HANDOVER_MS);
    expect(holder()).toBe(standby.identity);
    await until('the new leader to report role leader', async () => (await standby.process.status()).role === 'leader', 5_000);

    // ...and carries on: it resumes the work with mutations of its own (beyond taking the Lease).
    await until('the new leader to mutate the cluster', () => seen.some((m) => by(standby)(m) && !isLease(m)), 15_000);

    const survivor = standby.process;
    expect(survivor.kill('SIGTERM')).toBe(true);
    const end = await survivor.exited;
    expect(end.code, end.stderr).toBe(0);
    expect(survivor.lines().map((l) => l.event)).toEqual(expect.arrayContaining(['leading', 'stopping', 'stopped']));

    // The recorder: every mutation by either daemon landed while it held the Lease. Of the
    // Lease writes, an acquisition makes its author holder (after), a renewal or the
    // release on SIGTERM is made by the holder (before); any other write must find its
    // author holder before and after.
    const ours = seen.filter((m) => replicas.some((r) => by(r)(m)));
    const whose = (m: Seen) => replicas.find((r) => by(r)(m))!.identity;
    const held = (m: Seen) => (isLease(m) ? m.before === whose(m) || m.after === whose(m) : m.before === whose(m) && m.after === whose(m));
    expect(ours.filter((m) => !held(m))).toEqual([]);
    const leaderWork = seen.filter((m) => by(leader)(m) && !isLease(m));
    const standbyBeforeKill = seen.filter((m) => by(standby)(m) && m.at < killedAt);
    expect(leaderWork.length).toBeGreaterThan(0);
    expect(standbyBeforeKill).toEqual([]);
    // Both api kinds are attributed per daemon, so the check covers AWS writes as well.
    expect(seen.filter((m) => m.client === 'scalerd-daemon')).toEqual([]);
    console.log(`handover ${handoverMs} ms after the kill; mutations other than the Lease: ${leaderWork.length} by ${leader.identity} (first leader), ${seen.filter((m) => by(standby)(m) && !isLease(m)).length} by ${standby.identity} (after taking over)`);
  }, 60_000);
});
