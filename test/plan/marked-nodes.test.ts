import { describe, expect, it } from 'vitest';
import { rollbackChange } from '../../src/plan/index.js';
import { T0, MIN, kinds, nodesOf, planOf, scalerdMark, world } from './builders.js';

describe('nodes scalerd marked earlier (after a restart, or when the schedule changes)', () => {
  it('rolls them back when capacity is wanted again, before launching anything', () => {
    const w = world().group('workers').nodes_('n', 2).node('n3', scalerdMark('draining')).node('n4', scalerdMark('drained'));
    const p = planOf(w, { capacity: { workers: 4 } });
    expect(kinds(p)).toEqual(['rollback-node', 'rollback-node']);
    expect(p.steps[0]).toEqual({
      kind: 'rollback-node', group: 'workers', asg: 'workers', node: 'n3', instanceId: 'i-n3', zone: 'eu-west-1a', phase: 'draining',
      startedAt: T0 - 10 * MIN, change: rollbackChange(), reason: 'capacity wanted again: workers should have 4, 4 with this node',
    });
  });

  it('rolls them back first, then scales up for the rest', () => {
    const w = world().group('workers').nodes_('n', 2).node('n3', scalerdMark('cordoned'));
    const p = planOf(w, { capacity: { workers: 5 } });
    expect(kinds(p)).toEqual(['rollback-node', 'scale-up']);
    expect(p.steps[1]).toMatchObject({ add: 2, observedDesired: 3, target: 5, reason: 'workers should have 5, has 3 after rolling back 1 node' });
  });

  it('resumes them when the group still shrinks, with what is left to do', () => {
    const w = world().group('workers').nodes_('n', 2)
      .node('n3', scalerdMark('draining')).node('n4', scalerdMark('drained'))
      .deployment('shop/web', 2, ['n1', 'n3']);
    const p = planOf(w, { capacity: { workers: 2 } });
    const resumed = p.steps.filter((s) => s.kind === 'resume-node');
    expect(resumed.map((s) => s.kind === 'resume-node' && [s.node, s.phase, s.actions])).toEqual([
      ['n4', 'drained', ['terminate', 'delete-node']],
      ['n3', 'draining', ['drain', 'terminate', 'delete-node']],
    ]);
  });

  it('resumes a node in phase terminating whatever the desired state, and never rolls it back', () => {
    const w = world().group('workers').nodes_('n', 2).node('n3', scalerdMark('terminating'));
    const p = planOf(w, { capacity: { workers: 10 } });
    expect(nodesOf(p, 'resume-node')).toEqual(['n3']);
    expect(nodesOf(p, 'rollback-node')).toEqual([]);
    // n3 leaves: 2 remain, so 8 are added (and the delta keeps MaxSize safe).
    expect(p.steps.find((s) => s.kind === 'scale-up')).toMatchObject({ add: 8, observedDesired: 3 });
  });

  it('only deletes the Node when its instance is already terminating', () => {
    const w = world().group('workers').nodes_('n', 2).node('n3', { ...scalerdMark('terminating'), lifecycle: 'Terminating:Wait', ready: false });
    const p = planOf(w, { capacity: { workers: 2 } });
    const step = p.steps.find((s) => s.kind === 'resume-node');
    expect(step?.kind === 'resume-node' && step.actions).toEqual(['delete-node']);
  });

  it('rolls back a marked node whose instance someone put in Standby, and chooses another', () => {
    const w = world().group('workers').nodes_('n', 3).node('n4', { ...scalerdMark('drained'), lifecycle: 'Standby' });
    const p = planOf(w, { capacity: { workers: 2 } });
    expect(nodesOf(p, 'rollback-node')).toEqual(['n4']);
    expect(p.steps.find((s) => s.kind === 'rollback-node')!.reason).toBe('its instance is Standby: taken out of service by someone else, so scalerd leaves it alone');
    expect(nodesOf(p, 'resume-node')).toEqual([]);
    expect(nodesOf(p, 'drain-node')).toHaveLength(1);
  });

  it('waits, marked, for a node in phase terminating whose instance is in Standby (AWS never accepted the termination)', () => {
    const w = world().group('workers').nodes_('n', 3).node('n4', { ...scalerdMark('terminating'), lifecycle: 'Standby' });
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(nodesOf(p, 'rollback-node')).toEqual([]);
    expect(nodesOf(p, 'resume-node')).toEqual([]);
    expect(p.waiting).toContain('workers: n4 (i-n4) is marked terminating but its instance is Standby; it is finished once the instance is back InService');
  });

  it('rolls back a marked node that can no longer go, and chooses another', () => {
    const w = world().group('workers').nodes_('n', 3)
      .node('n4', { ...scalerdMark('cordoned'), annotations: { ...scalerdMark('cordoned').annotations, 'scalerd.io/scale-down-disabled': 'true' } });
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(nodesOf(p, 'rollback-node')).toEqual(['n4']);
    expect(p.steps.find((s) => s.kind === 'rollback-node')!.reason).toBe('it cannot be removed now: annotated scalerd.io/scale-down-disabled=true');
    expect(nodesOf(p, 'drain-node')).toEqual(['n1']);
  });

  it('rolls back a marked node whose pods no longer fit, and counts it as room for the others', () => {
    const w = world().group('workers').node('n1', { cpu: 2000 }).node('n2', { ...scalerdMark('cordoned'), cpu: 8000 })
      .deployment('shop/web', 2, ['n2', 'n1'], { cpu: 1500 });
    const p = planOf(w, { capacity: { workers: 1 } });
    expect(nodesOf(p, 'rollback-node')).toEqual(['n2']);
    expect(nodesOf(p, 'drain-node')).toEqual(['n1']);
  });

  it('leaves another owner’s marks alone', () => {
    const w = world().group('workers').nodes_('n', 2).node('n3', scalerdMark('draining', T0, 'blue'));
    const p = planOf(w, { capacity: { workers: 3 } });
    expect(kinds(p)).toEqual([]);
    // It is not capacity either: someone else is removing it.
    expect(p.waiting).toEqual(['workers: 2 of 3 nodes Ready']);
  });

  it('rolls back its marks on a node of no managed group', () => {
    const w = world().group('workers').nodes_('n', 1);
    w.nodes.push({ ...w.nodes[0]!, ...scalerdMark('cordoned'), name: 'stray', uid: 'stray', providerId: undefined, instanceId: undefined });
    const p = planOf(w, { capacity: { workers: 1 } });
    expect(p.steps.map((s) => s.kind === 'rollback-node' && [s.node, s.group, s.reason])).toEqual([['stray', undefined, 'its instance is in no managed group: scalerd will not remove it']]);
  });
});
