// Reading and cordoning nodes through client-node. client-node 1.x sends every patch as
// application/json-patch+json unless told otherwise: a cordon sent as an object needs
// setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch | MergePatch).

import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiFailure, rv, useSim } from './helpers.js';

const s = useSim();

const nodeName = async (index: number) => (await s.core.listNode()).items[index]!.metadata!.name!;

describe('nodes through client-node', () => {
  it('reads a node by name; a missing one is 404 with a NotFound Status naming it', async () => {
    const name = await nodeName(0);
    const node = await s.core.readNode({ name });
    expect(node.metadata?.name).toBe(name);
    expect(node.status?.addresses?.find((a) => a.type === 'InternalDNS')?.address).toBe(name);
    const missing = await apiFailure(s.core.readNode({ name: 'ip-10-9-9-9.eu-west-1.compute.internal' }));
    expect(missing).toMatchObject({
      code: 404,
      status: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'nodes "ip-10-9-9-9.eu-west-1.compute.internal" not found', details: { name: 'ip-10-9-9-9.eu-west-1.compute.internal', kind: 'nodes' } },
    });
  });

  it('cordons with a strategic merge patch and uncordons with a merge patch; each write has a higher resourceVersion', async () => {
    const name = await nodeName(0);
    const before = await s.core.readNode({ name });
    const cordoned = await s.core.patchNode({ name, body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    expect(cordoned.spec?.unschedulable).toBe(true);
    expect(cordoned.spec?.providerID).toBe(before.spec?.providerID); // a patch, not a replace
    expect(rv(cordoned)).toBeGreaterThan(rv(before));
    expect((await s.core.listNode({ fieldSelector: 'spec.unschedulable=true' })).items.map((n) => n.metadata?.name)).toEqual([name]);
    const uncordoned = await s.core.patchNode({ name, body: { spec: { unschedulable: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(uncordoned.spec?.unschedulable).toBeUndefined();
    expect(rv(uncordoned)).toBeGreaterThan(rv(cordoned));
    expect(s.sim.recorder.facts('cordon').filter((f) => f.node === name).map((f) => f.unschedulable)).toEqual([true, false]);
  });

  it('takes the default content type as a JSON patch: an object body is a 400, a list of operations works', async () => {
    const name = await nodeName(1);
    const wrong = await apiFailure(s.core.patchNode({ name, body: { spec: { unschedulable: true } } }));
    expect(wrong).toMatchObject({ code: 400, status: { reason: 'BadRequest' } });
    const cordoned = await s.core.patchNode({ name, body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    expect(cordoned.spec?.unschedulable).toBe(true);
    await s.core.patchNode({ name, body: [{ op: 'remove', path: '/spec/unschedulable' }] });
  });

  it('refuses a patch carrying a stale resourceVersion with 409 Conflict', async () => {
    const name = await nodeName(2);
    const node = await s.core.readNode({ name });
    await s.core.patchNode({ name, body: { metadata: { labels: { 'scalerd.io/touched': 'yes' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const stale = await apiFailure(s.core.patchNode(
      { name, body: { metadata: { resourceVersion: node.metadata!.resourceVersion }, spec: { unschedulable: true } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ));
    expect(stale).toMatchObject({ code: 409, status: { reason: 'Conflict', message: `Operation cannot be fulfilled on nodes "${name}": the object has been modified; please apply your changes to the latest version and try again` } });
    expect((await s.core.readNode({ name })).spec?.unschedulable).toBeUndefined();
  });
});
