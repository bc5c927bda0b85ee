import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run the built binary, as users do; build it once for the run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    // The AWS SDK's notice that Node 20 support ends (README, Set-up): once per process,
    // eight lines, in every test file and every CLI the tests start; it buried CI's output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
