import { defineConfig } from 'vitest/config';

/**
 * Tests that hold real processes to real time: the deployer's under constant load (real etcd
 * and haproxy, zero failed requests: the files that start test/deployer/load.ts), the
 * hostile-schedule one (/healthz within 100 ms), the speed check (it runs two CPU
 * burners), and the real Prometheus's (it scrapes on wall time, beside a deployer whose
 * health checks through haproxy must pass). They run last, one at a time.
 */
export const REAL_TIME = [
  'test/deployer/end-to-end.test.ts', 'test/deployer/engine/bluegreen.test.ts', 'test/deployer/engine/config-refused.test.ts',
  'test/deployer/lb/backends.test.ts', 'test/deployer/lb/faults.test.ts', 'test/deployer/lb/switch.test.ts',
  'test/deployer/service/service.test.ts', 'test/deployer/service/etcd-outage.test.ts', 'test/deployer/engine/bake.test.ts',
  'test/daemon/hostile-schedule.test.ts', 'test/cli/speed-leadership.test.ts', 'test/deployer/load.test.ts',
  'test/monitoring/prometheus.test.ts',
];

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
