import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Tests that hold real processes to real time: the deployer's under constant load (real etcd
 * and haproxy, zero failed requests: the files that start test/deployer/load.ts), the
 * hostile-schedule one (/healthz within 100 ms), and the speed check (it runs two CPU
 * burners). They run last, one at a time.
 */
export const REAL_TIME = [
  'test/deployer/end-to-end.test.ts', 'test/deployer/engine/bluegreen.test.ts', 'test/deployer/engine/config-refused.test.ts',
  'test/deployer/lb/backends.test.ts', 'test/deployer/lb/faults.test.ts', 'test/deployer/lb/switch.test.ts',
  'test/deployer/service/service.test.ts', 'test/deployer/service/etcd-outage.test.ts', 'test/deployer/engine/bake.test.ts',
  'test/daemon/hostile-schedule.test.ts', 'test/cli/speed-leadership.test.ts', 'test/deployer/load.test.ts',
];

/**
 * The simulated-time files that took 12 s or more (a fresh clone, idle, 2026-12-07), longest
 * first. A fresh clone has no record of durations, and vitest then starts files in the order
 * it found them: differential.test.ts (30 s) started with 40 s of the project left, and the
 * three workers ended 30 s apart. Started first, the long files leave the short ones to fill
 * in at the end. (With a record, as on a developer's machine, vitest already does this.)
 */
export const LONG_FIRST = [
  'test/engine/chaos/scale-down.test.ts', 'test/cli/hostile.test.ts', 'test/docs/runnable-examples.test.ts',
  'test/console/console.test.ts', 'test/schedule/reference/differential.test.ts', 'test/daemon/daemon.test.ts',
  'test/deployer/state/etcd.test.ts', 'test/daemon/history.test.ts', 'test/sim/aws/cli.test.ts',
  'test/console/deployments.test.ts', 'test/schedule/validate-fixtures.test.ts', 'test/sim/clients-node/budget.property.test.ts',
  'test/daemon/two-daemons.test.ts', 'test/sim/clients/kubectl-create.test.ts', 'test/sim/clients/aws-cli.test.ts',
  'test/cli/run-overrides.test.ts', 'test/deploy/components.test.ts', 'test/deployer/etcd/connection.test.ts',
  'test/cli/json-times.test.ts', 'test/cli/run-metrics.test.ts',
];

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONG_FIRST.findIndex((path) => f.moduleId.endsWith(`/${path}`));
      return i < 0 ? LONG_FIRST.length : i;
    };
    // Stable: the projects' order (groupOrder) is kept, since no real-time file is listed.
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

/** What both projects share. Not by `extends: true`: each project would run the global setup again. */
const common = {
  testTimeout: 30_000,
  // The AWS SDK's notice that Node 20 support ends (README, Set-up): once per process,
  // eight lines, in every test file and every CLI the tests start; it buried CI's output.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};

export default defineConfig({
  test: {
    // The CLI tests run the built binary, as users do; build it once for the run (the root
    // project's global setup runs once, whichever projects have files in the run).
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: LongFirst },
    projects: [
      {
        // Most test files wait on simulated clocks, child processes and loopback servers, not
        // the CPU: three at a time on two cores took the suite from about 16 minutes (vitest's
        // default here, cores − 1 = one file at a time) to 9 on an idle machine. Their bounds
        // are in simulated time, which stands still while a process cannot run (SimClock).
        // Not isolated: each file loading the SDKs and the simulator afresh was over 300 s of
        // the suite's CPU; the files share a worker's modules (the suite: 9 minutes to 7.7).
        test: { ...common, name: 'simulated-time', include: ['test/**/*.test.ts'], exclude: REAL_TIME, maxWorkers: 3, isolate: false, sequence: { groupOrder: 0 } },
      },
      {
        // Beside two other files and two busy loops, haproxy's health checks (every 250 ms,
        // down after two misses) failed on starved app processes: 503s, which no product
        // change would avoid on a machine that starved. One after another in one worker, they
        // share its modules too (each file loaded etcd3, the SDKs and the simulator again: 2-3 s).
        test: { ...common, name: 'real-time', include: REAL_TIME, maxWorkers: 1, isolate: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
