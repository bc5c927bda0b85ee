// `scalerd scale` in-process against the simulator over HTTP, with the real adapters.

import { describe, expect, it } from 'vitest';
import { ASG, cliMutations, invariants, useCliBed } from './engine-helpers.js';

describe('scalerd scale', () => {
  const bed = useCliBed();

  it('3 → 2 removes exactly one node, breaks no budget, kills no pod, and exits 0', async () => {
    const r = await bed.run('scale', '--schedule', bed.schedule, '--group', 'workers', '--capacity', '2', '--yes', ...bed.connection);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/workers \(small-workers\): down, desired 3, target 2/);
    expect(r.out).toMatch(/^node \S+ \(i-\w+\): removed: \d+ pods? evicted$/m);
    expect(r.out).toMatch(/^done in [\d.]+ s/m);
    expect(r.out).toMatch(/: draining, \d+ evicted, \d+ remaining/); // progress off a terminal too (CI logs)
    expect(bed.sim.aws.groups().find((g) => g.name === ASG)?.desiredCapacity).toBe(2);
    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 1 });
    const aws = cliMutations(bed.sim).filter((m) => m.api === 'aws').map((m) => m.operation);
    expect(aws).toEqual(['TerminateInstanceInAutoScalingGroup']);
  });

  it('--dry-run prints the plan and the calls it would make, and changes nothing', async () => {
    const r = await bed.run('scale', '--schedule', bed.schedule, '--group', 'workers', '--capacity', '2', '--dry-run', ...bed.connection);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1\. remove ip-/m);
    expect(r.out).toMatch(/dry run: nothing was changed; \d+ calls would be made/);
    expect(cliMutations(bed.sim)).toEqual([]);
    expect(invariants(bed.sim).terminated).toBe(0);
    expect(r.out).toMatch(/^node \S+ \(i-\w+\): would be removed: \d+ pods? would be evicted$/m);
    // Every progress line of a dry run says so where it starts.
    const progress = r.out.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) expect(line).toMatch(/^\S+ {2}\[dry run\] /);
    expect(r.out).toMatch(/^dry run done in [\d.]+ s — would do 1 step$/m);
  });

  it('-o json prints the plan and the report', async () => {
    const r = await bed.run('scale', '--schedule', bed.schedule, '--group', 'workers', '--capacity', '2', '--dry-run', '-o', 'json', ...bed.connection);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { exitCode: number; plan: { steps: { kind: string }[] }; report: { dryRun: boolean; outcome: string } };
    expect(doc.exitCode).toBe(0);
    expect(doc.plan.steps.map((s) => s.kind)).toEqual(['drain-node']);
    expect(doc.report).toMatchObject({ dryRun: true, outcome: 'done' });
  });

  it('refuses a capacity outside the schedule\'s limits for the group, naming them (exit 2)', async () => {
    const r = await bed.run('scale', '--schedule', bed.schedule, '--group', 'workers', '--capacity', '1', ...bed.connection);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--capacity 1 is outside the limits of workers in .*: min 2, max 5/);
    expect(cliMutations(bed.sim)).toEqual([]);
  });

  it('needs --schedule (exit 2)', async () => {
    const r = await bed.run('scale', '--group', 'workers', '--capacity', '2', ...bed.connection);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/scale needs --schedule <file>/);
  });

  it('names the groups when --group is unknown (exit 2)', async () => {
    const r = await bed.run('scale', '--schedule', bed.schedule, '--group', 'gpu', '--capacity', '2', ...bed.connection);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has no such node group \(it has workers\)/);
  });
});

describe('scalerd scale, interrupted (Ctrl-C)', () => {
  const bed = useCliBed();

  it('stops between steps, says which node it left marked, and the same command finishes it', async () => {
    const interrupt = new AbortController();
    // Ctrl-C as the first eviction is accepted: the node is mid-drain.
    const unsubscribe = bed.sim.recorder.subscribe((fact) => {
      if (fact.kind === 'eviction' && fact.result === 'accepted') interrupt.abort();
    });
    const first = await bed.runUntil(interrupt.signal, 'scale', '--schedule', bed.schedule, '--group', 'workers', '--capacity', '2', '--yes', ...bed.connection);
    unsubscribe();
    expect(first.code).toBe(1);
    expect(first.out).toMatch(/^interrupted: 1 node left marked by scalerd \(ip-[^ ]+ draining\)\.$/m);
    expect(first.out).toMatch(/^stopped \(not everything asked for was done\)/m);
    expect(invariants(bed.sim).terminated).toBe(0);
    const marked = bed.sim.store.list('nodes')
      .filter((n) => ((n as { spec?: { taints?: { key: string }[] } }).spec?.taints ?? []).some((t) => t.key === 'scalerd.io/scale-down'))
      .map((n) => n.metadata.name);
    expect(marked).toHaveLength(1);

    const again = await bed.run('scale', '--schedule', bed.schedule, '--group', 'workers', '--capacity', '2', '--yes', ...bed.connection);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`1. resume ${marked[0]!}`);
    expect(bed.sim.aws.groups().find((g) => g.name === ASG)?.desiredCapacity).toBe(2);
    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 1 });
  });
});

describe('scalerd scale on a terminal', () => {
  const bed = useCliBed(undefined, true);

  it('prints progress per node: phase, evicted and remaining pods', async () => {
    const r = await bed.run('scale', '--schedule', bed.schedule, '--group', 'workers', '--capacity', '2', '--yes', ...bed.connection);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: draining, \d+ evicted, \d+ remaining/);
    expect(r.out).toMatch(/: removed, \d+ evicted, 0 remaining/);
  });
});
