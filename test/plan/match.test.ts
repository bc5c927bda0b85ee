import { describe, expect, it } from 'vitest';
import { matchNodes } from '../../src/plan/index.js';
import { world } from './builders.js';

describe('matching nodes to instances', () => {
  it('matches by the providerID’s exact instance id', () => {
    const o = world().group('workers').node('n1').node('n2').build();
    const m = matchNodes(o.groups, o.nodes);
    expect(m.members.get('workers')!.map((x) => [x.instance.id, x.node?.name])).toEqual([['i-n1', 'n1'], ['i-n2', 'n2']]);
    expect(m.groupOfNode.get('n1')).toBe('workers');
  });

  it('falls back to the private DNS name when a node has no providerID', () => {
    const o = world().group('workers').node('ip-10-0-1-5.eu-west-1.compute.internal', { providerId: false }).build();
    const m = matchNodes(o.groups, o.nodes);
    expect(m.members.get('workers')![0]!.node?.name).toBe('ip-10-0-1-5.eu-west-1.compute.internal');
  });

  it('ignores nodes of no managed group, with no DNS fallback when the id is exact', () => {
    const w = world().group('workers').node('n1');
    w.nodes.push({ ...w.nodes[0]!, name: 'control-plane', uid: 'cp', providerId: 'aws:///eu-west-1a/i-0ffffff', instanceId: 'i-0ffffff' });
    w.nodes.push({ ...w.nodes[0]!, name: 'impostor', uid: 'imp', providerId: 'aws:///eu-west-1a/i-0eeeeee', instanceId: 'i-0eeeeee' });
    const o = w.build();
    // 'impostor' has an exact id of an unknown instance: it is not matched by name either.
    (o.groups[0]!.instances[0] as { privateDnsName: string }).privateDnsName = 'impostor';
    const m = matchNodes(o.groups, o.nodes);
    expect(m.groupOfNode.has('control-plane')).toBe(false);
    expect(m.groupOfNode.has('impostor')).toBe(false);
    expect(m.members.get('workers')![0]!.node?.name).toBe('n1');
  });

  it('leaves an instance with no node unjoined', () => {
    const o = world().group('workers').node('n1').unjoined('i-0late', { lifecycle: 'Pending' }).build();
    const m = matchNodes(o.groups, o.nodes);
    expect(m.members.get('workers')!.find((x) => x.instance.id === 'i-0late')!.node).toBeUndefined();
  });
});
