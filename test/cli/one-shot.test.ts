// scale and drain act like kubectl and terraform: the plan first, consent (--yes, or a
// "Proceed? [y/N]" answered on a terminal), progress lines terminal or not, and a
// scale-up that waits for its nodes to be Ready and cleans up the ones that never join.

import { describe, expect, it } from 'vitest';
import { ASG, cliMutations, invariants, threeNodes, useCliBed } from './engine-helpers.js';
import type { Sim } from '../../src/sim/index.js';

const scaleTo = (capacity: number, bed: { schedule: string; connection: string[] }, ...more: string[]) =>
  ['scale', '--schedule', bed.schedule, '--group', 'workers', '--capacity', String(capacity), ...more, ...bed.connection];

function readyNodes(sim: Sim): number {
  return sim.store.list('nodes').filter((n) =>
    ((n as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

describe('acting without a terminal (CI, a pipe)', () => {
  const bed = useCliBed();

  it('without --yes: exit 2, one line naming --yes, no request changes anything', async () => {
    for (const argv of [scaleTo(2, bed), ['drain', 'any-node', '--schedule', bed.schedule, ...bed.connection]]) {
      const r = await bed.run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^error SCALERD_ERR_CLI_USAGE: (scale|drain) changes the cluster and no terminal can confirm it: pass --yes to act \(--dry-run shows the plan\)$/);
    }
    expect(cliMutations(bed.sim)).toEqual([]);
  });

  it('-o json without --yes: exit 2 naming --yes', async () => {
    const r = await bed.run(...scaleTo(2, bed, '-o', 'json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/scale -o json changes the cluster only with --yes/);
    expect(cliMutations(bed.sim)).toEqual([]);
  });

  it('with --yes: the plan first, then one progress line per node phase, then the outcome', async () => {
    const r = await bed.run(...scaleTo(2, bed, '--yes'));
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const plan = at(/^1\. remove ip-/);
    const started = at(/ step 1 drain-node: started/);
    const cordoned = at(/: cordoned, \d+ evicted/);
    const draining = at(/: draining, \d+ evicted/);
    const removed = at(/: removed, \d+ evicted, 0 remaining/);
    const done = at(/^done in [\d.]+ s/);
    expect([plan, started, cordoned, draining, removed, done].every((i) => i >= 0)).toBe(true);
    expect(plan).toBeLessThan(started);
    expect(started).toBeLessThan(draining);
    expect(draining).toBeLessThan(removed);
    expect(removed).toBeLessThan(done);
    // One line per phase, not one per eviction.
    expect(lines.filter((l) => /: draining, \d+ evicted/.test(l))).toHaveLength(1);
    expect(r.out).not.toContain('Proceed?');
    expect(invariants(bed.sim).terminated).toBe(1);
  });

  it('-o json --yes: stdout is one JSON document, progress goes to stderr', async () => {
    const r = await bed.run(...scaleTo(2, bed, '--yes', '-o', 'json'));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { report: { outcome: string } }).report.outcome).toBe('done');
    expect(r.err).toMatch(/: removed, \d+ evicted, 0 remaining/);
  });
});

describe('acting on a terminal', () => {
  const bed = useCliBed(undefined, true);

  it('answer n: the plan and the question, nothing changed, exit 1', async () => {
    bed.answers.push('n');
    const r = await bed.run(...scaleTo(2, bed));
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines.findIndex((l) => /^1\. remove ip-/.test(l))).toBeLessThan(lines.indexOf('Proceed? [y/N] '));
    expect(r.out).toMatch(/^cancelled: nothing was changed$/m);
    expect(cliMutations(bed.sim)).toEqual([]);
  });

  it('an empty answer is no', async () => {
    bed.answers.push('');
    const r = await bed.run('drain', bed.sim.store.list('nodes')[0]!.metadata.name, '--schedule', bed.schedule, ...bed.connection);
    expect(r.code).toBe(1);
    expect(cliMutations(bed.sim)).toEqual([]);
  });

  it('answer y: nothing changed before the answer, then it acts', async () => {
    let changedBeforeAnswer = -1;
    bed.answers.push(() => {
      changedBeforeAnswer = cliMutations(bed.sim).length;
      return 'y';
    });
    const r = await bed.run(...scaleTo(2, bed));
    expect(r.code).toBe(0);
    expect(changedBeforeAnswer).toBe(0);
    expect(r.out).toContain('Proceed? [y/N] ');
    expect(bed.sim.aws.groups().find((g) => g.name === ASG)?.desiredCapacity).toBe(2);
    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 1 });
  });

  it('--yes asks nothing; --dry-run asks nothing', async () => {
    const dry = await bed.run(...scaleTo(2, bed, '--dry-run'));
    expect(dry.code).toBe(0);
    expect(dry.out).not.toContain('Proceed?');
    const yes = await bed.run(...scaleTo(2, bed, '--yes'));
    expect(yes.code).toBe(0);
    expect(yes.out).not.toContain('Proceed?');
  });

  it('a plan with nothing to change asks nothing', async () => {
    const r = await bed.run(...scaleTo(3, bed));
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('Proceed?');
    expect(cliMutations(bed.sim)).toEqual([]);
  });
});

describe('scale-up waits for Ready', () => {
  const bed = useCliBed();

  it('3 → 5: returns once 5 nodes are Ready, saying what it waited for', async () => {
    const r = await bed.run(...scaleTo(5, bed, '--yes'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readyNodes(bed.sim)).toBe(5);
    expect(r.out).toMatch(/waiting: workers 3\/5 nodes Ready \(until /);
    expect(r.out).toMatch(/^done in [\d.]+ s — .*workers: 5 of 5 nodes Ready$/m);
    const aws = cliMutations(bed.sim).filter((m) => m.api === 'aws').map((m) => m.operation);
    expect(aws).toEqual(['SetDesiredCapacity']);
  });

  it('an instance that never joins is terminated by its id at --timeout, exit 1', async () => {
    bed.sim.faults.setBehaviour({ instancesNeverJoin: true });
    const before = new Set(bed.sim.aws.groups().find((g) => g.name === ASG)!.instances.map((i) => i.instanceId));
    const r = await bed.run(...scaleTo(4, bed, '--yes', '--timeout', '30s'));
    expect(r.code).toBe(1);
    const terminated = cliMutations(bed.sim).filter((m) => m.operation === 'TerminateInstanceInAutoScalingGroup').map((m) => m.target);
    expect(terminated).toHaveLength(1);
    expect(before.has(terminated[0]!)).toBe(false);
    expect(r.out).toContain(`1 instance that never joined terminated (${terminated[0]!})`);
    expect(bed.sim.aws.groups().find((g) => g.name === ASG)?.desiredCapacity).toBe(3);
    expect(readyNodes(bed.sim)).toBe(3);
  });
});

describe('a refusal says the way forward', () => {
  const bed = useCliBed(() => {
    const scenario = threeNodes();
    return { ...scenario, workloads: [...scenario.workloads!, { namespace: 'shop', name: 'cache', kind: 'Deployment', replicas: 1, emptyDir: true, requests: { cpu: '100m', memory: '64Mi' } }] };
  });

  const cacheNode = () => {
    const pod = bed.sim.store.list('pods').find((p) => p.metadata.name.startsWith('cache-')) as { spec?: { nodeName?: string } } | undefined;
    return pod!.spec!.nodeName!;
  };

  it('drain of a node with an emptyDir pod names --delete-local-data; with it, the node goes', async () => {
    const node = cacheNode();
    const refused = await bed.run('drain', node, '--schedule', bed.schedule, '--yes', ...bed.connection);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(new RegExp(`^drain: ${node} is not removed: pod shop/cache-\\S+ uses local storage`, 'm'));
    expect(refused.err).toMatch(/^hint: to remove it anyway, losing that pod's emptyDir\/hostPath data: --delete-local-data$/m);
    expect(cliMutations(bed.sim)).toEqual([]);
    // A script reads the same way forward from the JSON document.
    const json = await bed.run('drain', node, '--schedule', bed.schedule, '--yes', '-o', 'json', ...bed.connection);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ exitCode: 1, hints: [{ node, hint: expect.stringMatching(/--delete-local-data$/) }] });

    const allowed = await bed.run('drain', node, '--schedule', bed.schedule, '--yes', '--delete-local-data', ...bed.connection);
    expect(allowed.err).toBe('');
    expect(allowed.code).toBe(0);
    expect(bed.sim.store.list('nodes').map((n) => n.metadata.name)).not.toContain(node);
    expect(invariants(bed.sim)).toMatchObject({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 1 });
  });
});
