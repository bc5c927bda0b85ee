import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../../src/sim/kube/patch.js';

const node = {
  metadata: { name: 'n1', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: { providerID: 'aws:///eu-west-1a/i-1', taints: [{ key: 't', effect: 'NoSchedule' }] },
};

describe('patches', () => {
  it('merge patch: sets, replaces lists, deletes with null', () => {
    expect(applyPatch('application/merge-patch+json', node, { metadata: { labels: { a: null, c: '3' } }, spec: { unschedulable: true, taints: [] } })).toEqual({
      metadata: { name: 'n1', labels: { b: '2', c: '3' }, finalizers: ['x'] },
      spec: { providerID: 'aws:///eu-west-1a/i-1', taints: [], unschedulable: true },
    });
  });

  it('strategic merge: what kubectl cordon sends', () => {
    const patched = applyPatch('application/strategic-merge-patch+json', node, { spec: { unschedulable: true } }) as typeof node & { spec: { unschedulable: boolean } };
    expect(patched.spec).toEqual({ ...node.spec, unschedulable: true });
  });

  it('strategic merge: lists with a merge key merge by it; $patch delete removes; finalizers union', () => {
    const pod = { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] }, metadata: { finalizers: ['x'] } };
    const patched = applyPatch('application/strategic-merge-patch+json', pod, {
      spec: { containers: [{ name: 'b', image: 'b:2' }, { name: 'a', $patch: 'delete' }, { name: 'c', image: 'c:1' }] },
      metadata: { finalizers: ['y'] },
      '$setElementOrder/containers': [{ name: 'b' }],
    });
    expect(patched).toEqual({ spec: { containers: [{ name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }] }, metadata: { finalizers: ['x', 'y'] } });
  });

  it('strategic merge: $deleteFromPrimitiveList', () => {
    expect(applyPatch('application/strategic-merge-patch+json', { metadata: { finalizers: ['x', 'y'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }))
      .toEqual({ metadata: { finalizers: ['y'] } });
  });

  it('json patch: add, replace, remove, test', () => {
    const patched = applyPatch('application/json-patch+json', node, [
      { op: 'test', path: '/metadata/labels/a', value: '1' },
      { op: 'add', path: '/spec/taints/-', value: { key: 'u', effect: 'NoExecute' } },
      { op: 'replace', path: '/metadata/labels/b', value: '20' },
      { op: 'remove', path: '/metadata/finalizers' },
      { op: 'add', path: '/metadata/annotations', value: { 'x~y/z': 'v' } },
    ]);
    expect(patched).toEqual({
      metadata: { name: 'n1', labels: { a: '1', b: '20' }, annotations: { 'x~y/z': 'v' } },
      spec: { providerID: 'aws:///eu-west-1a/i-1', taints: [{ key: 't', effect: 'NoSchedule' }, { key: 'u', effect: 'NoExecute' }] },
    });
    expect(node.spec.taints).toHaveLength(1); // the input is not changed
  });

  it('json patch: a failed test or a missing path is a 422, and nothing is applied', () => {
    expect(() => applyPatch('application/json-patch+json', node, [{ op: 'test', path: '/metadata/labels/a', value: '9' }])).toThrow(/testing value/);
    expect(() => applyPatch('application/json-patch+json', node, [{ op: 'replace', path: '/nope/x', value: 1 }])).toThrow(/does not exist/);
  });

  it('an unknown patch type is 415', () => {
    try {
      applyPatch('text/plain', node, {});
      expect.unreachable();
    } catch (error) {
      expect((error as { code: number }).code).toBe(415);
    }
  });
});
