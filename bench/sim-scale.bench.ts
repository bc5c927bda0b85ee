// The simulator at scale: a 1,000-node, 30,000-pod cluster must start in under 10 s and
// serve the full pod list, paged 500 at a time over HTTP, in under 2 s. Baselines from
// the same run: for the start, the bare cost of storing the same objects (no
// controllers); for the list, serialising the same pods to JSON in memory.

import { startSim } from '../src/sim/index.js';
import { Store } from '../src/sim/kube/store.js';
import { SimClock } from '../src/sim/sim-clock.js';
import type { BenchResult } from './run.js';

const NODES = 1000;
const PODS_PER_NODE = 30;

export async function run(): Promise<BenchResult> {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const startedAt = performance.now();
  const sim = await startSim({ nodes: NODES, podsPerNode: PODS_PER_NODE });
  const startMs = performance.now() - startedAt;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  try {
    const pods = sim.store.list('pods');
    const running = pods.filter((p) => (p.status as { phase?: string }).phase === 'Running').length;
    if (sim.store.count('nodes') !== NODES || running !== NODES * PODS_PER_NODE) {
      throw new Error(`expected ${NODES} nodes and ${NODES * PODS_PER_NODE} running pods, got ${sim.store.count('nodes')} and ${running}`);
    }

    // Baseline for the start: the same objects into a bare store, no controllers.
    const bareAt = performance.now();
    const bare = new Store({ clock: new SimClock({ manual: true }) });
    for (const node of sim.store.list('nodes')) bare.create('nodes', node);
    for (const pod of pods) bare.create('pods', pod);
    const bareStoreMs = performance.now() - bareAt;

    // The full pod list over HTTP, 500 per page, as kubectl and informers page it.
    const listAt = performance.now();
    let listed = 0;
    let token = '';
    do {
      const response = await fetch(`${sim.server}/api/v1/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      const page = (await response.json()) as { items: unknown[]; metadata: { continue?: string } };
      listed += page.items.length;
      token = page.metadata.continue ?? '';
    } while (token);
    const listMs = performance.now() - listAt;
    if (listed !== NODES * PODS_PER_NODE) throw new Error(`listed ${listed} pods`);

    const serialiseAt = performance.now();
    for (let i = 0; i < pods.length; i += 500) JSON.parse(JSON.stringify({ items: pods.slice(i, i + 500) }));
    const serialiseMs = performance.now() - serialiseAt;

    const startOk = startMs < 10_000;
    const listOk = listMs < 2_000;
    return {
      name: 'sim-scale',
      description: `startSim with ${NODES} nodes and ${NODES * PODS_PER_NODE} pods; the full pod list over HTTP, 500 per page`,
      figures: { nodes: NODES, pods: NODES * PODS_PER_NODE, startMs, bareStoreMs, listMs, serialiseMs, heapMb, startTargetMs: 10_000, listTargetMs: 2_000 },
      speedup: serialiseMs / listMs,
      summary: `start ${(startMs / 1000).toFixed(2)} s (target < 10 s, ${startOk ? 'met' : 'MISSED'}; bare store ${(bareStoreMs / 1000).toFixed(2)} s, ×${(startMs / bareStoreMs).toFixed(1)}); paged list ${(listMs / 1000).toFixed(2)} s (target < 2 s, ${listOk ? 'met' : 'MISSED'}; in-memory JSON ${(serialiseMs / 1000).toFixed(2)} s, ×${(listMs / serialiseMs).toFixed(1)}); heap +${heapMb.toFixed(0)} MiB`,
    };
  } finally {
    await sim.stop();
  }
}
