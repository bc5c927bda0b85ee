// `scalerd drain <node>` in-process against the simulator over HTTP, with the real adapters.

import { describe, expect, it } from 'vitest';
import { ASG, cliMutations, invariants, useCliBed } from './engine-helpers.js';

describe('scalerd drain', () => {
  const bed = useCliBed();

  async function nodeNames(): Promise<string[]> {
    const list = (await (await fetch(`${bed.sim.server}/api/v1/nodes`)).json()) as { items: { metadata: { name: string } }[] };
    return list.items.map((n) => n.metadata.name).sort();
  }

  it('removes exactly the node named, with its instance, and exits 0', async () => {
    const [first, ...others] = await nodeNames();
    const victim = others[1]!;
    const r = await bed.run('drain', victim, '--schedule', bed.schedule, '--yes', ...bed.connection);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`node ${victim}`);
    expect(await nodeNames()).toEqual([first, others[0]].sort());
    expect(bed.sim.aws.groups().find((g) => g.name === ASG)?.desiredCapacity).toBe(2);
    expect(invariants(bed.sim)).toEqual({ pdbViolations: 0, podsKilled: 0, terminatedWithPods: 0, terminated: 1 });
  });

  it('--dry-run changes nothing; -o json parses', async () => {
    const [victim] = await nodeNames();
    const r = await bed.run('drain', victim!, '--schedule', bed.schedule, '--dry-run', '-o', 'json', ...bed.connection);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { plan: { steps: { kind: string; node?: string }[] } };
    expect(doc.plan.steps).toEqual([expect.objectContaining({ kind: 'drain-node', node: victim })]);
    expect(cliMutations(bed.sim)).toEqual([]);
  });

  it('an unknown node exits 1 and changes nothing', async () => {
    const r = await bed.run('drain', 'no-such-node', '--schedule', bed.schedule, '--yes', ...bed.connection);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no node named no-such-node among the cluster's \d+ nodes\nhint: `kubectl get nodes` lists their names/);
    expect(cliMutations(bed.sim)).toEqual([]);
  });

  it('needs --schedule (exit 2)', async () => {
    const r = await bed.run('drain', 'x', ...bed.connection);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/drain needs --schedule <file>/);
  });
});
