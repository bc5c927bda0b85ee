import { describe, expect, it } from 'vitest';
import { startControllers } from '../../../src/sim/cluster/index.js';
import { Faults } from '../../../src/sim/faults.js';
import { applyDefaults } from '../../../src/sim/kube/defaults.js';
import { type KubeObject, Store } from '../../../src/sim/kube/store.js';
import { Recorder } from '../../../src/sim/recorder.js';
import { SimClock } from '../../../src/sim/sim-clock.js';
import { START, nodeObject, workload } from './helpers.js';

function seeded() {
  const clock = new SimClock({ manual: true, start: START });
  const store = new Store({ clock });
  const create = (resource: string, object: Record<string, unknown>) => store.create(resource, applyDefaults(resource, object as KubeObject));
  create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  for (const name of ['a', 'b']) create('nodes', nodeObject(name));
  create('deployments.apps', workload('Deployment', 'web', 3));
  create('statefulsets.apps', workload('StatefulSet', 'db', 3));
  create('daemonsets.apps', workload('DaemonSet', 'agent', undefined));
  return { clock, store };
}

describe('startControllers', () => {
  it('takes over objects stored before it started, and settle() brings them to rest without moving the clock', () => {
    const { clock, store } = seeded();
    const controllers = startControllers({ store, clock, faults: new Faults(), recorder: new Recorder() });
    controllers.settle();
    expect(clock.now()).toBe(START);
    const pods = store.list('pods');
    expect(pods).toHaveLength(3 + 3 + 2);
    expect(pods.every((p) => (p.status as any).phase === 'Running')).toBe(true);
    expect(store.get('deployments.apps', 'default', 'web')!.status).toMatchObject({ availableReplicas: 3, updatedReplicas: 3 });
    expect(store.get('statefulsets.apps', 'default', 'db')!.status).toMatchObject({ readyReplicas: 3 });
    expect(store.get('daemonsets.apps', 'default', 'agent')!.status).toMatchObject({ numberReady: 2 });
    controllers.stop();
  });

  it('does nothing once stopped', () => {
    const { clock, store } = seeded();
    const controllers = startControllers({ store, clock, faults: new Faults(), recorder: new Recorder() });
    controllers.stop();
    clock.advance(60_000);
    expect(store.list('pods')).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
