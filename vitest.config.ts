import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run the built binary, as users do; build it once for the run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    // Most test files wait on simulated clocks, child processes and loopback servers, not
    // the CPU: three at a time on two cores took the suite from about 16 minutes (vitest's
    // default here, cores − 1 = one file at a time) to 9 on an idle machine. Their bounds
    // are in simulated time, which stands still while a process cannot run (SimClock).
    maxWorkers: 3,
    // The AWS SDK's notice that Node 20 support ends (README, Set-up): once per process,
    // eight lines, in every test file and every CLI the tests start; it buried CI's output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
