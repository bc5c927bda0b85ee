import { describe, expect, it } from 'vitest';
import { spec, states, TIMINGS, world } from './helpers.js';

describe('AwsModel instance lifecycle', () => {
  it('starts a group in service at once, one instance per zone, telling the cluster synchronously', () => {
    const w = world();
    w.model.addGroup(spec(), { startInService: true });
    expect(states(w)).toEqual(['InService', 'InService', 'InService']);
    expect(w.model.group('workers')?.instances.map((i) => i.availabilityZone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(w.observer.running.map((i) => i.instanceId)).toEqual(w.model.instances().map((i) => i.instanceId));
    expect(w.model.instances().every((i) => i.lifecycle === 'InService')).toBe(true);
  });

  it('gives instances ids, addresses and DNS names shaped like EC2 ones', () => {
    const w = world();
    w.model.addGroup(spec(), { startInService: true });
    const [a, b, c] = w.observer.running;
    for (const i of [a, b, c]) {
      expect(i?.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(i?.privateDnsName).toBe(`ip-${i?.privateIpAddress.replaceAll('.', '-')}.eu-west-1.compute.internal`);
    }
    // One /18 of 10.0.0.0/16 per zone letter.
    expect(Number(a?.privateIpAddress.split('.')[2])).toBeLessThan(64);
    expect(Number(b?.privateIpAddress.split('.')[2])).toBeGreaterThanOrEqual(64);
    expect(Number(c?.privateIpAddress.split('.')[2])).toBeGreaterThanOrEqual(128);
  });

  it('names us-east-1 hosts under ec2.internal', () => {
    const w = world({ region: 'us-east-1' });
    w.model.addGroup(spec({ availabilityZones: ['us-east-1a'], desiredCapacity: 1 }), { startInService: true });
    expect(w.observer.running[0]?.privateDnsName).toMatch(/^ip-10-0-\d+-\d+\.ec2\.internal$/);
  });

  it('launches Pending/pending and turns InService/running after the launch delay', () => {
    const w = world();
    w.model.addGroup(spec(), { startInService: false });
    expect(states(w)).toEqual(['Pending', 'Pending', 'Pending']);
    expect(w.observer.running).toEqual([]);
    w.clock.advance(TIMINGS.launchDelayMs - 1);
    expect(states(w)).toEqual(['Pending', 'Pending', 'Pending']);
    w.clock.advance(1);
    expect(states(w)).toEqual(['InService', 'InService', 'InService']);
    expect(w.observer.running).toHaveLength(3);
  });

  it('terminates through Terminating/shutting-down, then leaves the group but stays visible to EC2 for a while', () => {
    const w = world();
    w.model.addGroup(spec(), { startInService: true });
    const id = w.observer.running[0]!.instanceId;
    expect(w.model.terminateInstance(id, true).ok).toBe(true);
    expect(w.model.instance(id)?.lifecycle).toBe('Terminating');
    expect(w.observer.stopping).toEqual([{ instance: w.observer.running[0], reason: 'user-request' }]);

    w.clock.advance(TIMINGS.terminateDelayMs - 1);
    expect(w.model.group('workers')?.instances.map((i) => i.instanceId)).toContain(id);
    w.clock.advance(1);
    expect(w.model.instance(id)?.lifecycle).toBe('Terminated');
    expect(w.model.group('workers')?.instances.map((i) => i.instanceId)).not.toContain(id);

    w.clock.advance(TIMINGS.terminatedVisibleMs);
    expect(w.model.instance(id)).toBeUndefined();
  });

  it('never runs an instance that was terminated while Pending', () => {
    const w = world();
    w.model.addGroup(spec({ desiredCapacity: 1, minSize: 0 }), { startInService: false });
    const id = w.model.instances()[0]!.instanceId;
    w.model.terminateInstance(id, true);
    w.clock.advance(TIMINGS.launchDelayMs + TIMINGS.terminateDelayMs);
    expect(w.observer.running).toEqual([]);
    expect(w.model.instance(id)?.lifecycle).toBe('Terminated');
  });

  it('refuses a group spec no AWS group could have', () => {
    const w = world();
    expect(() => w.model.addGroup(spec({ desiredCapacity: 11 }), { startInService: true })).toThrow(/min 1 ≤ desired 11 ≤ max 10/);
    expect(() => w.model.addGroup(spec({ suspendedProcesses: ['Nap'] }), { startInService: true })).toThrow(/Nap is not a scaling process/);
    w.model.addGroup(spec(), { startInService: true });
    expect(() => w.model.addGroup(spec(), { startInService: true })).toThrow(/already exists/);
  });

  it('draws the same ids from the same random source', () => {
    const ids = () => {
      const w = world();
      w.model.addGroup(spec(), { startInService: true });
      return w.model.instances().map((i) => i.instanceId);
    };
    expect(ids()).toEqual(ids());
  });
});
