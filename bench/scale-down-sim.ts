// The scale-down benchmark's simulator, in a process of its own: started by
// scale-down.bench.ts, it seeds the benchmark's scenario at speed 1, prints where it
// listens (one JSON line) and serves until SIGTERM. Own process, own core: the simulated
// API server's work (budget checks, controllers, the scheduler) does not share an event
// loop with the client being measured, as a real API server would not.

import { startSim } from '../src/sim/index.js';
import { BENCH_KEY, scenario } from './scale-down.bench.js';

const sim = await startSim({ scenario: scenario(), speed: 1, awsCredentials: [BENCH_KEY] });
process.stdout.write(`${JSON.stringify({ server: sim.server, kubeconfig: sim.kubeconfig, region: sim.region, credentials: sim.credentials })}\n`);
process.once('SIGTERM', () => {
  void sim.stop().then(() => process.exit(0));
});
