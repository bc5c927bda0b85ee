// `scalerd status` against the simulator (the demo cluster of the example schedule at
// night): what is wanted and why (the window, or an override), what the group and the
// workloads have, the nodes scalerd has in progress, and the next transition.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { markChange } from '../../src/plan/index.js';
import { createCluster, loadKubeConfig } from '../../src/kube/index.js';
import type { Sim } from '../../src/sim/index.js';
import { startDemoSim } from '../daemon/helpers.js';
import { kubeconfigFile } from '../kube/helpers.js';

// Wednesday 2026-03-04, 23:00 in Amsterdam: weeknights, 6 workers.
const NIGHT = Date.parse('2026-03-04T22:00:00Z');

let sim: Sim | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await sim?.stop();
  sim = undefined;
});

describe('scalerd status', () => {
  it('shows desired against observed, with the reason, what is in progress and what comes next', async () => {
    sim = await startDemoSim({ manualClock: true, startAt: NIGHT, awsCredentials: [{ accessKeyId: 'AKIDSTATUS', secretAccessKey: 'test' }] });
    const s = sim;
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDSTATUS');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('USER', 'oncall');
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), clock: s.clock });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const connection = ['--schedule', 'schedules/example.json', '--kubeconfig', kubeconfigFile(s), '--aws-region', s.region, '--aws-endpoint', s.awsEndpoint];
    // A node a scalerd (the daemon, elsewhere) is draining, and an override on the replicas.
    const node = s.store.list('nodes')[0]!.metadata.name;
    await createCluster({ target: loadKubeConfig({ kubeconfig: kubeconfigFile(s) }), clientId: 'test' }).changeNode(node, markChange('scalerd', NIGHT));
    expect((await run('override', 'set', ...connection.slice(0, 4), '--replicas', 'shop/web=5', '--for', '2h', '--reason', 'campaign')).code).toBe(0);

    const text = await run('status', ...connection);
    expect(text.err).toBe('');
    expect(text.code).toBe(0);
    // Ready counts schedulable nodes: the cordoned one is not.
    expect(text.out).toMatch(/^workers\s+shop-prod-workers\s+6\s+window weeknights\s+12\s+12\s+11$/m);
    expect(text.out).toMatch(/^shop\/web\s+5\s+override [a-z2-9]{6} \(campaign, by oncall[^)]*\)\)?\s+6\s+6$/m);
    expect(text.out).toContain(`in progress: ${node} cordoned`);
    // The override ends before the schedule's next change: that end is what comes next, and what follows it.
    expect(text.out).toMatch(/^override ([a-z2-9]{6}) \(shop\/web=5\) ends Thu 2026-03-05 01:00 \+01:00 \(2026-03-05T00:00Z\); then shop\/web 3 \(window weeknights\)$/m);
    expect(text.out).toMatch(/^next: Thu 2026-03-05 01:00 \+01:00 \(2026-03-05T00:00:00Z\): shop\/web 5→3 \(override [a-z2-9]{6} ends\)$/m);

    const json = JSON.parse((await run('status', ...connection, '-o', 'json')).out) as Record<string, any>;
    expect(json.desired.capacity.workers).toMatchObject({ value: 6, source: { kind: 'window', window: 'weeknights' } });
    expect(json.desired.replicas['shop/web']).toMatchObject({ value: 5, source: { kind: 'override', reason: 'campaign' } });
    expect(json.observed.groups.workers).toMatchObject({ asg: 'shop-prod-workers', desiredCapacity: 12, inService: 12 });
    expect(json.inProgress).toEqual([{ node, phase: 'cordoned', since: '2026-03-04T22:00:00Z' }]);
    expect(json.desired.replicas['shop/web'].source.until).toBe('2026-03-05T00:00:00Z');
    expect(json.next).toMatchObject({ at: '2026-03-05T00:00:00Z', ended: [expect.stringMatching(/^override [a-z2-9]{6}$/)], changes: [{ section: 'replicas', key: 'shop/web', from: 5, to: 3 }] });
    // Read-only: the status command changed nothing.
    expect(s.recorder.facts('mutation').filter((m) => m.client === 'scalerd-cli' && !m.operation.includes('configmaps'))).toEqual([]);
  });
});
