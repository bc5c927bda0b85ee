// The merge patch a NodeChange becomes: only what changes, other taints kept in place,
// the resourceVersion always carried, nothing at all when the node already is as asked.

import type { Node } from '../../src/kube/wire.js';
import { describe, expect, it } from 'vitest';
import { changedTaints, nodePatch } from '../../src/kube/node-change.js';

const node = (spec: Node['spec'] = {}, annotations?: Record<string, string>): Node => ({
  metadata: { name: 'n1', resourceVersion: '42', ...(annotations ? { annotations } : {}) },
  spec,
});

const draining = { key: 'scalerd.io/draining', value: 'owner-1', effect: 'NoSchedule' } as const;

describe('nodePatch', () => {
  it('cordons, taints and annotates in one patch guarded by the resourceVersion', () => {
    expect(nodePatch(node(), { unschedulable: true, addTaints: [draining], annotations: { 'scalerd.io/drain': '{"at":1}' } })).toEqual({
      metadata: { resourceVersion: '42', annotations: { 'scalerd.io/drain': '{"at":1}' } },
      spec: { unschedulable: true, taints: [{ key: 'scalerd.io/draining', value: 'owner-1', effect: 'NoSchedule' }] },
    });
  });

  it('keeps the other taints, in place and with their timeAdded (to the second)', () => {
    const current = node({ taints: [
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-03-02T09:00:00Z' },
    ] });
    expect(nodePatch(current, { addTaints: [draining] })?.spec?.taints).toEqual([
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-03-02T09:00:00Z' },
      { key: 'scalerd.io/draining', value: 'owner-1', effect: 'NoSchedule' },
    ]);
  });

  it('replaces a taint with the same key and effect where it stands; another effect of the key is another taint', () => {
    const current = node({ taints: [{ key: 'scalerd.io/draining', value: 'old', effect: 'NoSchedule' }, { key: 'a', effect: 'NoExecute' }] });
    expect(changedTaints(current.spec!.taints!, { addTaints: [draining, { key: 'scalerd.io/draining', effect: 'NoExecute' }] })).toEqual([
      { key: 'scalerd.io/draining', value: 'owner-1', effect: 'NoSchedule' },
      { key: 'a', effect: 'NoExecute' },
      { key: 'scalerd.io/draining', effect: 'NoExecute' },
    ]);
  });

  it('removes every effect of a removed key, and the field itself when no taint is left', () => {
    const current = node({ unschedulable: true, taints: [{ key: 'scalerd.io/draining', effect: 'NoSchedule' }, { key: 'scalerd.io/draining', effect: 'NoExecute' }] }, { 'scalerd.io/drain': 'x', keep: 'y' });
    expect(nodePatch(current, { unschedulable: false, removeTaintKeys: ['scalerd.io/draining'], annotations: { 'scalerd.io/drain': null, absent: null } })).toEqual({
      metadata: { resourceVersion: '42', annotations: { 'scalerd.io/drain': null } },
      spec: { unschedulable: null, taints: null },
    });
  });

  it('is nothing when the node already is as asked (a retried change writes nothing)', () => {
    const current = node({ unschedulable: true, taints: [draining] }, { 'scalerd.io/drain': 'x' });
    expect(nodePatch(current, { unschedulable: true, addTaints: [draining], annotations: { 'scalerd.io/drain': 'x', gone: null }, removeTaintKeys: ['absent'] })).toBeUndefined();
    expect(nodePatch(node(), { unschedulable: false })).toBeUndefined();
    expect(nodePatch(node(), {})).toBeUndefined();
  });
});
