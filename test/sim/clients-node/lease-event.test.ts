// The leader-election Lease scalerd holds (optimistic concurrency on resourceVersion) and
// the Events it writes, through client-node. Lease times are MicroTime: they must be sent as
// client-node's V1MicroTime (six fractional digits); a plain Date is refused with 400, and
// client-node 1.x hands them back as strings, whatever its types say.

import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { START, apiFailure, rv, useSim } from './helpers.js';

const s = useSim();

const lease = (holder: string, renewTime: Date): V1Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'scalerd', namespace: 'kube-system' },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: new V1MicroTime(START), renewTime, leaseTransitions: 0 },
});

/** What client-node gives back for a MicroTime field (a string at run time), as epoch ms. */
const ms = (time: Date | string | undefined): number => (time instanceof Date ? time.getTime() : Date.parse(String(time)));

describe('a Lease through client-node', () => {
  it('refuses times sent as a plain Date (three fractional digits) with 400, as the API server does', async () => {
    const failure = await apiFailure(s.coordination.createNamespacedLease({ namespace: 'kube-system', body: lease('scalerd-a', new Date(START)) }));
    expect(failure).toMatchObject({
      code: 400,
      status: { reason: 'BadRequest', message: 'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-03-02T09:00:00.000Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".000Z" as ".000000"' },
    });
  });

  it('creates, reads, renews with the current resourceVersion, and refuses a stale renewal with 409 Conflict', async () => {
    const created = await s.coordination.createNamespacedLease({ namespace: 'kube-system', body: lease('scalerd-a', new V1MicroTime(START)) });
    expect(created.spec?.holderIdentity).toBe('scalerd-a');
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    const read = await s.coordination.readNamespacedLease({ name: 'scalerd', namespace: 'kube-system' });
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(read.spec?.renewTime as unknown).toBe('2026-03-02T09:00:00.000000Z');
    expect(ms(read.spec?.renewTime)).toBe(START);

    const renewal = { ...read, spec: { ...read.spec, renewTime: new V1MicroTime(START + 10_000) } };
    const renewed = await s.coordination.replaceNamespacedLease({ name: 'scalerd', namespace: 'kube-system', body: renewal });
    expect(rv(renewed)).toBeGreaterThan(rv(read));
    expect(ms(renewed.spec?.renewTime)).toBe(START + 10_000);

    // Another replica that read the Lease before the renewal tries to take it over.
    const takeover = { ...read, spec: { ...read.spec, holderIdentity: 'scalerd-b', leaseTransitions: 1 } };
    const stale = await apiFailure(s.coordination.replaceNamespacedLease({ name: 'scalerd', namespace: 'kube-system', body: takeover }));
    expect(stale).toMatchObject({
      code: 409,
      status: {
        reason: 'Conflict',
        message: 'Operation cannot be fulfilled on leases.coordination.k8s.io "scalerd": the object has been modified; please apply your changes to the latest version and try again',
        details: { name: 'scalerd', group: 'coordination.k8s.io', kind: 'leases' },
      },
    });
    expect((await s.coordination.readNamespacedLease({ name: 'scalerd', namespace: 'kube-system' })).spec?.holderIdentity).toBe('scalerd-a');
  });

  it('refuses a second Lease of the same name with 409 AlreadyExists', async () => {
    const again = await apiFailure(s.coordination.createNamespacedLease({ namespace: 'kube-system', body: lease('scalerd-b', new V1MicroTime(START)) }));
    expect(again).toMatchObject({ code: 409, status: { reason: 'AlreadyExists', message: 'leases.coordination.k8s.io "scalerd" already exists' } });
  });
});

describe('Events through client-node', () => {
  it('creates an Event about a node (generateName) and finds it by involvedObject', async () => {
    const node = (await s.core.listNode()).items[0]!;
    const at = new Date(s.sim.clock.now());
    const event = await s.core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'scalerd-', namespace: 'default' },
        involvedObject: { apiVersion: 'v1', kind: 'Node', name: node.metadata!.name!, uid: node.metadata!.uid! },
        reason: 'ScaleDownBlocked',
        message: 'eviction of shop/web-0 refused by PodDisruptionBudget web; retrying',
        type: 'Warning',
        source: { component: 'scalerd' },
        reportingComponent: 'scalerd',
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      },
    });
    expect(event.metadata?.name).toMatch(/^scalerd-[a-z0-9]{5}$/);
    const found = await s.core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${node.metadata!.name},reason=ScaleDownBlocked` });
    expect(found.items.map((e) => e.metadata?.name)).toEqual([event.metadata?.name]);
    expect(found.items[0]).toMatchObject({ type: 'Warning', count: 1, involvedObject: { kind: 'Node', uid: node.metadata!.uid }, source: { component: 'scalerd' } });
    expect(found.items[0]?.lastTimestamp?.getTime()).toBe(at.getTime());
  });

  it('refuses an Event in a namespace that does not exist with 404', async () => {
    const failure = await apiFailure(s.core.createNamespacedEvent({
      namespace: 'nowhere',
      body: { metadata: { name: 'x' }, involvedObject: { kind: 'Node', name: 'n' }, reason: 'R', message: 'm', type: 'Normal' },
    }));
    expect(failure).toMatchObject({ code: 404, status: { reason: 'NotFound', message: 'namespaces "nowhere" not found' } });
  });
});
