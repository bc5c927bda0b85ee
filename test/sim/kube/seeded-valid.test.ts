// What the simulator writes itself (a scenario's seed, its controllers, kubelets and
// garbage collector go to the store, not through the API) must be what the API server
// would accept: a client that patches such an object has the whole object validated.

import { describe, expect, it } from 'vitest';
import { startSim } from '../../../src/sim/index.js';
import { ApiError } from '../../../src/sim/kube/api-error.js';
import { RESOURCES, resourceKey } from '../../../src/sim/kube/resources.js';
import { decode, refuseInvalid } from '../../../src/sim/kube/validation/index.js';
import { START, shippedScenario } from '../clients/helpers.js';

describe('objects the simulator writes itself', () => {
  it.each(['small', 'demo'])('in scenario %s, after the controllers have run, pass strict decoding and validation', async (name) => {
    const sim = await startSim({ scenario: await shippedScenario(name), manualClock: true, startAt: START });
    try {
      sim.clock.advance(120_000);
      const refused: string[] = [];
      for (const type of RESOURCES) {
        for (const object of sim.store.list(resourceKey(type))) {
          try {
            const decoded = decode(object, 'Strict');
            refuseInvalid(type, decoded.object, decoded.fieldErrors);
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            refused.push(`${type.resource} ${object.metadata.namespace ?? ''}/${object.metadata.name}: ${error.message}`);
          }
        }
      }
      expect(refused).toEqual([]);
      expect(sim.store.count('pods')).toBeGreaterThan(0);
    } finally {
      await sim.stop();
    }
  });
});
